"""The case team's requests in the API: the policy of the pages, steps appended
through the request page's form and service, the safety-concern confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from maatwerk.api.models import ApiToken, Scope, SystemClient
from maatwerk.cases.models import Case
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.journeys.services import request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(teams):
    user = UserFactory(roles=["professional"], teams=[teams[0]])
    client = SystemClient.objects.create(
        name="Zaaksysteem", organisation=teams[0].organisation, user=user
    )
    _token, secret = ApiToken.issue(
        client=client,
        scopes=[Scope.REQUESTS_READ, Scope.REQUESTS_WRITE],
        expires_at=timezone.now() + timedelta(days=1),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


def draft(case, owner, organisation):
    return request_create(
        request=None, user=owner, case=case, organisation=organisation, subject="Huur bevriezen"
    )


def test_only_the_requests_of_visible_cases(api, teams, professional, outsider):
    uwv = OrganisationFactory(name="UWV")
    ours = draft(make_case(teams[0], professional), professional, uwv)
    draft(make_case(teams[1], outsider), outsider, uwv)
    body = api.get("/api/v1/requests/").json()
    assert [row["id"] for row in body["results"]] == [ours.pk]


def test_sending_and_escalating_are_appended_steps(api, teams, professional):
    uwv = OrganisationFactory(name="UWV")
    req = draft(make_case(teams[0], professional), professional, uwv)
    url = f"/api/v1/requests/{req.pk}/events/"
    sent = api.post(url, {"type": "submitted"}, format="json")
    assert sent.status_code == 201, sent.content
    req.refresh_from_db()
    assert req.state == Request.State.WAITING and req.due_on is not None
    detail = api.get(f"/api/v1/requests/{req.pk}/").json()
    assert [event["type"] for event in detail["events"]] == ["submitted"]
    bad = api.post(url, {"type": "escalated", "level": 9}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "level"
    assert JourneyEvent.objects.filter(request=req).count() == 1


def test_with_a_safety_concern_sending_needs_the_confirmed_digest(api, teams, professional):
    uwv = OrganisationFactory(name="UWV")
    case = make_case(teams[0], professional, safety_concern=True)
    req = draft(case, professional, uwv)
    url = f"/api/v1/requests/{req.pk}/events/"
    refused = api.post(url, {"type": "submitted"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "share_confirmed"
    digest = api.get(f"/api/v1/requests/{req.pk}/").json()["share_digest"]
    assert digest
    sent = api.post(url, {"type": "submitted", "share_confirmed": digest}, format="json")
    assert sent.status_code == 201, sent.content


def test_a_closed_case_sends_nothing(api, teams, professional):
    uwv = OrganisationFactory(name="UWV")
    case = make_case(teams[0], professional)
    req = draft(case, professional, uwv)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    response = api.post(f"/api/v1/requests/{req.pk}/events/", {"type": "submitted"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "type"
