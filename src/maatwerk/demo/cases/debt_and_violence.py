"""Demo story: 5. Debt, aggression towards agency staff and domestic violence: a separate
voice for the partner and children, and a plan for each voice.
"""

from maatwerk.cases.models import Audience, Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import UTRECHT, cost, grounds_by_code, open_case, organisation_named, said

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
    "Ik wil weten waar ik heen kan als het misgaat. "
    "Ik wil niet dat hij weet waar wij wonen als het weer misgaat."
)
# Her words are for her only (the safe default of a member's voice): the printed plan
# for the whole household, which he reads too, never holds them (docs/privacy.md).
SAFETY = (
    "Partner en kinderen hebben een eigen perspectief en een eigen plan. Veilig Thuis is om "
    "advies gevraagd. Gesprekken over geld zijn op het kantoor van het buurtteam, niet thuis. "
    "De partner wordt elke twee weken apart gesproken. Bij nieuw geweld gaat veiligheid voor "
    "de aanpak van de schulden. Het adres van moeder wordt niet gedeeld, met niemand."
)
# For the professionals only (every safety text's default): never on a printed plan.
SAFETY_NETWORK = (
    "Veilig Thuis en de wijkagent kennen het veiligheidsplan; bij een melding gaat de "
    "wijkagent eerst naar de partner."
)


def create() -> Case | None:
    story = open_case(
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
    utrecht = organisation_named("Gemeente Utrecht")
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
                    said(DEBT_FIRST, "We willen dat de schulden"),
                ),
                GoalInput(
                    "De deurwaarders stoppen tijdelijk terwijl de schuldhulp loopt.",
                    said(DEBT_FIRST, "We hebben tienduizend euro"),
                ),
                GoalInput(
                    "Eén vaste contactpersoon praat met meneer, met duidelijke afspraken over "
                    "hoe we met elkaar omgaan.",
                    said(DEBT_FIRST, "Bij de uitkeringsinstantie"),
                ),
                GoalInput(
                    "Meneer volgt een training omgaan met boosheid.",
                    said(DEBT_FIRST, "Als er geen geld is"),
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
                    organisation_named("CJIB"),
                    "maatwerkfunctionaris",
                    story.due(21),
                ),
                ActionInput(
                    "Terugvordering toeslagen pauzeren tijdens de schuldhulp",
                    organisation_named("Belastingdienst/Toeslagen"),
                    "maatwerkfunctionaris",
                    story.due(21),
                ),
                ActionInput(
                    SAFETY_NETWORK,
                    utrecht,
                    "aandachtsfunctionaris huiselijk geweld",
                    story.due(7),
                    audience=Audience.PROFESSIONALS,
                ),
            ],
            costs=[
                cost("current", "Incasso- en deurwaarderskosten", "1200.00", "collection_costs"),
                cost(
                    "current",
                    "Uithuisplaatsing van de kinderen (risico)",
                    "60000.00",
                    "out_of_home_placement",
                ),
                cost(
                    "current",
                    "Inzet buurtteam, politie en Veilig Thuis",
                    "5000.00",
                    "neighbourhood_team",
                ),
                cost("plan", "Schuldhulpverleningstraject", "3500.00", "debt_restructuring"),
                cost("plan", "Training omgaan met boosheid", "1800.00"),
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
            legal_grounds=grounds_by_code("wgs-3-2", "awb-3-4-2"),
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
                    said(PARTNER_VOICE, "Ik wil weten waar"),
                ),
                GoalInput(
                    "De kinderen hebben op school een vertrouwenspersoon.",
                    said(PARTNER_VOICE, "Ik wil dat de kinderen"),
                ),
                GoalInput(
                    "Het gezin blijft samen zolang het thuis veilig is; dat wordt elke twee "
                    "weken met de partner apart besproken.",
                    said(PARTNER_VOICE, "Ik wil niet weg"),
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
