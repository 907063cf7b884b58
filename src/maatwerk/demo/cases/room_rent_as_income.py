"""Demo story: 2. A debt arrangement paid from renting out a room, which on benefits counts
as income. After the household agreed, her perspective changed (drift).
"""

from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import ZAANSTAD, cost, grounds_by_code, open_case, organisation_named, said

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


def create() -> Case | None:
    story = open_case(
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
                    said(ROOM_FIRST, "Ik heb drie jaar lang"),
                ),
                GoalInput(
                    "De huur van de kamer gaat rechtstreeks naar de schuldeisers en telt niet "
                    "als inkomen voor de bijstand.",
                    said(ROOM_FIRST, "De kamer verhuur ik"),
                ),
                GoalInput(
                    "Mevrouw heeft binnen een half jaar weer betaald werk.",
                    said(ROOM_FIRST, "Ik wil zo snel mogelijk"),
                ),
            ],
            actions=[
                ActionInput(
                    "Besluit: kamerhuur niet verrekenen met de bijstand",
                    organisation_named("Gemeente Zaanstad"),
                    "maatwerkfunctionaris Werk en Inkomen",
                    story.due(10),
                ),
                ActionInput(
                    "Schuldeisers laten weten dat de aflossing gelijk blijft",
                    organisation_named("Gemeente Zaanstad"),
                    "schuldhulpverlener",
                    story.due(20),
                ),
                ActionInput(
                    "Begeleiding naar werk",
                    organisation_named("Gemeente Zaanstad"),
                    "werkcoach",
                    story.due(30),
                ),
            ],
            costs=[
                cost(
                    "current", "Nieuw schuldhulpverleningstraject", "3500.00", "debt_restructuring"
                ),
                cost("current", "Incasso- en deurwaarderskosten", "1200.00", "collection_costs"),
                cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                cost("plan", "Bijstand zonder verrekening van de kamerhuur (per jaar)", "4800.00"),
                cost(
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
            legal_grounds=grounds_by_code("pw-18-1", "awb-4-84"),
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
