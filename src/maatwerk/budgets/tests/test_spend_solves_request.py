"""The journey link: a spend that solves a request records it on the request's
journey (once it is booked).

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from maatwerk.budgets import selectors
from maatwerk.budgets.models import Spend
from maatwerk.budgets.tests.support import TODAY, D, counts, field_errors, new_log_rows
from maatwerk.journeys.models import EventType, Intervention, JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


# --- The journey link --------------------------------------------------------------------


@pytest.fixture
def make_request(professional, case, orgs):
    def make(state="waiting", case=case):
        req = request_create(
            request=None, user=professional, case=case, organisation=orgs[0], subject="WW"
        )
        if state != "draft":
            record_event(request=None, user=professional, req=req, type="submitted", on=TODAY)
        if state == "approved":
            record_event(
                request=None, user=professional, req=req, type="approved", text="WW", on=TODAY
            )
        elif state == "refused":
            record_event(
                request=None,
                user=professional,
                req=req,
                type="refused",
                reason="not_allowed_by_law",
                on=TODAY,
            )
        req.refresh_from_db()
        assert req.state == state
        return req

    return make


@pytest.mark.parametrize(
    ("bridging", "intervention"),
    [(False, Intervention.BUDGET_PAYMENT), (True, Intervention.BRIDGING_PROCEDURE)],
)
def test_a_booked_spend_solves_its_request(
    make_spend, make_request, orgs, case, professional, bridging, intervention
):
    req = make_request()
    extra = {"bridging": True, "responsible_candidates": [orgs[1]]} if bridging else {}
    with new_log_rows() as rows:
        spend = make_spend("100", solves_request=req, **extra)
    assert spend.request == req
    event = JourneyEvent.objects.get(request=req, type=EventType.SOLVED)
    assert (event.intervention, event.on, event.entered_by) == (intervention, TODAY, professional)
    assert spend.reference in event.text
    req.refresh_from_db()
    assert req.state == Request.State.SOLVED
    # One row for the spend and one for the journey event, both with the pseudonym.
    assert [row.object_type for row in rows] == ["budgets.spend", "journeys.journeyevent"]
    assert all(row.household == case.household.pseudonym for row in rows)


def test_a_spend_awaiting_approval_solves_its_request_only_when_approved(
    make_spend, make_request, approve, budget_holder2
):
    req = make_request("refused")  # a refused request can still be solved another way
    spend = make_spend("300", solves_request=req)
    assert not JourneyEvent.objects.filter(type=EventType.SOLVED).exists()
    req.refresh_from_db()
    assert req.state == Request.State.REFUSED
    with new_log_rows() as rows:
        approve(spend)
    event = JourneyEvent.objects.get(request=req, type=EventType.SOLVED)
    assert event.intervention == Intervention.BUDGET_PAYMENT
    assert event.entered_by == budget_holder2
    req.refresh_from_db()
    assert req.state == Request.State.SOLVED
    assert sorted(row.object_type for row in rows) == [
        "budgets.spend",
        "journeys.journeyevent",
    ]


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_a_request_that_cannot_be_solved_gives_an_error_on_request(make_spend, make_request, state):
    req = make_request(state)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req)
    assert set(field_errors(caught)) == {"request"}
    assert counts() == before


def test_a_request_already_solved_cannot_be_solved_again(make_spend, make_request):
    req = make_request()
    make_spend("100", solves_request=req)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req)
    assert set(field_errors(caught)) == {"request"}
    assert counts() == before


def test_a_request_of_another_case_is_refused(make_spend, make_request, teams, professional):
    other_case = make_case(teams[0], professional)
    req = make_request(case=other_case)
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req)
    assert field_errors(caught) == {"request": ["Choose a request of this case."]}


def test_the_spend_cannot_be_dated_before_the_requests_last_step(make_spend, make_request):
    req = make_request()  # submitted today
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req, on=TODAY - timedelta(days=1))
    assert set(field_errors(caught)) == {"on"}
    assert counts() == before


def test_approval_fails_on_request_when_it_was_solved_in_the_meantime(
    make_spend, make_request, approve, budget
):
    req = make_request()
    waiting = make_spend("300", solves_request=req)
    make_spend("100", solves_request=req)  # solves it first
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(waiting)
    assert set(field_errors(caught)) == {"request"}
    assert counts() == before  # the booking is rolled back with it
    waiting.refresh_from_db()
    assert waiting.state == Spend.State.AWAITING_APPROVAL
    assert selectors.balance_of(budget.pk) == D("900")
