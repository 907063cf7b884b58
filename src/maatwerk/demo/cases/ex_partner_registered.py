"""Demo story: 7. No benefit because an ex-partner is still registered at the address and
cannot deregister without DigiD.
"""

from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
)

from .story import ZAANSTAD, cost, grounds_by_code, open_case, organisation_named, said

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


def create() -> Case | None:
    story = open_case(
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
    zaanstad = organisation_named("Gemeente Zaanstad")
    version = story.plan(
        PlanContent(
            title="Eerst inkomen, dan de inschrijving",
            goals=[
                GoalInput(
                    "Mevrouw krijgt binnen twee weken een voorschot op de bijstand.",
                    said(EX_REGISTERED, "Ik wil gewoon mijn uitkering"),
                ),
                GoalInput(
                    "De gemeente doet een adresonderzoek en past de inschrijving van de "
                    "ex-partner aan, zonder dat die daarvoor DigiD nodig heeft.",
                    said(EX_REGISTERED, "Mijn ex kan zich niet"),
                ),
                GoalInput(
                    "De huur van deze en vorige maand is betaald.",
                    said(EX_REGISTERED, "Ik heb nu geen geld"),
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
                    organisation_named("Woningcorporatie Voorbeeld Wonen"),
                    "",
                    story.due(7),
                ),
            ],
            costs=[
                cost("current", "Huisuitzetting (dreigend)", "8000.00", "eviction"),
                cost("current", "Begeleiding door het wijkteam", "5000.00", "neighbourhood_team"),
                cost(
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
            legal_grounds=grounds_by_code("awb-3-4-2"),
            legality=(
                "Bijstand weigeren vanwege een inschrijving die aantoonbaar niet klopt, is "
                "onevenredig."
            ),
        )
    )
    story.agree(version, how="signed", words="Ja. Als het geld er is, regel ik de rest zelf.")
    return story.case
