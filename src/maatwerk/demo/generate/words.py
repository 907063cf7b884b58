"""Small Dutch word lists and sentence pools for the generated data (stdlib only, so
the generator runs in a production install and the same seed gives the same words).
Every name, place and organisation made from them is fictitious."""


def _words(text: str) -> list[str]:
    return text.split()


def _names(text: str) -> list[str]:
    return text.split("|")


FIRST_NAMES = _words(
    "Anouk Bram Charlotte Daan Esra Fleur Gijs Hatice Iris Jasper Kim Lars Meryem "
    "Noah Olga Pim Quinten Rosa Sem Tess Umut Vera Wouter Yara Zeynep Ahmed Bas "
    "Chantal Dirk Emma Fatima Gert Hanneke Ilse Joris Kees Linda Mohamed Nina Oscar "
    "Petra Rik Sanne Thijs Ursula Vincent Wendy Youssef Zoë Annelies Bilal Carmen "
    "Dennis Eline Frank Gerda Hugo Ingrid Jeroen Karin Luuk Marieke Niels Priya Ruben "
    "Sofie Tim Willemijn"
)
LAST_NAMES = _names(
    "de Vries|Jansen|Bakker|El Amrani|Visser|Smit|Yilmaz|Mulder|de Boer|Meijer|Bos|"
    "Vos|Peters|Hendriks|van Dijk|Dekker|Brouwer|de Wit|Dijkstra|Kaya|van Leeuwen|"
    "Koster|Willems|Vermeulen|van den Berg|Hoekstra|Kok|Bouzid|Maas|Verhoeven|"
    "Schouten|van der Heijden|Jacobs|Postma|Kuipers|Öztürk|Huisman|Veenstra|Wijaya|"
    "Boukhari|Prins|Blom|Groen|van Beek|Mertens|Sarmo|Haddou|Pinas|Zwart|Graaf"
)

# Parts of fictitious municipality names: a prefix (optional), a stem and an ending.
PLACE_PREFIXES = ["", "", "", "Noord", "Zuid", "Oost", "West", "Nieuw", "Oud", "Groot", "Sint "]
PLACE_STEMS = _words(
    "Beek Berg Bos Broek Dal Dijk Eem Goor Haar Hol Horst Hout Kerk Laar Lint Maas "
    "Meer Molen Mors Rijn Ros Schie Sloot Stein Ter Vaart Veen Vliet Wold Zand Aa Ede "
    "Hee Loo Voor Wes Elst Grave Hulst Velt"
)
PLACE_ENDINGS = _words(
    "dam drecht hoven wijk veen zijl ingen um horst berg rode lo sel meer burg land "
    "haven rade kerk brug stad weide beek"
)

NEIGHBOURHOODS = _names(
    "Centrum|Noord|Oost|Zuid|West|De Hoven|Kerkbuurt|Molenwijk|De Akkers|Het Zand|"
    "Stationskwartier|Bloemenbuurt|Vogelwijk|De Gaarden|Rivierenbuurt|Oud-West|"
    "Nieuwland|De Bongerd|Schildersbuurt|Havenkwartier|De Meent|Waterwijk|Bomenbuurt|"
    "De Velden|Hoogland|Laagveld|De Kreek|Parkwijk|Dichtersbuurt|Dorp"
)
TEAM_KINDS = [
    "Sociaal wijkteam",
    "Buurtteam",
    "Jeugd- en gezinsteam",
    "Team Schuldhulp",
    "Wijkteam",
]

HOUSING_NAMES = ["Woonstichting", "Woongoed", "Wonen", "Thuis", "Woonbron", "Huisvesting"]
INSURERS = ["Delta", "Polder", "Kompas", "Anker", "Horizon", "Linde", "Baken", "Rivier"]
ENERGY = ["Energie Noord", "Stroomwerk", "Warmtenet Oost", "Gas & Licht West"]
CARE_NAMES = ["Zorggroep", "GGZ", "Stichting Zorg", "Verslavingszorg"]

MEMBERS_SAFETY = ["Partner en kinderen", "Partner", "Moeder en kinderen", "Dochter (16)"]
MEMBERS_OTHER = ["Oudste zoon", "Oma", "Vader", "Zoon (19)", "Dochter (17)"]

