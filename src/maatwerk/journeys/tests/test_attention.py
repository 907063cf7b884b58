from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from maatwerk.cases.attention import Reason
from maatwerk.cases.extensions import closing_forms
from maatwerk.cases.models import CaseAttention
from maatwerk.cases.services import case_set_status
from maatwerk.journeys.services import record_event, request_create
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def attention_pseudonyms(client):
    response = client.get(reverse("cases:case_list"), {"attention": "on"})
    return {case.household.pseudonym for case in response.context["page"].object_list}


def test_case_list_needs_attention_follows_the_requests(client, login, make_user):
    team = TeamFactory()
    professional = make_user("professional", teams=[team])
    uwv = OrganisationFactory(name="UWV", response_target_days=5)
    opened = TODAY - timedelta(days=10)  # no stale intakes
    overdue, condition, refused, calm = (make_case(team, professional, on=opened) for _ in range(4))

    def send(case, on):
        req = request_create(
            request=None, user=professional, case=case, organisation=uwv, subject="x"
        )
        record_event(request=None, user=professional, req=req, type="submitted", on=on)
        return req

    send(overdue, TODAY - timedelta(days=9))  # due 5 working days later: long past
    req = send(condition, TODAY - timedelta(days=1))
    record_event(request=None, user=professional, req=req, type="condition_added", text="Bewind",
                 on=TODAY, household_agrees=False)  # fmt: skip
    req = send(refused, TODAY - timedelta(days=9))
    record_event(request=None, user=professional, req=req, type="refused",
                 reason="precedent", on=TODAY - timedelta(days=8))  # fmt: skip
    send(calm, TODAY)
    login(professional)
    pseudonyms = attention_pseudonyms(client)
    assert pseudonyms == {
        c.household.pseudonym for c in (overdue, condition)
    }  # the refusal is 8 days old: not yet past the 10-day follow-up
    with time_machine.travel(TODAY + timedelta(days=3), tick=False):
        login(professional)  # a new session: the old one timed out meanwhile
        # stored, not recomputed by the page: only the daily job notices that the
        # follow-up time has passed
        assert refused.household.pseudonym not in attention_pseudonyms(client)
        run_due_jobs()
        assert refused.household.pseudonym in attention_pseudonyms(client)


# --- The stored reasons of the requests (cases.attention, journeys.attention) ---------


@pytest.fixture
def sent(professional, teams):
    """A case with one request to UWV (5 working days), sent today."""
    uwv = OrganisationFactory(name="UWV", response_target_days=5)
    case = make_case(teams[0], professional, on=TODAY - timedelta(days=3))
    req = request_create(request=None, user=professional, case=case, organisation=uwv, subject="x")
    record_event(request=None, user=professional, req=req, type="submitted", on=TODAY)
    return case, req


def step(professional, req, type, on=TODAY, **fields):
    return record_event(request=None, user=professional, req=req, type=type, on=on, **fields)


def stored(case):
    row = CaseAttention.objects.get(case=case)
    return Reason(row.reasons), row.next_due_on


def test_a_waiting_request_sets_the_next_deadline_and_is_overdue_once_the_job_ran(
    sent, professional
):
    case, req = sent
    req.refresh_from_db()
    assert stored(case) == (Reason(0), req.due_on)
    late = req.due_on + timedelta(days=1)  # the next working day after the due date
    with time_machine.travel(late, tick=False):
        assert stored(case)[0] == Reason(0)  # nothing changes by itself
        assert run_due_jobs()["attention_refreshed"] == 1
        assert stored(case)[0] == Reason.OVERDUE
        assert run_due_jobs()["attention_refreshed"] == 0  # exactly once
        step(professional, req, "approved", on=late, text="Toegekend")
        assert stored(case) == (Reason(0), None)


def test_information_requested_until_provided(sent, professional):
    case, req = sent
    step(professional, req, "information_requested", text="Loonstroken")
    assert stored(case) == (Reason.INFORMATION, None)  # not waiting: no deadline
    step(professional, req, "information_provided")
    reasons, due = stored(case)
    assert reasons == Reason(0) and due is not None


def test_a_condition_needs_the_households_answer(sent, professional):
    case, req = sent
    condition = step(professional, req, "condition_added", text="Budgetcoaching")
    assert stored(case)[0] == Reason.CONDITION
    step(
        professional, req, "condition_added", text="Budgetcoaching", corrects=condition,
        household_agrees=True,
    )  # fmt: skip
    assert stored(case)[0] == Reason(0)


def test_a_refusal_without_follow_up_until_escalated(sent, professional, settings):
    case, req = sent
    step(professional, req, "refused", reason="precedent")
    assert stored(case)[0] == Reason(0)  # the professional has time to follow up
    later = TODAY + timedelta(days=settings.REFUSAL_FOLLOW_UP_DAYS)
    with time_machine.travel(later, tick=False):
        assert run_due_jobs()["attention_refreshed"] == 1
        assert stored(case)[0] == Reason.REFUSAL
        step(professional, req, "escalated", on=later, level=1)
        reasons, due = stored(case)
        assert reasons == Reason(0) and due is not None


def test_a_closed_case_needs_no_attention(sent, professional):
    case, req = sent
    step(professional, req, "information_requested", text="Loonstroken")
    case.refresh_from_db()
    # Closing asks what happens to the open request: here it is kept open, with a reason.
    answers = {f"closing-request_{req.pk}": "keep_open", f"closing-reason_{req.pk}": "Wacht"}
    case_set_status(
        request=None, user=professional, case=case, status="closed", outcome="withdrawn",
        on=TODAY, loaded_version=case.version, closing=closing_forms(case, answers),
    )  # fmt: skip
    assert stored(case) == (Reason(0), None)
    with time_machine.travel(TODAY + timedelta(days=60), tick=False):
        assert run_due_jobs()["attention_refreshed"] == 0
