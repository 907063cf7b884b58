"""Demo story: 3. A man with severe psychological problems stopped his own disability
benefit and faces eviction. Treatment (if need be under a care order) is a goal that
does not come from his words: it shows as "not from the household".
"""

from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import UTRECHT, cost, grounds_by_code, open_case, organisation_named, said

# 3. A man with severe psychological problems stopped his own disability benefit and
#    faces eviction. Treatment (if need be under a care order) is a goal that does not
#    come from his words: it shows as "not from the household".
BENEFIT_STOPPED = (
    "Ik wil in mijn eigen huis blijven. "
    "Die uitkering heb ik zelf stopgezet, omdat ze steeds dingen van me wilden weten. "
    "Ik wil niet dat er steeds andere mensen aan de deur komen. "
    "Als de huur betaald is, heb ik rust."
)


def create() -> Case | None:
    story = open_case(
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
    utrecht = organisation_named("Gemeente Utrecht")
    version = story.plan(
        PlanContent(
            title="Rust in eigen huis",
            goals=[
                GoalInput(
                    "De huurachterstand is betaald en de ontruiming is van de baan.",
                    said(BENEFIT_STOPPED, "Als de huur betaald is"),
                ),
                GoalInput(
                    "Meneer heeft weer inkomen: eerst bijstand, daarna weer zijn "
                    "arbeidsongeschiktheidsuitkering.",
                    said(BENEFIT_STOPPED, "Ik wil in mijn eigen huis"),
                ),
                GoalInput(
                    "Eén vaste contactpersoon in plaats van steeds nieuwe mensen aan de deur.",
                    said(BENEFIT_STOPPED, "Ik wil niet dat er"),
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
                    organisation_named("UWV"),
                    "maatwerkfunctionaris",
                    story.due(30),
                ),
                ActionInput(
                    "Huur voortaan rechtstreeks betalen; ontruiming intrekken",
                    organisation_named("Woningcorporatie Voorbeeld Wonen"),
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
                cost("current", "Huisuitzetting", "8000.00", "eviction"),
                cost("current", "Maatschappelijke opvang", "35000.00", "shelter"),
                cost("current", "Crisisdienst en politie bij escalatie", "6000.00"),
                cost("plan", "Huurachterstand (maatwerkbudget)", "4200.00"),
                cost("plan", "Bijstand tot de uitkering weer loopt (voorschot)", "5400.00"),
                cost("plan", "Behandeling ggz", "10000.00", "mental_health_care"),
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
            legal_grounds=grounds_by_code("pw-16", "awb-4-84"),
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