# The household's words, per life domain: sentences, each ending with a full stop (the
# plan's goals link to one of them).
HOUSEHOLD_WORDS = {
    "finances": [
        "We hebben schulden en er komt elke week een brief van een deurwaarder.",
        "Elke maand komen we een paar honderd euro tekort.",
        "We willen dat de schulden stoppen met groeien.",
        "Ik durf de post niet meer open te maken.",
        "De betalingsregeling is te hoog voor ons inkomen.",
    ],
    "income_work": [
        "Mijn uitkering is gestopt en ik weet niet waarom.",
        "Ik wil graag weer werken, maar dan verlies ik mijn toeslagen.",
        "Sinds ik mijn baan kwijt ben, hebben we geen vast inkomen.",
        "Ik wil dat er elke maand zeker geld binnenkomt.",
    ],
    "housing": [
        "We moeten het huis uit als de huur niet betaald wordt.",
        "Ik wil met de kinderen in dit huis blijven wonen.",
        "Het huis is te klein en er is schimmel.",
        "Ik slaap nu bij vrienden op de bank.",
    ],
    "physical_health": [
        "Door mijn ziekte kan ik niet alles zelf regelen.",
        "De zorg die ik nodig heb wordt niet vergoed.",
        "Ik heb pijn en kan niet naar de tandarts.",
    ],
    "mental_health": [
        "Ik slaap slecht van de zorgen.",
        "Soms kan ik het allemaal niet meer overzien.",
        "Ik wil rust in mijn hoofd.",
    ],
    "addiction": [
        "Ik wil van het drinken af, maar niet als ik daarvoor mijn huis kwijtraak.",
        "Het gebruik kost ons meer geld dan we hebben.",
    ],
    "parenting_family": [
        "Ik wil dat mijn kinderen gewoon naar school kunnen.",
        "De kinderen merken dat het thuis niet goed gaat.",
        "Ik wil een goede moeder zijn, ook als het geld op is.",
    ],
    "safety": [
        "Als er geen geld is, is er thuis ruzie.",
        "Ik wil dat de kinderen en ik veilig zijn.",
        "Ik wil weten waar ik heen kan als het misgaat.",
    ],
    "justice": [
        "De boetes blijven oplopen en ik kan ze niet betalen.",
        "Ik wil na mijn straf een nieuwe start maken.",
    ],
    "education": [
        "Ik wil mijn opleiding afmaken.",
        "Mijn studieschuld houdt me tegen om verder te komen.",
    ],
    "residence_status": [
        "Zonder verblijfspapieren kan ik nergens terecht.",
        "Ik wil weten waar ik aan toe ben.",
    ],
}
MEMBER_WORDS = [
    "Ik wil dat de kinderen en ik veilig zijn.",
    "Als hij boos wordt, ben ik bang.",
    "Ik wil niet weg als het thuis rustig kan worden.",
    "Ik wil zelf mee kunnen beslissen over wat er gebeurt.",
    "Ik wil dat er naar mij ook geluisterd wordt.",
]
UPDATE_WORDS = [
    "Het gaat beter nu de brieven gestopt zijn.",
    "We hebben nu een vaste contactpersoon en dat helpt.",
    "Er is een nieuw probleem bijgekomen.",
    "Ik heb weer werk gevonden, maar het inkomen is nog onzeker.",
]

NEEDED = {
    "finances": "Een schuldregeling die past bij het inkomen, en rust van de schuldeisers.",
    "income_work": "Een zeker inkomen terwijl het werk of de uitkering geregeld wordt.",
    "housing": "Blijven wonen: de ontruiming opschorten en de huurachterstand regelen.",
    "physical_health": "Zorg die past, ook als geen regeling precies past.",
    "mental_health": "Behandeling en rust, zonder dat het inkomen wegvalt.",
    "addiction": "Behandeling voor de verslaving, met behoud van de woning.",
    "parenting_family": "Steun voor het gezin zodat de kinderen thuis kunnen blijven.",
    "safety": "Veiligheid voor alle gezinsleden, en hulp die daar rekening mee houdt.",
    "justice": "Een betalingsregeling voor de boetes en een nieuwe start.",
    "education": "De opleiding afmaken ondanks de schulden.",
    "residence_status": "Duidelijkheid over het verblijf en tot dan een inkomen.",
}

