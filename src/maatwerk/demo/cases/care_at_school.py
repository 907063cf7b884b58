"""Demo story: 4. A schoolgirl with diabetes and coeliac disease: insurer and municipality
each paid half; after the ministry's clarification the municipality arranges it (version
2).
"""

from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import ZAANSTAD, cost, grounds_by_code, open_case, organisation_named, said

# 4. A schoolgirl with diabetes and coeliac disease: insurer and municipality each paid
#    half; after the ministry's clarification the municipality arranges it (version 2).
CARE_AT_SCHOOL = (
    "Onze dochter wil gewoon naar school, net als haar vriendinnen. "
    "Door haar diabetes moet iemand op school haar bloedsuiker meten en insuline geven. "
    "Ze mag ook geen gluten eten, dus iemand moet op haar eten letten. "
    "Nu moet een van ons elke dag naar school en daardoor ben ik mijn baan bijna kwijt. "
    "We willen één loket, niet twee organisaties die elk de helft betalen."
)


def create() -> Case | None:
    story = open_case(
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
    zaanstad = organisation_named("Gemeente Zaanstad")
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
                    said(CARE_AT_SCHOOL, "Door haar diabetes"),
                ),
            ],
            actions=[
                ActionInput(
                    "Verdeling van de zorg tussen Zvw en Jeugdwet laten uitzoeken",
                    organisation_named("Ministerie van Volksgezondheid, Welzijn en Sport"),
                    "",
                    story.day(40),
                ),
            ],
            costs=[
                cost(
                    "current", "Inkomensverlies ouder (bijstand)", "16000.00", "social_assistance"
                ),
                cost("plan", "Zorg op school, deel zorgverzekeraar", "4750.00"),
                cost("plan", "Zorg op school, deel gemeente", "4750.00"),
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
                    said(CARE_AT_SCHOOL, "We willen één loket"),
                ),
                GoalInput(
                    "Op school meet een getrainde begeleider haar bloedsuiker en geeft insuline.",
                    said(CARE_AT_SCHOOL, "Door haar diabetes"),
                ),
                GoalInput(
                    "Het overblijven en de schoolreisjes zijn glutenvrij geregeld.",
                    said(CARE_AT_SCHOOL, "Ze mag ook geen gluten"),
                ),
                GoalInput(
                    "Vader en moeder kunnen weer gewoon werken.",
                    said(CARE_AT_SCHOOL, "Nu moet een van ons"),
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
                    organisation_named("Zorgverzekeraar Voorbeeld"),
                    "maatwerkfunctionaris",
                    story.due(14),
                ),
            ],
            costs=[
                cost(
                    "current", "Inkomensverlies ouder (bijstand)", "16000.00", "social_assistance"
                ),
                cost("current", "Losse jeugdhulptrajecten", "8000.00", "youth_care_outpatient"),
                cost("plan", "Begeleiding op school (per jaar)", "9500.00"),
                cost("plan", "Training schoolpersoneel", "800.00"),
            ],
            legal_check=(
                "Het ministerie heeft verduidelijkt dat deze zorg grotendeels onder de Jeugdwet "
                "valt. De gemeente zorgt dan voor een passende individuele voorziening "
                "(Jeugdwet art. 2.3); een uitzondering op een regel is niet nodig."
            ),
            legal_grounds=grounds_by_code("jeugdwet-2-3"),
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
