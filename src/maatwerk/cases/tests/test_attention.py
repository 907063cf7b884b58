"""The stored "needs attention" of a case (cases.attention): the plan's and the
intake's reasons, the daily job, the selector for the start pages."""

from datetime import date, timedelta

import pytest
import time_machine

from maatwerk.cases.attention import Reason, refresh_attention, refresh_timed_attention
from maatwerk.cases.models import CaseAttention
from maatwerk.cases.plans import ActionInput, GoalInput, PlanContent, plan_record_agreement
from maatwerk.cases.plans import plan_save_version as save
from maatwerk.cases.selectors import cases_needing_attention, with_attention_reasons
from maatwerk.cases.services import case_set_status
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case, make_cases

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def stored(case) -> CaseAttention:
    return CaseAttention.objects.get(case=case)


def reasons(case) -> Reason:
    return Reason(stored(case).reasons)


def plan(case, user, *, actions=(), based_on=0, plan=None):
    return save(
        request=None,
        user=user,
        case=case,
        content=PlanContent(
            title="Rust", goals=[GoalInput(text="Rust in huis")], actions=list(actions)
        ),
        plan=plan,
        based_on=based_on,
    )


def agree(version, user):
    plan_record_agreement(
        request=None, user=user, version=version, agreed_on=TODAY, how="conversation", words="Ja"
    )


def test_a_new_case_has_its_row_and_no_reason(professional, teams):
    case = make_case(teams[0], professional)
    row = stored(case)
    assert row.reasons == 0 and not row.needs_attention and row.next_due_on is None


def test_intake_older_than_14_days_is_a_reason_once_the_job_runs(professional, teams, frozen):
    case = make_case(teams[0], professional, on=TODAY - timedelta(days=13))
    assert reasons(case) == 0
    frozen.shift(timedelta(days=1))  # day 14 of intake
    assert reasons(case) == 0  # stored: nothing changes by itself
    assert refresh_timed_attention()["attention_refreshed"] == 1
    assert reasons(case) == Reason.INTAKE and stored(case).needs_attention
    assert refresh_timed_attention()["attention_refreshed"] == 0  # idempotent
    # Saving a plan ends the intake: the service refreshes the case at once.
    plan(case, professional)
    assert Reason.INTAKE not in reasons(case)


def test_agreement_pending_until_the_household_agrees_to_the_newest_version(professional, teams):
    case = make_case(teams[0], professional)
    first = plan(case, professional)
    assert reasons(case) == Reason.AGREEMENT
    agree(first, professional)
    assert reasons(case) == 0
    plan(case, professional, plan=first.plan, based_on=1)  # a new version: agree again
    assert reasons(case) == Reason.AGREEMENT


def test_an_action_past_its_date_is_a_reason_and_sets_the_next_deadline(
    professional, teams, frozen
):
    case = make_case(teams[0], professional)
    version = plan(
        case,
        professional,
        actions=[
            ActionInput(what="Bellen met de woningcorporatie", due_on=TODAY + timedelta(days=2)),
            ActionInput(what="Later", due_on=TODAY + timedelta(days=20)),
        ],
    )
    agree(version, professional)
    assert reasons(case) == 0 and stored(case).next_due_on == TODAY + timedelta(days=2)
    frozen.shift(timedelta(days=2))
    assert run_due_jobs()["attention_refreshed"] == 0  # due today: not late yet
    frozen.shift(timedelta(days=1))
    assert run_due_jobs()["attention_refreshed"] == 1
    assert reasons(case) == Reason.ACTION
    assert run_due_jobs()["attention_refreshed"] == 0  # exactly once


def test_closing_a_case_clears_its_reasons(professional, teams):
    case = make_case(teams[0], professional)
    plan(case, professional)
    case.refresh_from_db()
    assert reasons(case) == Reason.AGREEMENT
    case_set_status(
        request=None,
        user=professional,
        case=case,
        status="closed",
        outcome="withdrawn",
        on=TODAY,
        loaded_version=case.version,
    )
    assert reasons(case) == 0 and stored(case).next_due_on is None


def test_refresh_fills_rows_written_outside_the_services(professional, teams):
    cases = make_cases(teams[0], professional, 3)
    CaseAttention.objects.filter(case__in=cases).delete()
    assert refresh_attention() >= 3
    assert CaseAttention.objects.filter(case__in=cases).count() == 3


def test_cases_needing_attention_for_the_start_page(
    professional, colleague, teams, outsider, frozen
):
    mine_late = make_case(teams[0], professional, on=TODAY - timedelta(days=30))
    mine_plan = make_case(teams[0], professional)
    version = plan(mine_plan, professional, actions=[ActionInput(what="x", due_on=TODAY)])
    calm = make_case(teams[0], professional)
    theirs = make_case(teams[0], colleague, on=TODAY - timedelta(days=30))
    refresh_timed_attention()
    found = with_attention_reasons(list(cases_needing_attention(professional)))
    assert [c.pk for c in found] == [mine_plan.pk, mine_late.pk]  # a deadline first
    assert found[0].attention_reasons == ["instemming met het plan ontbreekt nog"]
    assert found[0].next_due_on == TODAY
    assert found[1].attention_codes == ["intake"]
    team = {c.pk for c in cases_needing_attention(professional, scope="team")}
    assert team == {mine_late.pk, mine_plan.pk, theirs.pk}
    assert calm.pk not in team
    only_intake = cases_needing_attention(professional, scope="team", reason=Reason.INTAKE)
    assert {c.pk for c in only_intake} == {mine_late.pk, theirs.pk}
    assert not cases_needing_attention(outsider, scope="team").exists()
    agree(version, professional)
    assert [c.pk for c in cases_needing_attention(professional)] == [mine_late.pk]
