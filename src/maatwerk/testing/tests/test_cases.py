"""make_case opens a case through the service; make_cases writes many in bulk; both can
open them on an earlier day."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import CaseEvent
from maatwerk.testing.cases import PERSPECTIVE, make_case, make_cases

pytestmark = pytest.mark.django_db


def test_make_case_goes_through_the_service(teams, professional):
    case = make_case(teams[0], professional)
    assert case.reference == f"MW-{timezone.localdate().year}-00001"
    assert (case.team, case.owner, case.opened_on) == (teams[0], professional, timezone.localdate())
    assert [d.code for d in case.life_domains.all()] == ["finances", "housing"]
    assert case.primary_domain.code == "finances"
    assert case.perspectives.get().text == PERSPECTIVE
    assert CaseEvent.objects.get(case=case).kind == CaseEvent.Kind.OPENED
    logged = AccessLogEntry.objects.get(action=Action.CREATE, object_id=str(case.pk))
    assert logged.household == case.household.pseudonym


def test_make_case_keeps_the_services_rules(teams, professional):
    with pytest.raises(ValidationError):
        make_case(teams[1], professional)  # not a member of that team


def test_make_case_on_an_earlier_day_dates_every_row_that_day(teams, professional):
    day = timezone.localdate() - timedelta(days=100)
    case = make_case(teams[0], professional, on=day, safety_concern=True)
    assert case.safety_concern
    assert case.opened_on == day and case.reference == f"MW-{day.year}-00001"
    assert timezone.localdate(case.created_at) == day
    assert case.perspectives.get().recorded_on == day
    assert CaseEvent.objects.get(case=case).happened_on == day
    assert timezone.localdate() == day + timedelta(days=100)  # the clock came back


def test_make_cases_writes_in_bulk_without_the_service(teams, professional):
    cases = make_cases(teams[0], professional, 3, start=7, on=date(2025, 3, 1))
    assert [c.reference for c in cases] == ["T-000007", "T-000008", "T-000009"]
    assert {c.opened_on for c in cases} == {date(2025, 3, 1)}
    assert all(c.perspectives.get().recorded_on == date(2025, 3, 1) for c in cases)
    assert not CaseEvent.objects.exists() and not AccessLogEntry.objects.exists()
