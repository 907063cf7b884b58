"""Bulk-created cases for tests and benchmarks (the services are tested on their own)."""

from django.utils import timezone

from maatwerk.cases.models import Case, Household, Perspective
from maatwerk.cases.plans import GoalInput, PlanContent, plan_save_version
from maatwerk.cases.services import perspective_record
from maatwerk.register.models import LifeDomain


def make_cases(team, owner, count, start=0):
    """Bulk-create cases (with two life domains and a first perspective) for tests
    and measurements; the services are tested on their own."""
    domains = list(LifeDomain.objects.filter(code__in=["finances", "housing"]))
    households = Household.objects.bulk_create(
        [
            Household(pseudonym=f"HH-T{start + i:06d}", composition="single", adults=1)
            for i in range(count)
        ]
    )
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"T-{start + i:06d}",
                source=team.organisation.name,
                household=household,
                team=team,
                owner=owner,
                opened_on=today,
                needed="Rust",
                primary_domain=domains[0],
            )
            for i, household in enumerate(households)
        ]
    )
    through = Case.life_domains.through
    through.objects.bulk_create(
        [through(case_id=c.pk, lifedomain_id=d.pk) for c in cases for d in domains]
    )
    Perspective.objects.bulk_create(
        [
            Perspective(
                case=c,
                version=1,
                text="Wij willen rust",
                recorded_on=today,
                confirmation="first",
                recorded_by=owner,
            )
            for c in cases
        ]
    )
    return cases


SENSITIVE_SAFETY_TEXT = "Moeder en kinderen slapen voorlopig bij haar zus in Purmerend"
SENSITIVE_DOMAIN_CODES = ("mental_health", "safety")


def make_sensitive_case(team, owner):
    """One case with sensitive sections (issue 10): the life domains mental health and
    safety next to finances, a safety concern, a perspective whose problems start in
    the safety domain, and a plan whose safety text is ``SENSITIVE_SAFETY_TEXT``.
    Written through the services (the bulk case of ``make_cases`` as the start)."""
    (case,) = make_cases(team, owner, 1, start=900_000 + Case.objects.count())
    case.life_domains.add(*LifeDomain.objects.filter(code__in=SENSITIVE_DOMAIN_CODES))
    Case.objects.filter(pk=case.pk).update(safety_concern=True)
    case.refresh_from_db()
    perspective_record(
        request=None,
        user=owner,
        case=case,
        text="Wij willen rust en veiligheid voor de kinderen",
        confirmation="conversation",
        recorded_on=timezone.localdate(),
        based_on_version=1,
        problems_start_domain=LifeDomain.objects.get(code="safety"),
    )
    plan_save_version(
        request=None,
        user=owner,
        case=case,
        content=PlanContent(
            title="Plan voor een veilige plek",
            goals=[GoalInput(text="Een eigen woning binnen drie maanden")],
            safety=SENSITIVE_SAFETY_TEXT,
        ),
        plan=None,
        based_on=0,
    )
    return case
