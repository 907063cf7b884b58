"""Demo early signals (docs/early-signals.md): a signals team in Zaanstad, three
creditors, the weighing's first version with three trays, and a handful of signals for
four households (fictional names and addresses): one with rent and energy arrears (one
bundle of two), one with an eviction announced (threatening: three working days), one
with rent arrears of three months, one with health-insurance arrears. Two bundles are
assigned to the professional. Safe to run twice: nothing is added when the signals
team has bundles."""

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from maatwerk.accounts.models import Team, User
from maatwerk.early_signals import services
from maatwerk.early_signals.models import Bundle, Creditor, Rule, RuleVersion, Tray
from maatwerk.early_signals.rows import validate_row
from maatwerk.register.models import Organisation

TEAM = "Vroegsignalering Zaanstad"
CREDITORS = [
    ("Woonstichting Zaanstreek (demo)", "housing_association", "housing"),
    ("Energie Noord (demo)", "energy_company", "energy"),
    ("Zorgverzekeraar Zuid (demo)", "health_insurer", "health_insurer"),
]
# The signals team: the coordinator who takes the signals in and the team lead. The
# professional (of the wijkteam) works on the bundles assigned to them.
MEMBERS = ["coordinator", "budget_holder"]


def _row(reference, kind, surname, number, postcode, amount, months, days_ago, **more):
    on = timezone.localdate() - timedelta(days=days_ago)
    raw = {
        "referentie": reference,
        "type": kind,
        "achternaam": surname,
        "voornamen": more.get("first", "A."),
        "straat": more.get("street", "Voorbeeldstraat"),
        "huisnummer": number,
        "postcode": postcode,
        "woonplaats": "Zaandam",
        "bedrag": amount,
        "maanden_achterstand": months,
        "signaaldatum": on.isoformat(),
        "tussenvoegsel": more.get("tussenvoegsel", ""),
        "toevoeging": more.get("toevoeging", ""),
    }
    row, errors = validate_row(raw)
    assert not errors, errors
    return row


def create_demo_early_signals() -> int:
    zaanstad = Organisation.objects.filter(name="Gemeente Zaanstad").first()
    if zaanstad is None:
        return 0
    team, _ = Team.objects.get_or_create(name=TEAM, organisation=zaanstad)
    for user in User.objects.filter(username__in=MEMBERS):
        user.teams.add(team)
    if Bundle.objects.filter(team=team).exists():
        return 0
    creditors = {}
    for name, organisation_type, creditor_type in CREDITORS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "type": organisation_type,
            },
        )
        creditors[creditor_type], _ = Creditor.objects.get_or_create(
            organisation=organisation, defaults={"type": creditor_type}
        )
    if not RuleVersion.objects.exists():
        urgent, _ = Tray.objects.get_or_create(name="Urgent", defaults={"order": 1})
        several, _ = Tray.objects.get_or_create(name="Meerdere schuldeisers", defaults={"order": 2})
        regular, _ = Tray.objects.get_or_create(name="Regulier", defaults={"order": 3})
        coordinator = User.objects.filter(username="coordinator").first()
        version = RuleVersion.objects.create(
            number=1, created_by=coordinator, note="Eerste weging (demo)"
        )
        Rule.objects.bulk_create(
            [
                Rule(
                    version=version,
                    position=1,
                    name="Dreigend",
                    tray=urgent,
                    priority=1,
                    threatening=True,
                ),
                Rule(
                    version=version,
                    position=2,
                    name="Twee of meer schuldeisers",
                    tray=several,
                    priority=2,
                    min_creditors=2,
                ),
                Rule(
                    version=version,
                    position=3,
                    name="Hoge huurachterstand",
                    tray=several,
                    priority=2,
                    signal_types=["rent"],
                    min_months=3,
                ),
                Rule(version=version, position=4, name="Overige", tray=regular, priority=3),
            ]
        )
    coordinator = User.objects.filter(username="coordinator").first()
    services.intake_signals(
        [
            _row("HUUR-1001", "rent", "de Vries", "12-2", "1501 AB", "845,50", "1", 3),
            _row("HUUR-1002", "eviction_announced", "Bakker", "7", "1502 CD", "", "0", 1),
            _row("HUUR-1003", "rent", "Yilmaz", "40 A", "1503 EF", "2.310,00", "3", 5),
        ],
        creditor=creditors["housing"],
        team=team,
        user=coordinator,
    )
    services.intake_signals(
        # The same household as HUUR-1001, written differently: one bundle.
        [
            _row(
                "EN-77",
                "electricity",
                "Vries",
                "12",
                "1501ab",
                "312,40",
                "2",
                2,
                tussenvoegsel="de",
                toevoeging="II",
            )
        ],
        creditor=creditors["energy"],
        team=team,
        user=coordinator,
    )
    services.intake_signals(
        [_row("ZV-5", "health_insurance", "El Amrani", "3", "1504 GH", "412,00", "2", 4)],
        creditor=creditors["health_insurer"],
        team=team,
        user=coordinator,
    )
    professional = User.objects.filter(username="professional").first()
    if professional is not None:
        assigned = Bundle.objects.filter(team=team).order_by("-threatening", "pk")[:2]
        Bundle.objects.filter(pk__in=[bundle.pk for bundle in assigned]).update(
            assigned_to=professional
        )
    return Bundle.objects.filter(team=team).count()
