"""Demo story: 6. A young woman with €63,000 of debt within a year. The concept plan has
not been discussed with her yet (not agreed) and holds a goal of the professional's own.
"""

from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import ZAANSTAD, cost, grounds_by_code, open_case, organisation_named, said

# 6. A young woman with €63,000 of debt within a year. The concept plan has not been
#    discussed with her yet (not agreed) and holds a goal of the professional's own.
DEBT_IN_A_YEAR = (
    "Het begon toen ik op mezelf ging wonen en mijn contract niet werd verlengd. "
    "Ik durfde de brieven niet meer open te maken. "
    "Binnen een jaar was het drieënzestigduizend euro. "
    "Ik wil niet mijn hele leven schulden hebben. "
    "Ik wil mijn opleiding afmaken en werken."
)


def create() -> Case | None:
    story = open_case(
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
    zaanstad = organisation_named("Gemeente Zaanstad")
    story.plan(
        PlanContent(
            title="Een schone lei",
            goals=[
                GoalInput(
                    "Binnen zes weken staan alle schulden op één overzicht.",
                    said(DEBT_IN_A_YEAR, "Ik durfde de brieven"),
                ),
                GoalInput(
                    "Binnen een jaar is er een schuldregeling met alle schuldeisers.",
                    said(DEBT_IN_A_YEAR, "Ik wil niet mijn hele leven"),
                ),
                GoalInput(
                    "Mevrouw maakt haar mbo-opleiding af zonder dat haar inkomen wegvalt.",
                    said(DEBT_IN_A_YEAR, "Ik wil mijn opleiding"),
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
                    organisation_named("Belastingdienst/Toeslagen"),
                    "maatwerkfunctionaris",
                    story.due(28),
                ),
                ActionInput(
                    "Aflossing studieschuld naar draagkracht",
                    organisation_named("DUO"),
                    "maatwerkfunctionaris",
                    story.due(28),
                ),
            ],
            costs=[
                cost(
                    "current",
                    "Incasso- en deurwaarderskosten (lopend)",
                    "4800.00",
                    "collection_costs",
                ),
                cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                cost("current", "Huisuitzetting (dreigend)", "8000.00", "eviction"),
                cost("plan", "Schuldhulpverleningstraject", "3500.00", "debt_restructuring"),
                cost("plan", "Budgetbegeleiding", "1500.00", "protective_administration"),
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
            legal_grounds=grounds_by_code("awir-hardheid", "awb-4-84"),
            legality=(
                "Vasthouden aan de standaardinvordering maakt een schuldregeling onmogelijk; "
                "het doel, terugbetalen wat kan, wordt met een regeling beter gediend."
            ),
        )
    )
    return story.case
