"""Counter-arguments to typical refusals ("concurrerende dooddoeners"), in our own
words. Seeded after migrate when missing; editable in functional management."""

from django.db import transaction

from maatwerk.register.models import LegalGround

from .models import CounterArgument

# reason, Dutch, English, legal ground codes
COUNTER_ARGUMENTS = [
    ("not_allowed_by_law",
     "Terug naar de kern: welk doel heeft de wet hier? Bijna altijd is er een grond om af te "
     "wijken als de uitkomst onevenredig is. Vraag welk artikel het precies verbiedt.",
     "Back to the core: what is the law for here? There is nearly always a ground to deviate "
     "when the outcome is disproportionate. Ask which article exactly forbids it.",
     ["awb-4-84", "awb-3-4-2", "pw-18-1"]),
    ("not_allowed_by_law",
     "Veel ‘het mag niet’ blijkt bij navraag wel te mogen; soms schrijft de wet het zelfs voor. "
     "Vraag om de weigering op schrift met het artikel erbij.",
     "Much 'not allowed' turns out to be allowed when checked; sometimes the law even requires "
     "it. Ask for the refusal in writing with the article.",
     []),
    ("precedent",
     "Als dit voor dit gezin werkt, moeten we het misschien voor iedereen zo doen. Een precedent "
     "is geen risico maar een leerpunt voor de organisatie.",
     "If this works for this family, perhaps it should be done for everyone. A precedent is not "
     "a risk but a lesson for the organisation.",
     []),
    ("wrong_desk",
     "Vraag wie dan wel beslist, met naam en telefoonnummer, en of de doorverwijzer het verzoek "
     "zelf doorzet. Kijk in het Maatwerkregister wie de maatwerkfunctionaris is.",
     "Ask who does decide, with name and phone number, and whether the person redirecting "
     "passes the request on. Look up the maatwerk contact in the register.",
     []),
    ("not_in_this_case",
     "Wat maakt dit geval anders dan de gevallen waarin het wel kan? Leg de omstandigheden van "
     "het huishouden naast de bedoeling van de regel.",
     "What makes this case different from those where it is possible? Put the household's "
     "circumstances next to the purpose of the rule.",
     ["awb-4-84"]),
    ("more_information",
     "Welke informatie precies, en wat verandert die aan het besluit? Spreek een datum af; "
     "intussen loopt de situatie van het huishouden verder op.",
     "Which information exactly, and what would it change about the decision? Agree on a date; "
     "meanwhile the household's situation gets worse.",
     []),
    ("not_our_responsibility",
     "Help nu en regel later wie betaalt: de overbruggingsprocedure. Wie eerst helpt, verliest "
     "niets als de kosten achteraf worden verrekend.",
     "Help now and settle later who pays: the bridging procedure. Whoever helps first loses "
     "nothing when the costs are settled afterwards.",
     []),
    ("who_pays",
     "Zet de kosten van doormodderen naast de kosten van het plan. Het maatwerkbudget kan "
     "voorschieten tot duidelijk is wie verantwoordelijk is.",
     "Put the cost of muddling on next to the cost of the plan. The maatwerk budget can advance "
     "the money until it is clear who is responsible.",
     []),
    ("distrust",
     "Ga uit van het perspectief van het huishouden en van wat de professional die het gezin "
     "kent waarneemt. Wantrouwen is geen wettelijke grond.",
     "Start from the household's perspective and from what the professional who knows the "
     "family sees. Distrust is not a legal ground.",
     ["awb-3-4-2"]),
    ("other",
     "Vraag door naar de precieze reden en naar wie er wel over kan beslissen; escaleer als er "
     "geen antwoord komt.",
     "Ask for the precise reason and for who can decide; escalate when no answer comes.",
     []),
]  # fmt: skip


def seed_counter_arguments(using: str = "default") -> None:
    with transaction.atomic(using=using):
        if CounterArgument.objects.using(using).exists():
            return  # seeded before: the list is the administrators' now
        for order, (reason, text_nl, text_en, grounds) in enumerate(COUNTER_ARGUMENTS):
            argument = CounterArgument.objects.using(using).create(
                reason=reason, text_nl=text_nl, text_en=text_en, order=order
            )
            argument.legal_grounds.set(LegalGround.objects.using(using).filter(code__in=grounds))
