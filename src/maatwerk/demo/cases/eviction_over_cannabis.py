"""Demo story: 1. Eviction over a cannabis grow; the second chance comes before the
eviction, and the plan starts from the mother's debts and the car for her son.
"""

from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import ZAANSTAD, cost, grounds_by_code, open_case, organisation_named, said

# 1. Eviction over a cannabis grow; the second chance comes before the eviction, and
#    the plan starts from the mother's debts and the car for her son.
EVICTION_FIRST = (
    "Ik wil met mijn jongens in dit huis blijven wonen. "
    "De hennepkwekerij op zolder heb ik toegelaten omdat ik geld nodig had voor de schulden. "
    "Dat gebeurt nooit meer. "
    "Mijn oudste zoon moet drie keer per week naar het ziekenhuis en dat lukt niet met de bus. "
    "Ik snap niet alle brieven die ik krijg."
)
EVICTION_SECOND = (
    "Ik wil met mijn jongens in dit huis blijven wonen. "
    "Eerst moeten de schulden geregeld worden, dan kan ik de rest aan. "
    "Mijn oudste zoon moet drie keer per week naar het ziekenhuis en dat lukt niet met de bus. "
    "Met een auto kan ik hem zelf brengen. "
    "De hennepkwekerij op zolder heb ik toegelaten omdat ik geld nodig had voor de schulden. "
    "Dat gebeurt nooit meer. "
    "Ik wil dat iemand samen met mij de brieven leest."
)


