"""Demo cases: the seven example situations of the domain primer, told in our own
words, as a professional and the household would write them. Every household, place
and organisation detail is fictitious.

Everything goes through the services (``case_open``, ``perspective_record``,
``plan_save_version``, ``plan_record_agreement``), so the demo data is validated and
written to the access log like real work.

Idempotent: a demo case is recognised by its team and the text of its first
perspective. That first version is append-only and kept unchanged forever, so the key
cannot be edited away in the application; a situation whose case already exists is
skipped as a whole. (Changing a first perspective below therefore adds a new case on
the next run, next to the old one.)
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maatwerk.accounts.models import Team, User
from maatwerk.register.models import LegalGround, LifeDomain, Organisation, ReferenceCost

from .models import Case, Perspective, PlanVersion
from .plans import (
    ActionInput,
    CostInput,
    GoalInput,
    PlanContent,
    plan_record_agreement,
    plan_save_version,
    sentences,
)
from .selectors import latest_version
from .services import case_open, perspective_record

ZAANSTAD = ("Wijkteam Zaandam-Oost", "professional")
UTRECHT = ("Buurtteam Overvecht", "professional2")


def _organisation(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _domains(*codes: str) -> list[LifeDomain]:
    found = {d.code: d for d in LifeDomain.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


def _grounds(*codes: str) -> list[LegalGround]:
    found = {g.code: g for g in LegalGround.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


def _reference(code: str) -> ReferenceCost:
    return ReferenceCost.objects.get(code=code)


def _said(text: str, start: str) -> str:
    """The one sentence of ``text`` that starts with ``start`` (for linking a goal to
    the household's words; fails loudly when the demo text and the link diverge)."""
    found = [s for s in sentences(text) if s.startswith(start)]
    if len(found) != 1:
        raise ValueError(f"expected one sentence starting with {start!r}, found {found}")
    return found[0]


def _cost(kind: str, description: str, amount: str, reference: str | None = None) -> CostInput:
    return CostInput(
        kind=kind,
        description=description,
        amount=Decimal(amount),
        reference_cost=_reference(reference) if reference else None,
    )


@dataclass
class _Story:
    """One demo case being written: short-hand for the service calls."""

    case: Case
    user: User
    today: date

    def day(self, days_after_opening: int) -> date:
        return min(self.case.opened_on + timedelta(days=days_after_opening), self.today)

    def due(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    def perspective(
        self,
        text: str,
        *,
        on: date,
        confirmation: str,
        member: str = "",
        problems_start: str | None = None,
    ) -> Perspective:
        return perspective_record(
            request=None,
            user=self.user,
            case=self.case,
            text=text,
            confirmation=confirmation,
            recorded_on=on,
            based_on_version=latest_version(self.case, member),
            member=member,
            problems_start_domain=_domains(problems_start)[0] if problems_start else None,
        )

    def plan(self, content: PlanContent, previous: PlanVersion | None = None) -> PlanVersion:
        return plan_save_version(
            request=None,
            user=self.user,
            case=self.case,
            content=content,
            plan=previous.plan if previous else None,
            based_on=previous.number if previous else 0,
        )

    def agree(self, version: PlanVersion, *, how: str, words: str) -> None:
        plan_record_agreement(
            request=None,
            user=self.user,
            version=version,
            agreed_on=self.today,
            how=how,
            words=words,
        )


def _open(
    where: tuple[str, str],
    *,
    days_ago: int,
    perspective: str,
    needed: str,
    domains: list[str],
    composition: str,
    adults: int,
    children: int,
    deciding: list[str],
    problems_start: str,
    safety_concern: bool = False,
) -> _Story | None:
    """Open the case, or return None when this demo case exists already."""
    team_name, username = where
    team = Team.objects.get(name=team_name)
    if Perspective.objects.filter(case__team=team, member="", version=1, text=perspective).exists():
        return None
    user = User.objects.get(username=username)
    today = timezone.localdate()
    life_domains = _domains(*domains)
    case = case_open(
        request=None,
        user=user,
        team=team,
        perspective=perspective,
        needed=needed,
        life_domains=life_domains,
        primary_domain=life_domains[0],
        composition=composition,
        adults=adults,
        children=children,
        safety_concern=safety_concern,
        deciding_organisations=[_organisation(name) for name in deciding],
        problems_start_domain=_domains(problems_start)[0],
        opened_on=today - timedelta(days=days_ago),
    )
    return _Story(case, user, today)


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


def _eviction_over_cannabis() -> Case | None:
    story = _open(
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
        "legal_grounds": _grounds("awb-4-84", "awb-3-4-2", "wmo-2-3-5"),
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
                    _said(EVICTION_FIRST, "De hennepkwekerij"),
                ),
                GoalInput(
                    "Het gezin blijft in de woning.",
                    _said(EVICTION_FIRST, "Ik wil met mijn jongens"),
                ),
            ],
            actions=[
                ActionInput(
                    "Burgemeester vragen de tweedekansregeling vóór de uitzetting toe te passen",
                    _organisation("Gemeente Zaanstad"),
                    "casusregisseur wijkteam",
                    story.due(14),
                ),
            ],
            costs=[
                _cost("current", "Huisuitzetting", "8000.00", "eviction"),
                _cost("current", "Opvang moeder en kinderen", "35000.00", "shelter"),
                _cost("plan", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
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
                    _said(EVICTION_SECOND, "Eerst moeten de schulden"),
                ),
                GoalInput(
                    "Er is vervoer voor de oudste zoon: een aangepaste auto via de Wmo.",
                    _said(EVICTION_SECOND, "Met een auto"),
                ),
                GoalInput(
                    "Het gezin blijft in de woning met een tweedekansovereenkomst van "
                    "corporatie en gemeente.",
                    _said(EVICTION_SECOND, "Ik wil met mijn jongens"),
                ),
                GoalInput(
                    "De kwekerij is weg en komt niet terug; moeder weet wat ze zegt als "
                    "iemand het haar weer vraagt.",
                    _said(EVICTION_SECOND, "Dat gebeurt nooit meer."),
                ),
                GoalInput(
                    "Elke twee weken lezen moeder en een vrijwilliger samen de post.",
                    _said(EVICTION_SECOND, "Ik wil dat iemand"),
                ),
            ],
            actions=[
                ActionInput(
                    "Schuldenoverzicht maken en aanmelden bij de schuldhulpverlening",
                    _organisation("Gemeente Zaanstad"),
                    "casusregisseur wijkteam",
                    story.due(14),
                ),
                ActionInput(
                    "Aanvraag vervoersvoorziening (aangepaste auto) met voorrang behandelen",
                    _organisation("Gemeente Zaanstad"),
                    "Wmo-consulent",
                    story.due(28),
                ),
                ActionInput(
                    "Tweedekansovereenkomst opstellen vóór de ontruiming",
                    _organisation("Woningcorporatie Voorbeeld Wonen"),
                    "maatwerkfunctionaris",
                    story.due(21),
                ),
                ActionInput(
                    "Burgemeester vragen de tweedekansregeling vóór de uitzetting toe te passen",
                    _organisation("Gemeente Zaanstad"),
                    "casusregisseur wijkteam",
                    story.due(14),
                ),
            ],
            costs=[
                _cost("current", "Huisuitzetting", "8000.00", "eviction"),
                _cost("current", "Opvang moeder en kinderen", "35000.00", "shelter"),
                _cost("current", "Incasso- en deurwaarderskosten", "1200.00", "collection_costs"),
                _cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                _cost("plan", "Schuldhulpverleningstraject", "3500.00", "debt_restructuring"),
                _cost("plan", "Aangepaste auto (eenmalig)", "12000.00"),
                _cost("plan", "Begeleiding bij post en geld", "1500.00"),
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


# 2. A debt arrangement paid from renting out a room, which on benefits counts as
#    income. After the household agreed, her perspective changed (drift).
ROOM_FIRST = (
    "Ik heb drie jaar lang elke maand afgelost en dat wil ik afmaken. "
    "De kamer verhuur ik alleen om mijn schuldeisers te betalen. "
    "Nu ik mijn baan kwijt ben, zegt de gemeente dat de huur van de kamer mijn inkomen is. "
    "Dan valt mijn regeling om en begin ik weer bij nul. "
    "Ik wil zo snel mogelijk weer werk vinden."
)
ROOM_SECOND = ROOM_FIRST + (
    " Als de regeling klaar is, wil ik weten of ik het huis kan verkopen zonder nieuwe schuld."
)


def _room_rent_as_income() -> Case | None:
    story = _open(
        ZAANSTAD,
        days_ago=110,
        perspective=ROOM_FIRST,
        needed=(
            "De huuropbrengst van de kamer niet met de bijstand verrekenen zolang die "
            "rechtstreeks naar de schuldeisers gaat, zodat de schuldregeling overeind blijft."
        ),
        domains=["finances", "income_work", "housing"],
        composition="single",
        adults=1,
        children=0,
        deciding=["Gemeente Zaanstad"],
        problems_start="income_work",
    )
    if story is None:
        return None
    version = story.plan(
        PlanContent(
            title="De schuldregeling afmaken",
            goals=[
                GoalInput(
                    "De schuldregeling loopt door tot het einde van de looptijd.",
                    _said(ROOM_FIRST, "Ik heb drie jaar lang"),
                ),
                GoalInput(
                    "De huur van de kamer gaat rechtstreeks naar de schuldeisers en telt niet "
                    "als inkomen voor de bijstand.",
                    _said(ROOM_FIRST, "De kamer verhuur ik"),
                ),
                GoalInput(
                    "Mevrouw heeft binnen een half jaar weer betaald werk.",
                    _said(ROOM_FIRST, "Ik wil zo snel mogelijk"),
                ),
            ],
            actions=[
                ActionInput(
                    "Besluit: kamerhuur niet verrekenen met de bijstand",
                    _organisation("Gemeente Zaanstad"),
                    "maatwerkfunctionaris Werk en Inkomen",
                    story.due(10),
                ),
                ActionInput(
                    "Schuldeisers laten weten dat de aflossing gelijk blijft",
                    _organisation("Gemeente Zaanstad"),
                    "schuldhulpverlener",
                    story.due(20),
                ),
                ActionInput(
                    "Begeleiding naar werk",
                    _organisation("Gemeente Zaanstad"),
                    "werkcoach",
                    story.due(30),
                ),
            ],
            costs=[
                _cost(
                    "current", "Nieuw schuldhulpverleningstraject", "3500.00", "debt_restructuring"
                ),
                _cost("current", "Incasso- en deurwaarderskosten", "1200.00", "collection_costs"),
                _cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                _cost("plan", "Bijstand zonder verrekening van de kamerhuur (per jaar)", "4800.00"),
                _cost(
                    "plan",
                    "Tien uur maatwerkfunctionaris en schuldhulpverlener",
                    "950.00",
                    "professional_hour",
                ),
            ],
            intended_effect=(
                "Mevrouw maakt haar schuldregeling af en is over anderhalf jaar schuldenvrij, "
                "in plaats van opnieuw te beginnen."
            ),
            impact=(
                "Valt de regeling om, dan groeien de schulden weer met rente en kosten, moet het "
                "huis misschien gedwongen worden verkocht met een restschuld, en verliest "
                "mevrouw wat zij drie jaar heeft volgehouden."
            ),
            purpose_of_law=(
                "De bijstand is een vangnet: wie eigen inkomsten heeft, krijgt minder. Maar de "
                "kamerhuur is geen geld om van te leven; alles gaat naar de schuldeisers. De Wgs "
                "wil juist dat mensen schuldenvrij worden."
            ),
            ethics=(
                "Iemand korten omdat zij zelf een manier vond om af te lossen, is niet uit te "
                "leggen."
            ),
            legal_check=(
                "Art. 18 lid 1 Participatiewet laat toe de bijstand af te stemmen op de "
                "omstandigheden; de kamerhuur kan buiten beschouwing blijven zolang die "
                "rechtstreeks naar de schuldeisers gaat. Voor de eigen beleidsregel over "
                "inkomsten uit onderverhuur geldt de afwijkingsplicht van Awb art. 4:84."
            ),
            legal_grounds=_grounds("pw-18-1", "awb-4-84"),
            legality=(
                "Verrekenen laat de schuldregeling mislukken; daarmee schiet de regel zijn doel "
                "voorbij. Niet verrekenen kost de gemeente minder dan een nieuw traject."
            ),
        )
    )
    story.agree(version, how="signed", words="Ja, zo wil ik het. Dan kan ik het afmaken.")
    story.perspective(
        ROOM_SECOND, on=story.today, confirmation="phone", problems_start="income_work"
    )
    return story.case


# 3. A man with severe psychological problems stopped his own disability benefit and
#    faces eviction. Treatment (if need be under a care order) is a goal that does not
#    come from his words: it shows as "not from the household".
BENEFIT_STOPPED = (
    "Ik wil in mijn eigen huis blijven. "
    "Die uitkering heb ik zelf stopgezet, omdat ze steeds dingen van me wilden weten. "
    "Ik wil niet dat er steeds andere mensen aan de deur komen. "
    "Als de huur betaald is, heb ik rust."
)


def _benefit_stopped() -> Case | None:
    story = _open(
        UTRECHT,
        days_ago=75,
        perspective=BENEFIT_STOPPED,
        needed=(
            "De huurachterstand betalen uit het maatwerkbudget zodat de ontruiming stopt, "
            "bijstand zolang de arbeidsongeschiktheidsuitkering niet loopt, en passende zorg."
        ),
        domains=["mental_health", "housing", "income_work", "finances"],
        composition="single",
        adults=1,
        children=0,
        deciding=["Gemeente Utrecht", "UWV", "Woningcorporatie Voorbeeld Wonen"],
        problems_start="income_work",
    )
    if story is None:
        return None
    utrecht = _organisation("Gemeente Utrecht")
    version = story.plan(
        PlanContent(
            title="Rust in eigen huis",
            goals=[
                GoalInput(
                    "De huurachterstand is betaald en de ontruiming is van de baan.",
                    _said(BENEFIT_STOPPED, "Als de huur betaald is"),
                ),
                GoalInput(
                    "Meneer heeft weer inkomen: eerst bijstand, daarna weer zijn "
                    "arbeidsongeschiktheidsuitkering.",
                    _said(BENEFIT_STOPPED, "Ik wil in mijn eigen huis"),
                ),
                GoalInput(
                    "Eén vaste contactpersoon in plaats van steeds nieuwe mensen aan de deur.",
                    _said(BENEFIT_STOPPED, "Ik wil niet dat er"),
                ),
                GoalInput(
                    "Meneer krijgt behandeling voor zijn psychische problemen, als het niet "
                    "anders kan met een zorgmachtiging."
                ),
            ],
            actions=[
                ActionInput(
                    "Huurachterstand betalen uit het maatwerkbudget",
                    utrecht,
                    "teamleider buurtteam",
                    story.due(3),
                ),
                ActionInput(
                    "Bijstand toekennen met een voorschot, te verrekenen met de nabetaling",
                    utrecht,
                    "maatwerkfunctionaris Werk en Inkomen",
                    story.due(7),
                ),
                ActionInput(
                    "Stopgezette uitkering laten herleven, met terugwerkende kracht",
                    _organisation("UWV"),
                    "maatwerkfunctionaris",
                    story.due(30),
                ),
                ActionInput(
                    "Huur voortaan rechtstreeks betalen; ontruiming intrekken",
                    _organisation("Woningcorporatie Voorbeeld Wonen"),
                    "",
                    story.due(7),
                ),
                ActionInput(
                    "Verkennend onderzoek verplichte ggz aanvragen",
                    utrecht,
                    "casusregisseur buurtteam",
                    story.due(14),
                ),
            ],
            costs=[
                _cost("current", "Huisuitzetting", "8000.00", "eviction"),
                _cost("current", "Maatschappelijke opvang", "35000.00", "shelter"),
                _cost("current", "Crisisdienst en politie bij escalatie", "6000.00"),
                _cost("plan", "Huurachterstand (maatwerkbudget)", "4200.00"),
                _cost("plan", "Bijstand tot de uitkering weer loopt (voorschot)", "5400.00"),
                _cost("plan", "Behandeling ggz", "10000.00", "mental_health_care"),
            ],
            intended_effect=(
                "Meneer blijft in zijn huis, heeft weer inkomen en krijgt de zorg die hij nodig "
                "heeft, van één vaste persoon."
            ),
            impact=(
                "Op straat wordt zijn psychische toestand snel slechter; de kans op crisis en "
                "overlast neemt toe. In zijn eigen huis is hij rustig zolang de huur betaald is."
            ),
            purpose_of_law=(
                "De Participatiewet wil niet dat iemand zonder inkomen komt; de regel dat eerst "
                "een andere uitkering moet worden aangevraagd, gaat ervan uit dat iemand dat "
                "kan. Meneer kan dat nu niet."
            ),
            ethics=(
                "Een man die door zijn ziekte zijn eigen inkomen stopte, laten uitzetten, is "
                "niet te verdedigen. Verplichte zorg is alleen aan de orde als vrijwillige hulp "
                "niet lukt."
            ),
            legal_check=(
                "Bijstand naast een voorliggende voorziening kan bij zeer dringende redenen "
                "(art. 16 Participatiewet). Het maatwerkbudget mag zonder aanvraagprocedure "
                "worden ingezet. Een zorgmachtiging loopt via de gewone Wvggz-procedure."
            ),
            legal_grounds=_grounds("pw-16", "awb-4-84"),
            legality=(
                "Dreigende dakloosheid bij ernstige psychische problemen is een zeer dringende "
                "reden. De bijstand is een voorschot dat met de nabetaling wordt verrekend."
            ),
        )
    )
    story.agree(
        version,
        how="phone",
        words="Als ik in mijn huis mag blijven en er komt één persoon, vind ik het goed.",
    )
    return story.case


# 4. A schoolgirl with diabetes and coeliac disease: insurer and municipality each paid
#    half; after the ministry's clarification the municipality arranges it (version 2).
CARE_AT_SCHOOL = (
    "Onze dochter wil gewoon naar school, net als haar vriendinnen. "
    "Door haar diabetes moet iemand op school haar bloedsuiker meten en insuline geven. "
    "Ze mag ook geen gluten eten, dus iemand moet op haar eten letten. "
    "Nu moet een van ons elke dag naar school en daardoor ben ik mijn baan bijna kwijt. "
    "We willen één loket, niet twee organisaties die elk de helft betalen."
)


def _care_at_school() -> Case | None:
    story = _open(
        ZAANSTAD,
        days_ago=130,
        perspective=CARE_AT_SCHOOL,
        needed=(
            "Duidelijkheid wie de zorg op school regelt en betaalt, medisch en niet-medisch, "
            "en die zorg zo snel mogelijk geregeld."
        ),
        domains=["physical_health", "education", "parenting_family"],
        composition="couple_with_children",
        adults=2,
        children=2,
        deciding=[
            "Gemeente Zaanstad",
            "Zorgverzekeraar Voorbeeld",
            "Ministerie van Volksgezondheid, Welzijn en Sport",
        ],
        problems_start="education",
    )
    if story is None:
        return None
    zaanstad = _organisation("Gemeente Zaanstad")
    shared = {
        "intended_effect": (
            "Het meisje gaat elke dag naar school en krijgt daar veilig de zorg die ze nodig "
            "heeft; de ouders kunnen weer werken."
        ),
        "impact": (
            "Zonder zorg op school mist ze lessen of loopt ze gevaar door een te hoge of te "
            "lage bloedsuiker. Een ouder verliest anders zijn baan, met inkomensverlies voor "
            "het hele gezin."
        ),
        "purpose_of_law": (
            "Zorgverzekeringswet en Jeugdwet willen allebei dat een kind de zorg krijgt die "
            "het nodig heeft. De verdeling tussen de wetten is bedoeld om dubbele betaling te "
            "voorkomen, niet om een kind tussen twee loketten te laten vallen."
        ),
        "ethics": (
            "Een kind mag niet de dupe worden van een discussie over wie betaalt. De ouders "
            "horen één aanspreekpunt te hebben."
        ),
    }
    first = story.plan(
        PlanContent(
            title="Zorg op school",
            goals=[
                GoalInput(
                    "De verpleegkundige zorg op school wordt vergoed door de zorgverzekeraar, "
                    "de begeleiding bij het eten door de gemeente.",
                    _said(CARE_AT_SCHOOL, "Door haar diabetes"),
                ),
            ],
            actions=[
                ActionInput(
                    "Verdeling van de zorg tussen Zvw en Jeugdwet laten uitzoeken",
                    _organisation("Ministerie van Volksgezondheid, Welzijn en Sport"),
                    "",
                    story.day(40),
                ),
            ],
            costs=[
                _cost(
                    "current", "Inkomensverlies ouder (bijstand)", "16000.00", "social_assistance"
                ),
                _cost("plan", "Zorg op school, deel zorgverzekeraar", "4750.00"),
                _cost("plan", "Zorg op school, deel gemeente", "4750.00"),
            ],
            legal_check=(
                "Onduidelijk welke wet van toepassing is; het ministerie is om uitleg gevraagd."
            ),
            **shared,
        )
    )
    second = story.plan(
        PlanContent(
            title="Zorg op school",
            goals=[
                GoalInput(
                    "De gemeente regelt alle zorg op school onder de Jeugdwet; de "
                    "zorgverzekeraar betaalt alleen de verpleegkundige handelingen die onder de "
                    "Zorgverzekeringswet vallen.",
                    _said(CARE_AT_SCHOOL, "We willen één loket"),
                ),
                GoalInput(
                    "Op school meet een getrainde begeleider haar bloedsuiker en geeft insuline.",
                    _said(CARE_AT_SCHOOL, "Door haar diabetes"),
                ),
                GoalInput(
                    "Het overblijven en de schoolreisjes zijn glutenvrij geregeld.",
                    _said(CARE_AT_SCHOOL, "Ze mag ook geen gluten"),
                ),
                GoalInput(
                    "Vader en moeder kunnen weer gewoon werken.",
                    _said(CARE_AT_SCHOOL, "Nu moet een van ons"),
                ),
            ],
            actions=[
                ActionInput(
                    "Beschikking jeugdhulp: begeleiding op school",
                    zaanstad,
                    "consulent jeugd",
                    story.due(14),
                ),
                ActionInput(
                    "Zorgaanbieder inzetten die ook het schoolpersoneel traint",
                    zaanstad,
                    "consulent jeugd",
                    story.due(30),
                ),
                ActionInput(
                    "Vergoeding van de verpleegkundige handelingen bevestigen",
                    _organisation("Zorgverzekeraar Voorbeeld"),
                    "maatwerkfunctionaris",
                    story.due(14),
                ),
            ],
            costs=[
                _cost(
                    "current", "Inkomensverlies ouder (bijstand)", "16000.00", "social_assistance"
                ),
                _cost("current", "Losse jeugdhulptrajecten", "8000.00", "youth_care_outpatient"),
                _cost("plan", "Begeleiding op school (per jaar)", "9500.00"),
                _cost("plan", "Training schoolpersoneel", "800.00"),
            ],
            legal_check=(
                "Het ministerie heeft verduidelijkt dat deze zorg grotendeels onder de Jeugdwet "
                "valt. De gemeente zorgt dan voor een passende individuele voorziening "
                "(Jeugdwet art. 2.3); een uitzondering op een regel is niet nodig."
            ),
            legal_grounds=_grounds("jeugdwet-2-3"),
            legality=(
                "Met de uitleg van het ministerie is de gemeente aan zet. Eén loket voorkomt dat "
                "de zorg stilvalt zolang twee organisaties over de rekening praten."
            ),
            **shared,
        ),
        previous=first,
    )
    story.agree(
        second,
        how="conversation",
        words="Eindelijk één plek waar we terecht kunnen. Hier zijn we het mee eens.",
    )
    return story.case


# 5. Debt, aggression towards agency staff and domestic violence: a separate voice for
#    the partner and children, and a plan for each voice.
DEBT_FIRST = (
    "We hebben tienduizend euro schuld en er komt elke week een deurwaarder. "
    "Bij de uitkeringsinstantie willen ze niet meer met ons praten. "
    "Als er geen geld is, is er thuis ruzie. "
    "We willen dat de schulden stoppen met groeien."
)
PARTNER = "Partner en kinderen"
PARTNER_VOICE = (
    "Ik wil dat de kinderen en ik veilig zijn. "
    "Als hij boos wordt, ben ik bang. "
    "Ik wil niet weg als het thuis rustig kan worden. "
    "Ik wil weten waar ik heen kan als het misgaat."
)
SAFETY = (
    "Partner en kinderen hebben een eigen perspectief en een eigen plan. Veilig Thuis is om "
    "advies gevraagd. Gesprekken over geld zijn op het kantoor van het buurtteam, niet thuis. "
    "De partner wordt elke twee weken apart gesproken. Bij nieuw geweld gaat veiligheid voor "
    "de aanpak van de schulden."
)


def _debt_and_violence() -> Case | None:
    story = _open(
        UTRECHT,
        days_ago=60,
        perspective=DEBT_FIRST,
        needed=(
            "Een schuldhulptraject ondanks eerdere agressie tegen medewerkers, één vaste "
            "contactpersoon, en veiligheid voor partner en kinderen."
        ),
        domains=["finances", "safety", "income_work", "parenting_family"],
        composition="couple_with_children",
        adults=2,
        children=2,
        deciding=["Gemeente Utrecht", "CJIB", "Belastingdienst/Toeslagen"],
        problems_start="finances",
        safety_concern=True,
    )
    if story is None:
        return None
    utrecht = _organisation("Gemeente Utrecht")
    story.perspective(
        PARTNER_VOICE,
        on=story.day(7),
        confirmation="conversation",
        member=PARTNER,
        problems_start="safety",
    )
    debts = story.plan(
        PlanContent(
            title="Eerst praten over de schulden",
            goals=[
                GoalInput(
                    "Binnen een maand ligt er een overzicht van alle schulden en een aanvraag "
                    "schuldhulp.",
                    _said(DEBT_FIRST, "We willen dat de schulden"),
                ),
                GoalInput(
                    "De deurwaarders stoppen tijdelijk terwijl de schuldhulp loopt.",
                    _said(DEBT_FIRST, "We hebben tienduizend euro"),
                ),
                GoalInput(
                    "Eén vaste contactpersoon praat met meneer, met duidelijke afspraken over "
                    "hoe we met elkaar omgaan.",
                    _said(DEBT_FIRST, "Bij de uitkeringsinstantie"),
                ),
                GoalInput(
                    "Meneer volgt een training omgaan met boosheid.",
                    _said(DEBT_FIRST, "Als er geen geld is"),
                ),
            ],
            actions=[
                ActionInput(
                    "Schuldhulp toelaten ondanks de eerdere agressie; afspraken over gedrag",
                    utrecht,
                    "teamleider schuldhulpverlening",
                    story.due(7),
                ),
                ActionInput(
                    "Afkoelingsperiode vragen voor de lopende beslagen",
                    utrecht,
                    "schuldhulpverlener",
                    story.due(14),
                ),
                ActionInput(
                    "Betalingsregeling voor de boetes",
                    _organisation("CJIB"),
                    "maatwerkfunctionaris",
                    story.due(21),
                ),
                ActionInput(
                    "Terugvordering toeslagen pauzeren tijdens de schuldhulp",
                    _organisation("Belastingdienst/Toeslagen"),
                    "maatwerkfunctionaris",
                    story.due(21),
                ),
            ],
            costs=[
                _cost("current", "Incasso- en deurwaarderskosten", "1200.00", "collection_costs"),
                _cost(
                    "current",
                    "Uithuisplaatsing van de kinderen (risico)",
                    "60000.00",
                    "out_of_home_placement",
                ),
                _cost(
                    "current",
                    "Inzet buurtteam, politie en Veilig Thuis",
                    "5000.00",
                    "neighbourhood_team",
                ),
                _cost("plan", "Schuldhulpverleningstraject", "3500.00", "debt_restructuring"),
                _cost("plan", "Training omgaan met boosheid", "1800.00"),
            ],
            intended_effect=(
                "De schulden groeien niet meer, meneer heeft weer contact met de instanties en "
                "thuis is het veilig."
            ),
            impact=(
                "Geldzorgen zijn thuis de aanleiding voor ruzie en geweld. Zolang niemand met "
                "meneer praat, stapelen de kosten zich op en neemt het gevaar voor partner en "
                "kinderen toe."
            ),
            purpose_of_law=(
                "Een instantie mag medewerkers beschermen tegen agressie. De Wgs wil dat mensen "
                "met schulden geholpen worden; juist hier vermindert hulp de agressie."
            ),
            ethics=(
                "Hulp weigeren vanwege agressie laat partner en kinderen de gevolgen dragen. "
                "Met duidelijke afspraken en een vaste persoon is hulp veilig te geven."
            ),
            legal_check=(
                "Weigeren van schuldhulp na eerder gedrag is een bevoegdheid, geen plicht "
                "(Wgs art. 3 lid 2). Blijvend weigeren is hier onevenredig (Awb art. 3:4 lid 2)."
            ),
            legal_grounds=_grounds("wgs-3-2", "awb-3-4-2"),
            legality=(
                "Sinds het gesprek over schuldhulp is meneer rustiger; de gemeente mag helpen, "
                "en de gevolgen van weigeren zijn voor het gezin onevenredig groot."
            ),
            safety=SAFETY,
        )
    )
    story.agree(
        debts,
        how="conversation",
        words="We doen mee. Als de brieven stoppen, wordt het thuis ook rustiger.",
    )
    safe = story.plan(
        PlanContent(
            title="Veilig thuis",
            serves_member=PARTNER,
            goals=[
                GoalInput(
                    "Er is een veiligheidsplan met een vluchtadres dat alleen de partner kent.",
                    _said(PARTNER_VOICE, "Ik wil weten waar"),
                ),
                GoalInput(
                    "De kinderen hebben op school een vertrouwenspersoon.",
                    _said(PARTNER_VOICE, "Ik wil dat de kinderen"),
                ),
                GoalInput(
                    "Het gezin blijft samen zolang het thuis veilig is; dat wordt elke twee "
                    "weken met de partner apart besproken.",
                    _said(PARTNER_VOICE, "Ik wil niet weg"),
                ),
            ],
            actions=[
                ActionInput(
                    "Veiligheidsplan met vluchtadres opstellen",
                    utrecht,
                    "aandachtsfunctionaris huiselijk geweld",
                    story.due(7),
                ),
                ActionInput(
                    "Elke twee weken een apart gesprek met de partner",
                    utrecht,
                    "aandachtsfunctionaris huiselijk geweld",
                    story.due(14),
                ),
            ],
            intended_effect="De partner en de kinderen zijn veilig, thuis of elders.",
            impact=(
                "Zonder plan blijft de partner afhankelijk van het moment dat het misgaat; de "
                "kinderen zien het geweld."
            ),
            purpose_of_law="Voor dit plan is geen uitzondering op een regel nodig.",
            ethics="De veiligheid van partner en kinderen gaat voor alles.",
            legal_check="Voor dit plan is geen uitzondering op een regel nodig.",
            safety=SAFETY,
        )
    )
    story.agree(
        safe,
        how="conversation",
        words="Dit wil ik. Hij hoeft niet te weten waar ik naartoe ga.",
    )
    return story.case


# 6. A young woman with €63,000 of debt within a year. The concept plan has not been
#    discussed with her yet (not agreed) and holds a goal of the professional's own.
DEBT_IN_A_YEAR = (
    "Het begon toen ik op mezelf ging wonen en mijn contract niet werd verlengd. "
    "Ik durfde de brieven niet meer open te maken. "
    "Binnen een jaar was het drieënzestigduizend euro. "
    "Ik wil niet mijn hele leven schulden hebben. "
    "Ik wil mijn opleiding afmaken en werken."
)


def _debt_within_a_year() -> Case | None:
    story = _open(
        ZAANSTAD,
        days_ago=40,
        perspective=DEBT_IN_A_YEAR,
        needed=(
            "Alle schuldeisers aan één tafel, een stop op nieuwe kosten, en een schuldregeling "
            "waarin ook de terugvordering van toeslagen en de studieschuld passen."
        ),
        domains=["finances", "income_work", "housing", "mental_health", "education"],
        composition="single",
        adults=1,
        children=0,
        deciding=[
            "Gemeente Zaanstad",
            "Belastingdienst/Toeslagen",
            "DUO",
            "CJIB",
            "Zorgverzekeraar Voorbeeld",
            "Woningcorporatie Voorbeeld Wonen",
        ],
        problems_start="income_work",
    )
    if story is None:
        return None
    zaanstad = _organisation("Gemeente Zaanstad")
    story.plan(
        PlanContent(
            title="Een schone lei",
            goals=[
                GoalInput(
                    "Binnen zes weken staan alle schulden op één overzicht.",
                    _said(DEBT_IN_A_YEAR, "Ik durfde de brieven"),
                ),
                GoalInput(
                    "Binnen een jaar is er een schuldregeling met alle schuldeisers.",
                    _said(DEBT_IN_A_YEAR, "Ik wil niet mijn hele leven"),
                ),
                GoalInput(
                    "Mevrouw maakt haar mbo-opleiding af zonder dat haar inkomen wegvalt.",
                    _said(DEBT_IN_A_YEAR, "Ik wil mijn opleiding"),
                ),
                GoalInput(
                    "Bij een nieuwe betalingsachterstand krijgt mevrouw binnen een week bezoek "
                    "van het wijkteam."
                ),
            ],
            actions=[
                ActionInput(
                    "Schuldenoverzicht maken, samen met mevrouw",
                    zaanstad,
                    "schuldhulpverlener",
                    story.due(14),
                ),
                ActionInput(
                    "Hardheidsclausule en persoonlijke betalingsregeling voor de terugvordering",
                    _organisation("Belastingdienst/Toeslagen"),
                    "maatwerkfunctionaris",
                    story.due(28),
                ),
                ActionInput(
                    "Aflossing studieschuld naar draagkracht",
                    _organisation("DUO"),
                    "maatwerkfunctionaris",
                    story.due(28),
                ),
            ],
            costs=[
                _cost(
                    "current",
                    "Incasso- en deurwaarderskosten (lopend)",
                    "4800.00",
                    "collection_costs",
                ),
                _cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                _cost("current", "Huisuitzetting (dreigend)", "8000.00", "eviction"),
                _cost("plan", "Schuldhulpverleningstraject", "3500.00", "debt_restructuring"),
                _cost("plan", "Budgetbegeleiding", "1500.00", "protective_administration"),
            ],
            intended_effect=(
                "De schulden groeien niet meer; mevrouw is binnen enkele jaren schuldenvrij en "
                "heeft een diploma en werk."
            ),
            impact=(
                "Met deze schuld op haar vijfentwintigste dreigen uitzetting, stress en "
                "voortijdig stoppen met de opleiding. Met een signaal bij de eerste maand "
                "achterstand was het grootste deel te voorkomen geweest."
            ),
            purpose_of_law=(
                "Terugvorderen moet onterecht betaald geld terughalen, niet iemand voor jaren "
                "klem zetten. De Wgs wil vroeg helpen."
            ),
            ethics=(
                "De schuld is grotendeels ontstaan door kosten op kosten; volledig innen is "
                "onevenredig."
            ),
            legal_check=(
                "Voor de toeslagen kan de hardheidsclausule worden toegepast; voor de eigen "
                "invorderingsregels geldt Awb art. 4:84."
            ),
            legal_grounds=_grounds("awir-hardheid", "awb-4-84"),
            legality=(
                "Vasthouden aan de standaardinvordering maakt een schuldregeling onmogelijk; "
                "het doel, terugbetalen wat kan, wordt met een regeling beter gediend."
            ),
        )
    )
    return story.case


# 7. No benefit because an ex-partner is still registered at the address and cannot
#    deregister without DigiD.
EX_REGISTERED = (
    "Mijn ex woont al vier maanden niet meer hier, maar staat nog wel op mijn adres "
    "ingeschreven. "
    "Daarom krijg ik geen bijstand. "
    "Mijn ex kan zich niet uitschrijven, want die heeft geen DigiD. "
    "Ik heb nu geen geld voor boodschappen en de huur. "
    "Ik wil gewoon mijn uitkering, dan red ik het zelf met mijn dochter."
)


def _ex_partner_registered() -> Case | None:
    story = _open(
        ZAANSTAD,
        days_ago=25,
        perspective=EX_REGISTERED,
        needed=(
            "Bijstand vanaf de aanvraagdatum op basis van de feitelijke woonsituatie, en een "
            "adresonderzoek zodat de inschrijving van de ex-partner klopt."
        ),
        domains=["income_work", "housing", "finances"],
        composition="single_parent",
        adults=1,
        children=1,
        deciding=["Gemeente Zaanstad", "Woningcorporatie Voorbeeld Wonen"],
        problems_start="income_work",
    )
    if story is None:
        return None
    zaanstad = _organisation("Gemeente Zaanstad")
    version = story.plan(
        PlanContent(
            title="Eerst inkomen, dan de inschrijving",
            goals=[
                GoalInput(
                    "Mevrouw krijgt binnen twee weken een voorschot op de bijstand.",
                    _said(EX_REGISTERED, "Ik wil gewoon mijn uitkering"),
                ),
                GoalInput(
                    "De gemeente doet een adresonderzoek en past de inschrijving van de "
                    "ex-partner aan, zonder dat die daarvoor DigiD nodig heeft.",
                    _said(EX_REGISTERED, "Mijn ex kan zich niet"),
                ),
                GoalInput(
                    "De huur van deze en vorige maand is betaald.",
                    _said(EX_REGISTERED, "Ik heb nu geen geld"),
                ),
            ],
            actions=[
                ActionInput(
                    "Bijstandsaanvraag beoordelen op de feitelijke situatie; voorschot betalen",
                    zaanstad,
                    "maatwerkfunctionaris Werk en Inkomen",
                    story.due(7),
                ),
                ActionInput(
                    "Adresonderzoek starten (Wet BRP)",
                    zaanstad,
                    "medewerker burgerzaken",
                    story.due(14),
                ),
                ActionInput(
                    "Betalingspauze voor de huur",
                    _organisation("Woningcorporatie Voorbeeld Wonen"),
                    "",
                    story.due(7),
                ),
            ],
            costs=[
                _cost("current", "Huisuitzetting (dreigend)", "8000.00", "eviction"),
                _cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                _cost(
                    "plan",
                    "Drie uur inzet burgerzaken en Werk en Inkomen",
                    "285.00",
                    "professional_hour",
                ),
            ],
            intended_effect="Mevrouw en haar dochter hebben een inkomen en blijven in hun huis.",
            impact=(
                "Zonder inkomen lopen de huurachterstand en de stress op; de dochter merkt dat "
                "er geen geld is voor eten."
            ),
            purpose_of_law=(
                "De inschrijving in de basisregistratie moet kloppen met de werkelijkheid; de "
                "bijstand kijkt naar wie er echt woont. Geen van beide wetten wil dat iemand "
                "zonder inkomen zit omdat een ander geen DigiD heeft."
            ),
            ethics="Mevrouw kan er niets aan doen dat haar ex niet uitgeschreven is.",
            legal_check=(
                "Voor de bijstand telt de feitelijke woonsituatie, niet de inschrijving; een "
                "uitzondering is dus niet nodig. Wie 'dat mag niet' zegt, leest de regel te "
                "streng. De gemeente kan de inschrijving zelf corrigeren na een adresonderzoek."
            ),
            legal_grounds=_grounds("awb-3-4-2"),
            legality=(
                "Bijstand weigeren vanwege een inschrijving die aantoonbaar niet klopt, is "
                "onevenredig."
            ),
        )
    )
    story.agree(version, how="signed", words="Ja. Als het geld er is, regel ik de rest zelf.")
    return story.case


SITUATIONS = [
    _eviction_over_cannabis,
    _room_rent_as_income,
    _benefit_stopped,
    _care_at_school,
    _debt_and_violence,
    _debt_within_a_year,
    _ex_partner_registered,
]


def create_demo_cases() -> list[Case]:
    """Create the demo cases that do not exist yet; returns the ones created."""
    created = []
    for situation in SITUATIONS:
        with transaction.atomic():
            case = situation()
        if case is not None:
            created.append(case)
    return created
