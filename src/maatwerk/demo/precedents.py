"""Demo precedents: a dozen solved situations, in our own words, drawn from the example
situations of the domain primer (../shared/docs/domain.md) and the refusals they met.

Written through the services like real work: the demo coordinator drafts each one
(``precedent_write``), and the second demo coordinator, ``coordinator2``, publishes it
(``precedent_publish``: four eyes, and the personal-data screen must find nothing).
Every household, place and organisation detail is fictitious.

Idempotent: a demo precedent is recognised by its title; one that exists is skipped.
"""

from dataclasses import dataclass, field

from maatwerk.accounts.models import User
from maatwerk.learning.models import Precedent
from maatwerk.learning.services import precedent_publish, precedent_write
from maatwerk.register.models import LegalGround, LifeDomain, Organisation, Regulation


@dataclass(frozen=True)
class DemoPrecedent:
    title: str
    situation: str
    asked: str
    what_worked: str
    outcome: str
    lead_time_days: int
    domains: tuple[str, ...]
    organisations: tuple[str, ...]
    regulation: str = ""  # a code of the register
    regulation_text: str = ""
    ground: str = ""  # a legal ground code of the register
    refusals: tuple[str, ...] = field(default=())


PRECEDENTS = [
    DemoPrecedent(
        title="Tweede kans na een hennepkwekerij, schulden eerst",
        situation=(
            "Een moeder met een licht verstandelijke beperking en twee zoons, van wie één "
            "meervoudig gehandicapt, dreigde haar huurwoning te verliezen na de vondst van "
            "een hennepkwekerij. De burgemeester wilde sluiten; het tweedekansbeleid gold "
            "alleen voor gezinnen die al uit huis waren gezet."
        ),
        asked=(
            "Woningcorporatie: de ontbinding van het huurcontract aanhouden. Gemeente: het "
            "tweedekansbeleid toepassen vóór de uitzetting in plaats van erna."
        ),
        what_worked=(
            "Het plan begon bij wat de moeder zelf noemde: haar schulden en een auto om haar "
            "zoon naar de dagbesteding te brengen. Met schuldhulp en een vervoersvoorziening "
            "op orde lukte het daarna om de kwekerij te laten verwijderen en begeleiding "
            "thuis af te spreken. De corporatie ging akkoord met een huurcontract onder "
            "voorwaarden."
        ),
        outcome="solved",
        lead_time_days=142,
        domains=("housing", "finances", "parenting_family"),
        organisations=("Woningcorporatie Voorbeeld Wonen", "Gemeente Zaanstad"),
        regulation="woningwet",
        ground="awb-4-84",
        refusals=("not_in_this_case",),
    ),
    DemoPrecedent(
        title="Kamerhuur bij schuldsanering niet als inkomen gekort",
        situation=(
            "Een vrouw in de schuldsanering verhuurde een kamer in haar huis, dat onder "
            "water stond, om haar schuldeisers af te lossen. Toen ze haar baan verloor en "
            "bijstand kreeg, zou de huuropbrengst als inkomen worden gekort en viel de "
            "regeling om."
        ),
        asked=(
            "Gemeente: de huuropbrengst niet met de bijstand verrekenen zolang die naar de "
            "schuldeisers gaat."
        ),
        what_worked=(
            "De bijstand werd afgestemd op haar omstandigheden: de huuropbrengst ging "
            "rechtstreeks naar de bewindvoerder en telde niet als middelen. De "
            "schuldsanering liep door en werd na drie jaar afgerond."
        ),
        outcome="solved",
        lead_time_days=61,
        domains=("finances", "income_work", "housing"),
        organisations=("Gemeente Utrecht",),
        regulation="participatiewet",
        ground="pw-18-1",
        refusals=("not_allowed_by_law",),
    ),
    DemoPrecedent(
        title="Zelf gestopte arbeidsongeschiktheidsuitkering hersteld, huisuitzetting voorkomen",
        situation=(
            "Een man met ernstige psychische problemen had zijn WIA-uitkering zelf laten "
            "stoppen. Hij kon de huur niet meer betalen en de uitzetting was aangezegd."
        ),
        asked=(
            "UWV: de uitkering met terugwerkende kracht herleven. Gemeente: de "
            "huurachterstand overbruggen tot de uitkering weer liep."
        ),
        what_worked=(
            "De gemeente betaalde de huurachterstand uit het vrije maatwerkbudget en kende "
            "bijstand toe als voorschot, terwijl UWV de uitkering liet herleven. Een "
            "zorgmachtiging regelde de behandeling. De verhuurder trok de uitzetting in."
        ),
        outcome="solved",
        lead_time_days=38,
        domains=("income_work", "housing", "mental_health"),
        organisations=("UWV", "Gemeente Zaanstad", "Woningcorporatie Voorbeeld Wonen"),
        regulation="wia",
        ground="pw-16",
        refusals=("wrong_desk", "more_information"),
    ),
    DemoPrecedent(
        title="Zorg op school bij diabetes en coeliakie: valt onder de Jeugdwet",
        situation=(
            "Een schoolmeisje met diabetes en coeliakie had op school zowel medische als "
            "niet-medische zorg nodig. De zorgverzekeraar en de gemeente wilden elk maar de "
            "helft betalen, en de school kon zo niemand inhuren."
        ),
        asked=(
            "Zorgverzekeraar en gemeente: samen één regeling voor de zorg op school. "
            "Ministerie: welke wet is van toepassing?"
        ),
        what_worked=(
            "Na navraag op ministerieel niveau bleek de zorg grotendeels onder de Jeugdwet "
            "te vallen. De gemeente regelde het als individuele voorziening; de "
            "verzekeraar betaalt alleen de medische handelingen."
        ),
        outcome="solved",
        lead_time_days=97,
        domains=("physical_health", "education", "parenting_family"),
        organisations=(
            "Zorgverzekeraar Voorbeeld",
            "Gemeente Utrecht",
            "Ministerie van Volksgezondheid, Welzijn en Sport",
        ),
        regulation="jeugdwet",
        ground="jeugdwet-2-3",
        refusals=("who_pays", "not_our_responsibility"),
    ),
    DemoPrecedent(
        title="Eerst over de schulden praten nam de agressie weg",
        situation=(
            "Een man met zo'n € 10.000 schuld was agressief tegen medewerkers van "
            "instanties, die daarom niet meer met hem spraken. Thuis was er huiselijk "
            "geweld."
        ),
        asked=(
            "Gemeente: schuldhulp toch starten, ondanks het eerdere incident. CJIB en "
            "Belastingdienst: de invordering een half jaar aanhouden."
        ),
        what_worked=(
            "Eén vaste professional ging eerst over schuldhulp in gesprek, met een "
            "veiligheidsafspraak. Zodra er zicht was op een regeling nam de agressie af, "
            "en kon het gesprek over de situatie thuis beginnen."
        ),
        outcome="partly_solved",
        lead_time_days=120,
        domains=("finances", "safety"),
        organisations=("Gemeente Zaanstad", "CJIB", "Belastingdienst"),
        regulation="wgs",
        ground="wgs-3-2",
        refusals=("distrust",),
    ),
    DemoPrecedent(
        title="Schuld van € 63.000 in een jaar: wat een vroeg signaal had gescheeld",
        situation=(
            "Een jonge vrouw bouwde binnen een jaar € 63.000 schuld op: huur, zorgpremie, "
            "energie en boetes. De eerste betalingsachterstand werd wel gesignaleerd, maar "
            "niemand nam contact op."
        ),
        asked=(
            "Schuldeisers: incasso aanhouden. Gemeente: een schuldregeling en een saneringskrediet."
        ),
        what_worked=(
            "Een schuldregeling met saneringskrediet, en afspraken met de verhuurder en de "
            "zorgverzekeraar om nieuwe achterstanden binnen een maand te melden. Als "
            "leerpunt: een vroegsignaal na één maand achterstand moet binnen vier weken tot "
            "een huisbezoek leiden."
        ),
        outcome="partly_solved",
        lead_time_days=180,
        domains=("finances", "housing"),
        organisations=("Gemeente Rotterdam", "Zorgverzekeraar Voorbeeld"),
        regulation="wgs",
        refusals=("more_information",),
    ),
    DemoPrecedent(
        title="Geen uitkering door een ingeschreven ex-partner zonder DigiD",
        situation=(
            "Iemand kreeg geen bijstand omdat een ex-partner nog op het adres stond "
            "ingeschreven. Uitschrijven lukte niet: de ex had geen DigiD en was niet te "
            "bereiken."
        ),
        asked=(
            "Gemeente (basisregistratie): een adresonderzoek starten en de ex ambtshalve "
            "uitschrijven. Gemeente (inkomen): de bijstand toekennen zonder de ex mee te "
            "tellen."
        ),
        what_worked=(
            "Het adresonderzoek werd op verzoek van de professional met voorrang gedaan; "
            "in de tussentijd kende de gemeente de bijstand toe als alleenstaande, op grond "
            "van de feitelijke situatie."
        ),
        outcome="solved",
        lead_time_days=45,
        domains=("income_work", "housing"),
        organisations=("Gemeente Utrecht",),
        regulation="wet-brp",
        ground="awb-3-4-2",
        refusals=("wrong_desk",),
    ),
    DemoPrecedent(
        title="Kostendelersnorm niet toegepast bij een zoon in crisisopvang",
        situation=(
            "Een moeder in de bijstand nam haar volwassen zoon tijdelijk op na een "
            "crisisopname. Door de kostendelersnorm zou haar uitkering omlaag gaan, terwijl "
            "de zoon geen inkomen had en zou terugkeren naar begeleid wonen."
        ),
        asked="Gemeente: de kostendelersnorm voor zes maanden niet toepassen.",
        what_worked=(
            "De gemeente paste de bijstand aan de omstandigheden aan en liet de "
            "kostendelersnorm buiten toepassing tot de zoon een plek had. De begeleiding "
            "van de zoon werd vanuit de Wmo geregeld."
        ),
        outcome="solved",
        lead_time_days=24,
        domains=("income_work", "mental_health", "parenting_family"),
        organisations=("Gemeente Zaanstad",),
        regulation="participatiewet",
        regulation_text="kostendelersnorm",
        ground="pw-18-1",
        refusals=("not_allowed_by_law", "precedent"),
    ),
    DemoPrecedent(
        title="Fraudeschuld kwijtgescholden na een terechte meldingsfout",
        situation=(
            "Een vader had een kleine bijverdienste te laat gemeld. De terugvordering met "
            "boete, een fraudeschuld, blokkeerde elke schuldregeling, terwijl de rest van "
            "zijn schulden wel te regelen was."
        ),
        asked=(
            "Gemeente: afzien van terugvordering van de fraudeschuld, zodat een "
            "schuldregeling mogelijk werd."
        ),
        what_worked=(
            "Met een overzicht van de gevolgen voor de kinderen zag de gemeente af van een "
            "deel van de terugvordering wegens dringende redenen. Daarna stemden de andere "
            "schuldeisers in met de regeling."
        ),
        outcome="solved",
        lead_time_days=88,
        domains=("finances", "parenting_family"),
        organisations=("Gemeente Rotterdam",),
        regulation="participatiewet",
        regulation_text="fraudeschuld",
        ground="pw-58-8",
        refusals=("precedent", "not_in_this_case"),
    ),
    DemoPrecedent(
        title="Terugvordering huurtoeslag gematigd met de hardheidsclausule",
        situation=(
            "Een gezin moest duizenden euro's huurtoeslag terugbetalen omdat een inwonende "
            "dochter een bijbaan kreeg. Het gezin had dat niet kunnen weten, en de "
            "terugvordering bracht de huurbetaling in gevaar."
        ),
        asked=(
            "Belastingdienst/Toeslagen: de terugvordering matigen. Woningcorporatie: een "
            "betalingsregeling voor de ontstane achterstand."
        ),
        what_worked=(
            "Toeslagen paste de hardheidsclausule toe en halveerde de terugvordering; de "
            "rest werd een betalingsregeling naar draagkracht. De corporatie wachtte met "
            "incasso tot het besluit er was."
        ),
        outcome="partly_solved",
        lead_time_days=133,
        domains=("finances", "housing"),
        organisations=("Belastingdienst/Toeslagen", "Woningcorporatie Voorbeeld Wonen"),
        regulation="awir",
        ground="awir-hardheid",
        refusals=("not_allowed_by_law", "wrong_desk"),
    ),
    DemoPrecedent(
        title="Studieschuld en bijstand: DUO paste de aflossing aan",
        situation=(
            "Een jonge man stopte met zijn opleiding en kwam in de bijstand. DUO rekende "
            "een aflossing op zijn oude inkomen, en de achterstand groeide elke maand."
        ),
        asked="DUO: de aflossing herberekenen op het huidige inkomen, met terugwerkende kracht.",
        what_worked=(
            "Met een verzoek om draagkrachtmeting op het huidige inkomen werd de aflossing "
            "nul euro per maand; de achterstand werd kwijtgescholden. Hij begon daarna aan "
            "een leerwerktraject."
        ),
        outcome="solved",
        lead_time_days=30,
        domains=("finances", "education", "income_work"),
        organisations=("DUO",),
        regulation="wsf",
        refusals=("more_information",),
    ),
    DemoPrecedent(
        title="Eigen bijdrage Wmo stopgezet toen de zorg de schulden verergerde",
        situation=(
            "Een oudere vrouw met beginnende dementie zegde haar huishoudelijke hulp op "
            "omdat ze de eigen bijdrage niet kon betalen. Daarna raakte ze de grip op haar "
            "post en rekeningen helemaal kwijt."
        ),
        asked=(
            "Gemeente: de maatwerkvoorziening zonder eigen bijdrage toekennen. CAK: de "
            "openstaande bijdragen niet innen."
        ),
        what_worked=(
            "De gemeente kende de hulp toe als maatwerkvoorziening met een bijdrage van "
            "nul, en het CAK zette de inning stop. Een bewindvoerder nam de administratie "
            "over."
        ),
        outcome="solved",
        lead_time_days=52,
        domains=("physical_health", "finances"),
        organisations=("Gemeente Utrecht", "CAK"),
        regulation="wmo",
        ground="wmo-2-3-5",
        refusals=("who_pays",),
    ),
]


def create_demo_precedents() -> list[Precedent]:
    """Publish the demo precedents that do not exist yet; returns the ones created."""
    author = User.objects.get(username="coordinator")
    reviewer = User.objects.get(username="coordinator2")
    existing = set(Precedent.objects.values_list("title", flat=True))
    created = []
    for item in PRECEDENTS:
        if item.title in existing:
            continue
        draft = precedent_write(
            request=None,
            user=author,
            title=item.title,
            situation=item.situation,
            asked=item.asked,
            what_worked=item.what_worked,
            outcome=item.outcome,
            lead_time_days=item.lead_time_days,
            regulation=Regulation.objects.get(code=item.regulation) if item.regulation else None,
            regulation_text=item.regulation_text,
            legal_ground=LegalGround.objects.get(code=item.ground) if item.ground else None,
            refusal_reasons=sorted(item.refusals),
            life_domains=list(LifeDomain.objects.filter(code__in=item.domains)),
            organisations=list(Organisation.objects.filter(name__in=item.organisations)),
        )
        created.append(precedent_publish(request=None, user=reviewer, precedent=draft))
    return created