def create() -> Case | None:
    story = open_case(
        ZAANSTAD,
        days_ago=150,
        perspective=EVICTION_FIRST,
        needed=(
            "Ontruiming voorkomen: de tweedekansregeling nu toepassen in plaats van na de "
            "uitzetting. Daarnaast grip op de schulden en vervoer voor de oudste zoon "
            "(meervoudig beperkt) naar ziekenhuis en dagbesteding."
        ),
        domains=["housing", "finances", "justice", "parenting_family", "physical_health"],
        composition="single_parent",
        adults=1,
        children=2,
        deciding=["Gemeente Zaanstad", "Woningcorporatie Voorbeeld Wonen"],
        problems_start="finances",
    )
    if story is None:
        return None
    shared = {
        "intended_effect": (
            "Moeder en haar twee zoons blijven in hun huis wonen, de schulden groeien niet "
            "verder, de oudste zoon komt op tijd bij zijn behandelingen en er komt nooit meer "
            "een kwekerij in huis."
        ),
        "impact": (
            "Een ontruiming betekent opvang, een andere school voor de jongste en het "
            "wegvallen van het netwerk rond de oudste zoon, die veel zorg nodig heeft. "
            "Moeder heeft een licht verstandelijke beperking; zonder vaste woonplek raakt zij "
            "het overzicht helemaal kwijt. De buren willen vooral dat de kwekerij weg blijft."
        ),
        "purpose_of_law": (
            "De sluiting en de ontbinding van het huurcontract na een hennepvondst moeten "
            "criminaliteit en brandgevaar uit de buurt houden. Het tweedekansbeleid wil "
            "gezinnen na een fout een nieuwe start geven. Beide doelen worden beter bereikt "
            "met strakke afspraken nu dan met een uitzetting eerst."
        ),
        "ethics": (
            "De kinderen, en vooral de zorgafhankelijke oudste zoon, zouden de prijs betalen "
            "voor een fout waarvan moeder de gevolgen niet overzag. Dat is niet rechtvaardig. "
            "Moeder krijgt wel duidelijke afspraken en controle."
        ),
        "legal_check": (
            "Het tweedekansbeleid is geschreven voor gezinnen die al uitgezet zijn. Het nu "
            "toepassen wijkt af van die beleidsregel. Dat mag, en moet zelfs, als de uitkomst "
            "van de regel onevenredig is (Awb art. 4:84). De auto past binnen een "
            "Wmo-maatwerkvoorziening voor vervoer."
        ),
        "legal_grounds": grounds_by_code("awb-4-84", "awb-3-4-2", "wmo-2-3-5"),
        "legality": (
            "Uitzetten en daarna een tweede kans geven kost het gezin zijn netwerk en de "
            "samenleving veel meer dan een tweede kans nu. Het doel van het beleid, geen "
            "kwekerij en een veilige buurt, wordt met de afspraken in dit plan ook bereikt."
        ),
    }
    first = story.plan(
        PlanContent(
            title="Thuis blijven wonen",
            goals=[
                GoalInput(
                    "De kwekerij is weg en moeder tekent een tweedekansovereenkomst.",
                    said(EVICTION_FIRST, "De hennepkwekerij"),
                ),
                GoalInput(
                    "Het gezin blijft in de woning.",
                    said(EVICTION_FIRST, "Ik wil met mijn jongens"),
                ),
            ],
            actions=[
                ActionInput(
                    "Burgemeester vragen de tweedekansregeling vóór de uitzetting toe te passen",
                    organisation_named("Gemeente Zaanstad"),
                    "casusregisseur wijkteam",
                    story.due(14),
                ),
            ],
            costs=[
                cost("current", "Huisuitzetting", "8000.00", "eviction"),
                cost("current", "Opvang moeder en kinderen", "35000.00", "shelter"),
                cost("plan", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
            ],
            **shared,
        )
    )
    story.perspective(
        EVICTION_SECOND, on=story.today, confirmation="signed", problems_start="finances"
    )
    second = story.plan(
        PlanContent(
            title="Thuis blijven wonen",
            goals=[
                GoalInput(
                    "Alle schulden staan op een rij en er is een betalingsregeling of een "
                    "schuldregeling.",
                    said(EVICTION_SECOND, "Eerst moeten de schulden"),
                ),
                GoalInput(
                    "Er is vervoer voor de oudste zoon: een aangepaste auto via de Wmo.",
                    said(EVICTION_SECOND, "Met een auto"),
                ),
                GoalInput(
                    "Het gezin blijft in de woning met een tweedekansovereenkomst van "
                    "corporatie en gemeente.",
                    said(EVICTION_SECOND, "Ik wil met mijn jongens"),
                ),
                GoalInput(
                    "De kwekerij is weg en komt niet terug; moeder weet wat ze zegt als "
                    "iemand het haar weer vraagt.",
                    said(EVICTION_SECOND, "Dat gebeurt nooit meer."),
                ),
                GoalInput(
                    "Elke twee weken lezen moeder en een vrijwilliger samen de post.",
                    said(EVICTION_SECOND, "Ik wil dat iemand"),
                ),
            ],
            actions=[
                ActionInput(
                    "Schuldenoverzicht maken en aanmelden bij de schuldhulpverlening",
                    organisation_named("Gemeente Zaanstad"),
                    "casusregisseur wijkteam",
                    story.due(14),
                ),
                ActionInput(
                    "Aanvraag vervoersvoorziening (aangepaste auto) met voorrang behandelen",
                    organisation_named("Gemeente Zaanstad"),
                    "Wmo-consulent",
                    story.due(28),
                ),
                ActionInput(
                    "Tweedekansovereenkomst opstellen vóór de ontruiming",
                    organisation_named("Woningcorporatie Voorbeeld Wonen"),
                    "maatwerkfunctionaris",
                    story.due(21),
                ),
                ActionInput(
                    "Burgemeester vragen de tweedekansregeling vóór de uitzetting toe te passen",
                    organisation_named("Gemeente Zaanstad"),
                    "casusregisseur wijkteam",
                    story.due(14),
                ),
            ],
            costs=[
                cost("current", "Huisuitzetting", "8000.00", "eviction"),
                cost("current", "Opvang moeder en kinderen", "35000.00", "shelter"),
                cost("current", "Incasso- en deurwaarderskosten", "1200.00", "collection_costs"),
                cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                cost("plan", "Schuldhulpverleningstraject", "3500.00", "debt_restructuring"),
                cost("plan", "Aangepaste auto (eenmalig)", "12000.00"),
                cost("plan", "Begeleiding bij post en geld", "1500.00"),
            ],
            **shared,
        ),
        previous=first,
    )
    story.agree(
        second,
        how="signed",
        words="Zo is het goed. Eerst de schulden en de auto, dan kan ik de rest aan.",
    )
    return story.case
