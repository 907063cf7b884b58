"""Seed data for the register.

``seed_reference_lists`` runs after every ``migrate`` (the reference lists are part of
the product: the exchange format's life-domain codes must exist). It only adds rows
that are missing and never overwrites what an administrator edited.

``seed_register`` adds the national organisations named in the domain primer and a
few municipalities, with clearly fictitious contact details (example.org addresses,
+31 20 000 … numbers). It is part of ``maatwerk demo``.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from .models import (
    Contact,
    EscalationStep,
    LegalGround,
    LifeDomain,
    Organisation,
    ReferenceCost,
    Regulation,
)

LIFE_DOMAINS = [
    ("finances", "Financiën en schulden", "Finances and debts"),
    ("income_work", "Werk en inkomen", "Work and income"),
    ("housing", "Wonen", "Housing"),
    ("physical_health", "Lichamelijke gezondheid", "Physical health"),
    ("mental_health", "Psychische gezondheid", "Mental health"),
    ("addiction", "Verslaving", "Addiction"),
    ("parenting_family", "Gezin en opvoeding", "Parenting and family"),
    ("safety", "Veiligheid en huiselijk geweld", "Safety and domestic violence"),
    ("justice", "Justitie", "Justice"),
    ("education", "Onderwijs", "Education"),
    ("residence_status", "Verblijfsstatus", "Residence status"),
]

REGULATIONS = [
    ("participatiewet", "Participatiewet", "PW"),
    ("awb", "Algemene wet bestuursrecht", "Awb"),
    ("wmo", "Wet maatschappelijke ondersteuning 2015", "Wmo 2015"),
    ("jeugdwet", "Jeugdwet", ""),
    ("zvw", "Zorgverzekeringswet", "Zvw"),
    ("wlz", "Wet langdurige zorg", "Wlz"),
    ("wgs", "Wet gemeentelijke schuldhulpverlening", "Wgs"),
    ("wsnp", "Faillissementswet, schuldsaneringsregeling natuurlijke personen", "Wsnp"),
    ("awir", "Algemene wet inkomensafhankelijke regelingen (toeslagen)", "Awir"),
    ("ww", "Werkloosheidswet", "WW"),
    ("wia", "Wet werk en inkomen naar arbeidsvermogen", "WIA"),
    ("wajong", "Wet arbeidsongeschiktheidsvoorziening jonggehandicapten", "Wajong"),
    ("aow", "Algemene Ouderdomswet", "AOW"),
    ("akw", "Algemene Kinderbijslagwet", "AKW"),
    ("wsf", "Wet studiefinanciering 2000", "WSF 2000"),
    ("invorderingswet", "Invorderingswet 1990", ""),
    ("wahv", "Wet administratiefrechtelijke handhaving verkeersvoorschriften", "Wahv"),
    ("huurrecht", "Burgerlijk Wetboek boek 7, huur", "BW 7"),
    ("woningwet", "Woningwet", ""),
    ("wet-brp", "Wet basisregistratie personen", "Wet BRP"),
    ("vreemdelingenwet", "Vreemdelingenwet 2000", "Vw 2000"),
    ("wpo", "Wet op het primair onderwijs", "WPO"),
    ("wvggz", "Wet verplichte geestelijke gezondheidszorg", "Wvggz"),
]

LEGAL_GROUNDS = [
    (
        "pw-18-1",
        "Afstemming van de bijstand op de omstandigheden",
        "participatiewet",
        "art. 18 lid 1",
        "De bijstand wordt afgestemd op de omstandigheden, mogelijkheden en middelen van de "
        "persoon. De route om de kostendelersnorm of een andere standaarduitkomst passend te "
        "maken voor dit huishouden.",
    ),
    (
        "pw-16",
        "Zeer dringende redenen",
        "participatiewet",
        "art. 16",
        "Bijstand aan iemand die er volgens de wet geen recht op heeft, als zeer dringende "
        "redenen dat noodzakelijk maken.",
    ),
    (
        "pw-58-8",
        "Afzien van terugvordering bij dringende redenen",
        "participatiewet",
        "art. 58 lid 8",
        "Het college kan besluiten geheel of gedeeltelijk van terugvordering af te zien als "
        "daarvoor dringende redenen aanwezig zijn.",
    ),
    (
        "awb-4-84",
        "Afwijken van beleidsregels (inherente afwijkingsbevoegdheid)",
        "awb",
        "art. 4:84",
        "Het bestuursorgaan handelt volgens de beleidsregel, tenzij dat voor een of meer "
        "belanghebbenden gevolgen zou hebben die wegens bijzondere omstandigheden "
        "onevenredig zijn in verhouding tot de met de beleidsregel te dienen doelen.",
    ),
    (
        "awb-3-4-2",
        "Evenredigheid",
        "awb",
        "art. 3:4 lid 2",
        "De nadelige gevolgen van een besluit mogen niet onevenredig zijn in verhouding tot "
        "de met het besluit te dienen doelen.",
    ),
    (
        "awir-hardheid",
        "Hardheidsclausule toeslagen",
        "awir",
        "",
        "Ruimte om bij toeslagen af te wijken als toepassing van de regels leidt tot een "
        "onbedoelde en onbillijke uitkomst.",
    ),
    (
        "wmo-2-3-5",
        "Maatwerkvoorziening",
        "wmo",
        "art. 2.3.5",
        "Het college beslist over een maatwerkvoorziening die bijdraagt aan zelfredzaamheid "
        "en participatie, afgestemd op de persoonlijke situatie.",
    ),
    (
        "jeugdwet-2-3",
        "Individuele voorziening jeugdhulp",
        "jeugdwet",
        "art. 2.3",
        "Het college zorgt voor een passende individuele voorziening als de jeugdige of "
        "ouders het niet op eigen kracht of met hun netwerk redden.",
    ),
    (
        "wgs-3-2",
        "Weigeren van schuldhulp is een bevoegdheid, geen plicht",
        "wgs",
        "art. 3 lid 2",
        "Een eerdere fraudeschuld of een eerder traject kan een reden zijn om te weigeren, "
        "maar de gemeente kan besluiten toch te helpen.",
    ),
]

REFERENCE_COSTS = [
    ("eviction", "Huisuitzetting", "Eviction", "8000.00", "one_off"),
    ("shelter", "Maatschappelijke opvang", "Homeless shelter", "35000.00", "per_year"),
    (
        "out_of_home_placement",
        "Uithuisplaatsing jeugdige",
        "Out-of-home placement of a child",
        "60000.00",
        "per_year",
    ),
    (
        "debt_restructuring",
        "Schuldhulpverleningstraject",
        "Debt restructuring",
        "3500.00",
        "one_off",
    ),
    (
        "protective_administration",
        "Beschermingsbewind",
        "Protective administration",
        "1500.00",
        "per_year",
    ),
    (
        "social_assistance",
        "Bijstandsuitkering",
        "Social assistance benefit",
        "16000.00",
        "per_year",
    ),
    (
        "neighbourhood_team",
        "Begeleiding door wijkteam",
        "Neighbourhood team support",
        "5000.00",
        "per_year",
    ),
    ("supported_housing", "Beschermd wonen", "Supported housing", "45000.00", "per_year"),
    (
        "youth_care_outpatient",
        "Ambulante jeugdhulp",
        "Outpatient youth care",
        "8000.00",
        "per_year",
    ),
    ("mental_health_care", "Behandeling ggz", "Mental health treatment", "10000.00", "per_year"),
    (
        "collection_costs",
        "Incasso- en deurwaarderskosten",
        "Collection and bailiff costs",
        "1200.00",
        "per_year",
    ),
    ("professional_hour", "Uur inzet professional", "Hour of a professional", "95.00", "per_hour"),
]

REFERENCE_COST_SOURCE = "Indicatief bedrag voor de kostenvergelijking; pas aan naar eigen bron."


def seed_reference_lists(using: str = "default") -> None:
    with transaction.atomic(using=using):
        for order, (code, name_nl, name_en) in enumerate(LIFE_DOMAINS):
            LifeDomain.objects.using(using).get_or_create(
                code=code, defaults={"name_nl": name_nl, "name_en": name_en, "order": order}
            )
        regulations = {}
        for code, name, abbreviation in REGULATIONS:
            regulations[code], _ = Regulation.objects.using(using).get_or_create(
                code=code, defaults={"name": name, "abbreviation": abbreviation}
            )
        for code, title, regulation, article, description in LEGAL_GROUNDS:
            LegalGround.objects.using(using).get_or_create(
                code=code,
                defaults={
                    "title": title,
                    "regulation": regulations[regulation],
                    "article": article,
                    "description": description,
                },
            )
        for code, name_nl, name_en, amount, unit in REFERENCE_COSTS:
            ReferenceCost.objects.using(using).get_or_create(
                code=code,
                defaults={
                    "name_nl": name_nl,
                    "name_en": name_en,
                    "amount": Decimal(amount),
                    "unit": unit,
                    "source": REFERENCE_COST_SOURCE,
                },
            )


# name, type, domains, regulations, response target (working days), description
ORGANISATIONS = [
    (
        "UWV",
        "national_agency",
        ["income_work"],
        ["ww", "wia", "wajong"],
        10,
        "Uitvoeringsinstituut Werknemersverzekeringen: WW, WIA, Wajong.",
    ),
    (
        "SVB",
        "national_agency",
        ["income_work", "parenting_family"],
        ["aow", "akw"],
        10,
        "Sociale Verzekeringsbank: AOW, kinderbijslag, pgb-uitbetaling.",
    ),
    (
        "CAK",
        "national_agency",
        ["physical_health", "finances"],
        ["wlz", "wmo", "zvw"],
        10,
        "Eigen bijdragen Wmo en Wlz, bestuursrechtelijke premie zorgverzekering.",
    ),
    (
        "CJIB",
        "justice",
        ["finances", "justice"],
        ["wahv"],
        10,
        "Centraal Justitieel Incassobureau: boetes en vorderingen.",
    ),
    (
        "DUO",
        "national_agency",
        ["education", "finances"],
        ["wsf"],
        10,
        "Dienst Uitvoering Onderwijs: studiefinanciering en studieschuld.",
    ),
    (
        "Belastingdienst/Toeslagen",
        "national_agency",
        ["finances", "income_work"],
        ["awir"],
        10,
        "Huurtoeslag, zorgtoeslag, kinderopvangtoeslag, kindgebonden budget.",
    ),
    (
        "Belastingdienst",
        "national_agency",
        ["finances"],
        ["invorderingswet"],
        15,
        "Inkomstenbelasting, invordering en kwijtschelding.",
    ),
    (
        "IND",
        "national_agency",
        ["residence_status"],
        ["vreemdelingenwet"],
        20,
        "Immigratie- en Naturalisatiedienst: verblijfsvergunningen.",
    ),
    (
        "Ministerie van Sociale Zaken en Werkgelegenheid",
        "ministry",
        ["income_work", "finances"],
        ["participatiewet", "wgs"],
        15,
        "Stelselverantwoordelijk voor Participatiewet en Wgs.",
    ),
    (
        "Ministerie van Volksgezondheid, Welzijn en Sport",
        "ministry",
        ["physical_health", "mental_health", "parenting_family"],
        ["wmo", "jeugdwet", "zvw", "wlz"],
        15,
        "Stelselverantwoordelijk voor Wmo, Jeugdwet, Zvw en Wlz.",
    ),
    (
        "Landelijk Escalatieteam",
        "other",
        [],
        [],
        5,
        "Landelijk Escalatie Team: het laatste escalatieniveau voor vastgelopen maatwerk.",
    ),
    (
        "Landelijk Maatwerkloket",
        "other",
        [],
        [],
        5,
        "Analyseert vastgelopen casussen op knelpunten en leerpunten.",
    ),
    (
        "Gemeente Zaanstad",
        "municipality",
        ["finances", "income_work", "housing", "parenting_family", "mental_health"],
        ["participatiewet", "wmo", "jeugdwet", "wgs"],
        8,
        "Wijkteams, Participatiewet, Wmo, Jeugdwet.",
    ),
    (
        "Gemeente Utrecht",
        "municipality",
        ["finances", "income_work", "housing", "parenting_family", "safety"],
        ["participatiewet", "wmo", "jeugdwet", "wgs"],
        8,
        "Buurtteams, Participatiewet, Wmo, Jeugdwet.",
    ),
    (
        "Gemeente Rotterdam",
        "municipality",
        ["finances", "income_work", "housing", "addiction"],
        ["participatiewet", "wmo", "jeugdwet", "wgs"],
        8,
        "Wijkteams en schuldhulp.",
    ),
    (
        "Woningcorporatie Voorbeeld Wonen",
        "housing_association",
        ["housing"],
        ["huurrecht", "woningwet"],
        10,
        "Fictieve woningcorporatie voor de demo.",
    ),
    (
        "Zorgverzekeraar Voorbeeld",
        "health_insurer",
        ["physical_health", "finances"],
        ["zvw"],
        10,
        "Fictieve zorgverzekeraar voor de demo.",
    ),
    (
        "Energieleverancier Voorbeeld",
        "energy_company",
        ["finances", "housing"],
        [],
        10,
        "Fictieve energieleverancier voor de demo.",
    ),
]

# Contacts for escalation levels 1 to 3 of every organisation; fictitious people.
CONTACT_ROLES = [
    ("Maatwerkfunctionaris", "Mag binnen beleid afwijken en betalingsregelingen treffen."),
    ("Teamleider", "Mag afwijken van beleidsregels (Awb art. 4:84) voor het eigen team."),
    ("Directeur", "Mag namens de organisatie besluiten en budget vrijmaken."),
]
FIRST_NAMES = ["Anouk", "Bram", "Charlotte", "Daan", "Esra", "Fleur", "Gijs", "Hatice"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Yilmaz", "Mulder"]


def seed_register(using: str = "default") -> None:
    """Add the demo organisations, contacts and escalation routes (idempotent)."""
    seed_reference_lists(using=using)
    domains = {d.code: d for d in LifeDomain.objects.using(using).all()}
    regulations = {r.code: r for r in Regulation.objects.using(using).all()}
    with transaction.atomic(using=using):
        organisations = []
        for index, (name, type_, domain_codes, regulation_codes, target, description) in enumerate(
            ORGANISATIONS
        ):
            slug = slugify(name.replace("/", " "))
            organisation, created = Organisation.objects.using(using).get_or_create(
                name=name,
                defaults={
                    "slug": slug,
                    "type": type_,
                    "description": description,
                    "email": f"maatwerk@{slug}.example.org",
                    "phone": f"+31 20 000 {1000 + index:04d}",
                    "response_target_days": target,
                },
            )
            if created:
                organisation.life_domains.set([domains[c] for c in domain_codes])
                organisation.regulations.set([regulations[c] for c in regulation_codes])
                for level, (function, mandate) in enumerate(CONTACT_ROLES, start=1):
                    first = FIRST_NAMES[(index + level) % len(FIRST_NAMES)]
                    last = LAST_NAMES[(index * 3 + level) % len(LAST_NAMES)]
                    Contact.objects.using(using).create(
                        organisation=organisation,
                        name=f"{first} {last}",
                        function=function,
                        email=f"{slugify(first)}.{slugify(last)}@{slug}.example.org",
                        phone=f"+31 20 000 {2000 + index * 10 + level:04d}",
                        mandate=mandate,
                    )
            organisations.append(organisation)
        national = Organisation.objects.using(using).get(name="Landelijk Escalatieteam")
        national_contact = national.contacts.order_by("id").first()
        for organisation in organisations:
            if organisation.escalation_steps.exists():
                continue
            contacts = list(organisation.contacts.order_by("id")[:3])
            for level, contact in enumerate(contacts, start=1):
                EscalationStep.objects.using(using).create(
                    organisation=organisation, level=level, contact=contact
                )
            if national_contact is not None and organisation != national:
                EscalationStep.objects.using(using).create(
                    organisation=organisation, level=4, contact=national_contact
                )