GOALS = {
    "finances": [
        "Binnen een maand ligt er een overzicht van alle schulden en een aanvraag schuldhulp.",
        "De deurwaarders stoppen tijdelijk terwijl de schuldhulp loopt.",
        "De vaste lasten worden automatisch betaald.",
    ],
    "income_work": [
        "De uitkering wordt met terugwerkende kracht hersteld.",
        "Er is elke maand een zeker inkomen.",
        "Werken loont: het inkomen gaat er niet op achteruit.",
    ],
    "housing": [
        "De ontruiming wordt opgeschort zolang het plan loopt.",
        "De huurachterstand wordt in een haalbare regeling afgelost.",
        "Het gezin woont in een passende woning.",
    ],
    "physical_health": [
        "De benodigde zorg is geregeld en betaald.",
        "De eigen bijdrage is kwijtgescholden.",
    ],
    "mental_health": ["Er is een behandeling gestart.", "Er is één vaste contactpersoon."],
    "addiction": ["De behandeling voor de verslaving is gestart."],
    "parenting_family": [
        "De kinderen gaan weer elke dag naar school.",
        "Het gezin krijgt opvoedondersteuning.",
    ],
    "safety": [
        "Er is een veiligheidsplan met een vluchtadres.",
        "Gesprekken over geld zijn niet thuis.",
    ],
    "justice": ["Er is een betalingsregeling voor de boetes.", "De boetes worden niet verhoogd."],
    "education": ["De opleiding wordt dit schooljaar afgerond."],
    "residence_status": ["De verblijfsaanvraag is ingediend en er is tot dan een inkomen."],
}
ACTIONS = [
    "Aanvraag schuldhulp indienen",
    "Afkoelingsperiode vragen voor de lopende beslagen",
    "Betalingsregeling vragen",
    "Terugvordering pauzeren tijdens de schuldhulp",
    "Uitkering herstellen met terugwerkende kracht",
    "Ontruiming opschorten",
    "Bijzondere bijstand aanvragen",
    "Beschermingsbewind aanvragen",
    "Gesprek met de maatwerkfunctionaris plannen",
    "Zorg op maat regelen",
]
PERSONS = ["maatwerkfunctionaris", "teamleider", "schuldhulpverlener", "consulent", "wijkcoach"]

INTENDED_EFFECT = [
    "De schulden groeien niet meer en het huishouden heeft weer overzicht.",
    "Het gezin kan in de woning blijven en heeft een zeker inkomen.",
    "Het huishouden krijgt de zorg die nodig is, zonder nieuwe schulden.",
]
IMPACT = [
    "Zonder plan stapelen de kosten zich op en raakt het gezin de woning kwijt.",
    "De zorgen over geld maken het herstel onmogelijk.",
    "De kinderen dragen de gevolgen als er niets verandert.",
]
PURPOSE_OF_LAW = [
    "De regel is bedoeld om misbruik te voorkomen, niet om dit gezin in de problemen te brengen.",
    "De wet wil dat mensen met schulden geholpen worden.",
    "De regeling is er om bestaanszekerheid te bieden.",
]
ETHICS = [
    "Niets doen kost het huishouden en de samenleving meer dan helpen.",
    "Het plan is in overleg met het huishouden gemaakt en houdt rekening met iedereen.",
]
LEGAL_CHECK = [
    "Afwijken is mogelijk op grond van de evenredigheid (Awb art. 3:4 lid 2).",
    "De beleidsregel laat ruimte om af te wijken (Awb art. 4:84).",
    "Voor dit plan is geen uitzondering op een regel nodig.",
]
LEGALITY = [
    "De gevolgen van de standaardregel zijn voor dit huishouden onevenredig groot.",
    "De wet geeft de ruimte; de organisatie mag hier afwijken.",
]
SAFETY = [
    "Veilig Thuis is om advies gevraagd; gesprekken over geld zijn niet thuis.",
    "De partner wordt apart gesproken; bij nieuw geweld gaat veiligheid voor.",
]
AGREEMENT_WORDS = [
    "We doen mee. Als de brieven stoppen, wordt het thuis ook rustiger.",
    "Dit is wat we willen.",
    "Ik ga akkoord, als ik zelf mee mag blijven beslissen.",
    "Goed zo. Ik wil vooral dat de kinderen er iets van merken.",
]
COST_CURRENT = [
    ("eviction", "Huisuitzetting"),
    ("shelter", "Maatschappelijke opvang"),
    ("out_of_home_placement", "Uithuisplaatsing (risico)"),
    ("collection_costs", "Incasso- en deurwaarderskosten"),
    ("neighbourhood_team", "Inzet wijkteam en andere hulpverleners"),
    ("mental_health_care", "Behandeling ggz"),
]
COST_PLAN = [
    ("debt_restructuring", "Schuldhulpverleningstraject"),
    ("protective_administration", "Beschermingsbewind"),
    ("professional_hour", "Extra uren van de professional"),
    (None, "Bijzondere bijstand"),
]

