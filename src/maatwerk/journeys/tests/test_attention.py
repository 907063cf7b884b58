from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

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
