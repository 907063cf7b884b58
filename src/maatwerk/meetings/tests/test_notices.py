"""A doorbraaktafel planned for a case: the case owner (and, by preference, the team)
get a notice about the case, once, shown while they may see the case."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maatwerk.meetings.services import agenda_add, meeting_create
from maatwerk.notices.models import Kind, Notice, Profile
from maatwerk.notices.selectors import notices_for, rows
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case

pytestmark = pytest.mark.django_db


def plan(user, team, cases):
    return meeting_create(
        request=None,
        user=user,
        team=team,
        title="Tafel over de schulden van de familie",  # not in a notice
        starts_at=timezone.now() + timedelta(days=3),
        cases=cases,
    )


def test_a_table_planned_for_the_case_reaches_its_owner_once(make_user, teams, colleague):
    owner = make_user("professional", teams=[teams[0]], email="owner@example.org")
    case = make_case(teams[0], owner)
    meeting = plan(colleague, teams[0], [case])  # a colleague plans it
    notice = Notice.objects.get(kind=Kind.MEETING_PLANNED)
    assert (notice.recipient, notice.case, notice.url_name) == (owner, case, "cases:case_detail")
    (row,) = rows([notice])
    assert case.household.pseudonym in row.message and "schulden" not in row.message
    run_due_jobs()
    run_due_jobs()
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert "schulden" not in mail.outbox[0].body
    # A second case put on the agenda later: its own notice.
    second = make_case(teams[0], owner)
    agenda_add(request=None, user=colleague, meeting=meeting, case=second)
    assert Notice.objects.filter(kind=Kind.MEETING_PLANNED).count() == 2


def test_the_owner_who_plans_it_is_not_told_the_team_by_preference(
    make_user, teams, professional, colleague
):
    Profile.objects.create(user=colleague, team_cases=True)
    case = make_case(teams[0], professional)
    plan(professional, teams[0], [case])
    assert list(Notice.objects.values_list("recipient", flat=True)) == [colleague.pk]
    colleague.teams.clear()  # gone from the team: the notice goes too
    assert list(notices_for(colleague)) == []


def test_the_table_notice_goes_when_the_access_goes_and_not_for_a_closed_case(
    make_user, teams, colleague
):
    from maatwerk.cases.models import Case

    owner = make_user("professional", teams=[teams[0]], email="owner@example.org")
    case = make_case(teams[0], owner)
    meeting = plan(colleague, teams[0], [case])
    assert Notice.objects.filter(kind=Kind.MEETING_PLANNED).count() == 1
    owner.teams.clear()
    assert list(notices_for(owner)) == []
    mail.outbox.clear()
    run_due_jobs()
    assert "owner@example.org" not in [m.to[0] for m in mail.outbox]
    # A closed case put on the agenda: no notice.
    owner.teams.add(teams[0])
    closed = make_case(teams[0], owner)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    closed.refresh_from_db()
    try:
        agenda_add(request=None, user=colleague, meeting=meeting, case=closed)
    except Exception as error:  # a closed case may be refused for the agenda altogether
        assert "ValidationError" in type(error).__name__
    assert Notice.objects.filter(kind=Kind.MEETING_PLANNED, case=closed).count() == 0