# Requests: what is asked, per kind of organisation (the rule in words, too).
SUBJECTS = {
    "municipality": [
        ("Bijstand toekennen ondanks de kostendelersnorm.", "kostendelersnorm"),
        ("Schuldhulp toelaten ondanks een eerdere fraudeschuld.", "weigeringsgrond fraudeschuld"),
        ("Bijzondere bijstand voor de huurachterstand.", "geen bijstand voor schulden"),
        ("Een maatwerkvoorziening Wmo zonder wachttijd.", "wachtlijst"),
        ("Jeugdhulp thuis in plaats van een uithuisplaatsing.", ""),
    ],
    "national_agency": [
        ("Uitkering met terugwerkende kracht herstellen.", "geen terugwerkende kracht"),
        ("Terugvordering matigen met de hardheidsclausule.", "volledige terugvordering"),
        ("Een betalingsregeling naar draagkracht.", "standaardtermijn"),
        ("Beslag opschorten tijdens de schuldhulp.", ""),
    ],
    "housing_association": [
        ("Ontruiming opschorten en de huurachterstand bevriezen.", "ontruiming na drie maanden"),
        ("Een tweede kans in een andere woning.", "zwarte lijst"),
    ],
    "health_insurer": [
        ("De zorg vergoeden die buiten de basisverzekering valt.", "niet verzekerde zorg"),
        ("Wanbetalersregeling beëindigen.", "bestuursrechtelijke premie"),
    ],
    "justice": [
        ("Een betalingsregeling voor de boetes zonder verhoging.", "verhoging bij te laat betalen"),
    ],
    "ministry": [("Onder welke regeling valt deze zorg?", "")],
    "energy_company": [("Afsluiting uitstellen en een betalingsregeling.", "afsluitbeleid")],
    "care_provider": [("Een behandelplek zonder wachttijd.", "wachtlijst")],
    "other": [("Meedenken over een oplossing.", "")],
}
APPROVED = [
    "Akkoord: betalingsregeling van 24 maanden.",
    "Akkoord met terugwerkende kracht.",
    "Ontruiming opgeschort zolang het plan loopt.",
    "Akkoord, bij wijze van uitzondering.",
    "Vergoed als maatwerk.",
]
REFUSED = {
    "wrong_desk": "U moet bij een andere afdeling zijn.",
    "not_allowed_by_law": "Dat mag niet van de wet.",
    "not_in_this_case": "Een uitzondering kan, maar niet hier.",
    "precedent": "Dan wil iedereen dit.",
    "more_information": "Laten we eerst verder uitzoeken hoe het zit.",
    "not_our_responsibility": "Dit is niet onze verantwoordelijkheid.",
    "who_pays": "Wie betaalt dit?",
    "distrust": "Die mevrouw kan dat wel willen, maar…",
    "other": "Niet mogelijk.",
}
INFORMATION = [
    "Graag een overzicht van de schulden.",
    "Graag de loonstroken van de laatste drie maanden.",
    "Graag het huurcontract.",
    "Graag een verklaring van de behandelaar.",
]
CONDITIONS = [
    "Beschermingsbewind.",
    "Eerst een budgetcursus volgen.",
    "Maandelijks contact met de consulent.",
    "Geen nieuwe schulden maken.",
]
REDIRECTS = ["Afdeling Incasso", "Afdeling Bijzondere Bijstand", "Klantcontactcentrum", "Team Wmo"]

