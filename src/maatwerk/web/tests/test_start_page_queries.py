"""The start page of every role needs a fixed number of queries, however many cases,
requests and emergency accesses there are (issue 17)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maatwerk.cases.services import emergency_access_open
from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_cases
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REASON = "De casusregisseur is ziek en de huisbaas zet het gezin vandaag op straat."


@pytest.mark.parametrize(
    "role",
    [
        "professional",
        "budget_holder",
        "decision_maker",
        "coordinator",
        "analyst",
        "privacy_officer",
    ],
)
def test_start_page_query_count_does_not_grow(
    client, login, make_user, teams, professional, role, assert_constant_queries
):
    uwv = OrganisationFactory(name="UWV", type="national_agency")
    if role == "decision_maker":
        user = make_user(role, organisation=uwv)
    elif role in ("professional", "budget_holder"):
        user = make_user(role, teams=[teams[0]])
    else:
        user = make_user(role)
    breaker = make_user("coordinator")

    def grow(count: int, start: int) -> None:
        opened = timezone.localdate() - timedelta(days=60)
        for case in make_cases(teams[0], professional, count, start=start, on=opened):
            req = request_create(
                request=None, user=professional, case=case, organisation=uwv, subject="WW"
            )
            on = timezone.localdate() - timedelta(days=40)
            record_event(request=None, user=professional, req=req, type=EventType.SUBMITTED, on=on)
        emergency_access_open(
            request=None,
            user=breaker,
            query=make_cases(teams[1], professional, 1, start=start + 50)[0].household.pseudonym,
            reason=REASON,
        )

    grow(1, 0)
    login(user, verified=role == "privacy_officer")
    runs = assert_constant_queries(lambda: client.get("/"), grow=lambda: grow(6, 100))
    assert runs.before.result.status_code == runs.after.result.status_code == 200
