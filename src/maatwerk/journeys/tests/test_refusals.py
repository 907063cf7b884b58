"""Refused attempts on the journey pages of a case and on one request are logged with the
household's pseudonym; the answer stays a plain 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_cases
from maatwerk.testing.factories import OrganisationFactory
from maatwerk.testing.refusals import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def uwv(db):
    return OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)


@pytest.fixture
def case(teams, professional):
    return make_cases(teams[0], professional, 1)[0]


@pytest.fixture
def req(case, professional, uwv):
    req = request_create(
        request=None, user=professional, case=case, organisation=uwv, subject="WW ondanks kdn"
    )
    record_event(
        request=None, user=professional, req=req, type=EventType.SUBMITTED, on=timezone.localdate()
    )
    return req


def test_another_teams_professional_is_refused_and_logged(client, login, outsider, case, req):
    login(outsider)
    pseudonym = case.household.pseudonym
    for name, pk, object_type in [
        ("journeys:request_create", case.pk, "cases.case"),
        ("journeys:timeline", case.pk, "cases.case"),
        ("journeys:request_detail", req.pk, "journeys.request"),
    ]:
        url = reverse(name, args=[pk])
        for method in ("get", "post"):
            row = assert_refused(client, url, household=pseudonym, method=method)
            assert (row.actor, row.object_type, row.object_id) == (outsider, object_type, str(pk))


def test_decision_makers_are_refused_and_logged_outside_their_inbox(
    client, login, make_user, uwv, case, req
):
    pseudonym = case.household.pseudonym
    addressed = make_user("decision_maker", organisation=uwv)
    login(addressed)
    # The addressed decision maker decides in the inbox, not on the case team's page.
    assert client.get(reverse("journeys:decide", args=[req.pk])).status_code == 200
    row = assert_refused(
        client, reverse("journeys:request_detail", args=[req.pk]), household=pseudonym
    )
    assert row.detail.startswith("not the case team")
    client.logout()
    login(make_user("decision_maker", organisation=OrganisationFactory(name="SVB")))
    row = assert_refused(client, reverse("journeys:decide", args=[req.pk]), household=pseudonym)
    assert row.detail.startswith("not visible")


def test_the_case_team_on_the_decision_page_is_logged_with_the_household(
    client, login, professional, case, req
):
    login(professional)
    row = assert_refused(
        client, reverse("journeys:decide", args=[req.pk]), household=case.household.pseudonym
    )
    assert row.detail.startswith("journeys.decide_request; ")


def test_a_request_that_does_not_exist_is_logged_without_household(client, login, outsider):
    login(outsider)
    row = assert_refused(client, reverse("journeys:request_detail", args=[999_999]), household="")
    assert (row.object_type, row.object_id) == ("journeys.request", "999999")
    assert "no such object" in row.detail