SPEND_PURPOSES = [
    ("housing", "landlord", "Huurachterstand, zodat de ontruimingsprocedure stopt"),
    ("deposit", "landlord", "Borg voor een goedkopere woning"),
    ("utilities", "utility", "Energieachterstand, zodat de afsluiting niet doorgaat"),
    ("health", "care_provider", "Tandherstel dat de basisverzekering niet dekt"),
    ("transport", "supplier", "Vervoer naar ziekenhuis en dagbesteding"),
    ("debts", "creditor", "Aflossing van een kleine schuld die een regeling blokkeert"),
    ("work_education", "education", "Lesgeld en boeken voor de opleiding"),
    ("children", "supplier", "Schoolspullen en kleding voor de kinderen"),
    ("living", "household", "Leefgeld voor twee weken, tot de uitkering er is"),
]
SPEND_REFUSED = ["Past niet bij het doel van het budget.", "Eerst de bijzondere bijstand proberen."]
REVERSAL_REASONS = ["Het bedrag is teruggestort.", "Dubbel geboekt."]
SETTLEMENT_NOTES = ["Terugbetaald na afstemming over wie verantwoordelijk is.", "Deels vergoed."]
MINUTES = [
    "De organisaties spreken af de uitzondering te maken; de casusregisseur koppelt terug.",
    "Knelpunt benoemd in de regelgeving; de regievoerder legt het voor.",
    "Het huishouden is gehoord via de casusregisseur; vervolgafspraak over twee weken.",
]


# --- system learning (demo/generate/learning.py) -------------------------------------
BOTTLENECKS = {
    "collaboration": [
        "Niemand voelde zich eigenaar van de vraag.",
        "Gemeente en zorgverzekeraar wezen naar elkaar voor de kosten.",
        "De afdelingen schuldhulp en inkomen werkten langs elkaar heen.",
        "De woningcorporatie wachtte op de gemeente, de gemeente op de corporatie.",
    ],
    "laws_regulations": [
        "De kostendelersnorm verlaagde de uitkering toen de zoon weer thuis kwam wonen.",
        "Een fraudeschuld blokkeerde de schuldregeling.",
        "De regel liet geen ruimte voor een uitzondering, ook niet in deze situatie.",
        "Terugvordering met terugwerkende kracht bracht het gezin in de problemen.",
    ],
    "communication": [
        "De brieven waren voor het huishouden niet te begrijpen.",
        "Het antwoord kwam pas na herhaald bellen.",
        "De organisatie stuurde het verzoek rond zonder iets te laten weten.",
    ],
    "knowledge_skills": [
        "De medewerker wist niet dat een uitzondering mogelijk was.",
        "Niemand kende de contactpersoon bij de uitvoeringsorganisatie.",
        "Het team kende de hardheidsclausule niet.",
    ],
    "ict_systems": [
        "Het systeem kon de afwijkende betaling niet verwerken.",
        "De gegevens van de toeslagen en de uitkering sloten niet op elkaar aan.",
        "Een automatische incasso liep door terwijl de regeling al was afgesproken.",
    ],
}
BOTTLENECK_RULES = [
    "kostendelersnorm",
    "fraudeschuld",
    "beslagvrije voet",
    "terugvordering toeslagen",
    "wachttijd schuldhulpverlening",
]
LEARNING_POINTS = {
    1: [
        "Los de achterstand van dit huishouden in één keer op en stop de incasso.",
        "Wijs één contactpersoon aan die het verzoek afhandelt.",
    ],
    2: [
        "Verhuurder meldt dreigende ontruiming eerder aan het wijkteam.",
        "Geef wijkteams een vaste contactpersoon voor uitzonderingen.",
        "Stop de automatische incasso zodra een schuldregeling is aangevraagd.",
        "Leg de ruimte voor maatwerk vast in de werkinstructie.",
    ],
    3: [
        "Pas de kostendelersnorm niet toe op jongvolwassenen die tijdelijk thuis wonen.",
        "Laat een fraudeschuld een schuldregeling niet langer blokkeren.",
        "Maak een hardheidsclausule mogelijk in de regeling.",
    ],
}
INTERVENTION_WORDS = {
    "budget_payment": "een betaling uit het maatwerkbudget",
    "bridging_procedure": "een overbrugging uit het maatwerkbudget, later verrekend",
}
WHAT_WORKED = [
    "De beslisser direct bellen en samen de situatie doorlopen.",
    "Een gezamenlijk overleg met alle organisaties aan één tafel.",
    "Het plan van het huishouden als onderbouwing meesturen.",
]
