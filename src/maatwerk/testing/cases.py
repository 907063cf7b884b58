"""Cases for tests and benchmarks: ``make_case`` opens one through the service, as the
intake page and the demo do; ``make_cases`` bulk-creates many for measurements."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, time

import time_machine
from django.utils import timezone

from maatwerk.cases.attention import refresh_attention
from maatwerk.cases.models import Case, Household, Perspective
from maatwerk.cases.plans import GoalInput, PlanContent, plan_save_version
from maatwerk.cases.services import case_open, perspective_record
from maatwerk.register.models import LifeDomain

DOMAINS = ("finances", "housing")
PERSPECTIVE = "Wij willen rust"
NEEDED = "Rust"


def _domains():
    return list(LifeDomain.objects.filter(code__in=DOMAINS))


@contextmanager
def _travel(on: date | None):
    """Noon (UTC, the same day in the Netherlands) of ``on``, or now when it is None."""
    if on is None:
        yield
        return
    with time_machine.travel(datetime.combine(on, time(12), tzinfo=UTC), tick=False):
        yield


def make_case(team, owner, *, on: date | None = None, **fields) -> Case:
    """Open a case for ``team`` by ``owner`` (a member of it) through
    ``cases.services.case_open``, as the intake page and the demo do: a new household,
    the first perspective (PERSPECTIVE), the opened event and the access-log row. It
    has the life domains finances (the primary one) and housing; ``fields`` go to the
    service as they are (e.g. ``safety_concern=True``). ``on``: the clock travels to
    that day (time_machine) while the case is opened, so every row carries that date."""
    with _travel(on):
        return _open(team, owner, **fields)


def _open(team, owner, **fields) -> Case:
    domains = _domains()
    values = {
        "perspective": PERSPECTIVE,
        "needed": NEEDED,
        "life_domains": domains,
        "primary_domain": domains[0],
        "composition": "single",
        "adults": 1,
        "children": 0,
        "safety_concern": False,
    }
    values.update(fields)
    return case_open(request=None, user=owner, team=team, **values)


def make_cases(team, owner, count, start=0, *, on: date | None = None):
    """Bulk-create ``count`` cases like make_case's (two life domains, the first
    perspective) for measurements with many rows: a few queries whatever the count. It
    writes the rows directly, NOT through case_open: no opened event, no access-log row,
    references T-000000 onwards from ``start``. Tests that need a case or a few use
    make_case. ``on``: as for make_case, the clock travels to that day."""
    with _travel(on):
        return _bulk(team, owner, count, start)


def _bulk(team, owner, count, start):
    domains = _domains()
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
                needed=NEEDED,
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
                text=PERSPECTIVE,
                audience="household",  # as case_open writes the first version
                recorded_on=today,
                confirmation="first",
                recorded_by=owner,
            )
            for c in cases
        ]
    )
    refresh_attention([c.pk for c in cases])  # as the services do, set-based
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
