"""The decision makers' inbox in the API: only requests addressed to the caller's
organisation, only what was shared, decisions appended through the same forms and
service as the decide page, If-Match against lost updates."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from maatwerk.api.models import ApiToken, Scope, SystemClient
from maatwerk.audit.models import AccessLogEntry
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.notices.models import Notice
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
EXCERPT = "Doel 1: de WW-uitkering loopt door tijdens de omscholing."


@pytest.fixture
def world(make_user):
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Zaanstad"))
    professional = make_user("professional", teams=[team])
    uwv = OrganisationFactory(name="UWV", type="national_agency")
    svb = OrganisationFactory(name="SVB", type="national_agency")
    case = make_case(team, professional)

    def send(organisation, submit=True):
        req = request_create(
            request=None, user=professional, case=case, organisation=organisation,
            subject="WW ondanks de regel", plan_excerpt=EXCERPT, share_perspective=True,
        )  # fmt: skip
        if submit:
            record_event(request=None, user=professional, req=req, type="submitted")
        req.refresh_from_db()
        return req

    service = UserFactory(roles=["decision_maker"], organisation=uwv)
    client = SystemClient.objects.create(name="UWV-koppeling", organisation=uwv, user=service)
    _token, secret = ApiToken.issue(
        client=client,
        scopes=[Scope.REQUESTS_READ, Scope.REQUESTS_WRITE],
        expires_at=timezone.now() + timedelta(days=1),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return SimpleNamespace(
        team=team, professional=professional, uwv=uwv, svb=svb, case=case, send=send, api=api
    )


def test_the_inbox_holds_only_submitted_requests_to_the_own_organisation(world):
    ours = world.send(world.uwv)
    world.send(world.uwv, submit=False)  # a draft is not shared yet
    world.send(world.svb)
    body = world.api.get("/api/v1/inbox/").json()
    assert [row["id"] for row in body["results"]] == [ours.pk]
    assert body["results"][0]["pseudonym"] == world.case.household.pseudonym


def test_one_request_shows_only_what_was_shared(world):
    req = world.send(world.uwv)
    response = world.api.get(f"/api/v1/inbox/{req.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["plan_excerpt"] == EXCERPT
    assert [event["type"] for event in body["events"]] == ["submitted"]
    assert "needed" not in body and "life_domains" not in body
    assert response["ETag"]
    other = world.send(world.svb)
    assert world.api.get(f"/api/v1/inbox/{other.pk}/").status_code == 404


def test_a_refusal_is_appended_notified_and_logged(world):
    req = world.send(world.uwv)
    etag = world.api.get(f"/api/v1/inbox/{req.pk}/")["ETag"]
    before = AccessLogEntry.objects.count()
    response = world.api.post(
        f"/api/v1/inbox/{req.pk}/decisions/",
        {"decision": "refused", "reason": "wrong_desk", "text": "Niet bij ons"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 201, response.content
    assert response.json()["type"] == "refused"
    req.refresh_from_db()
    assert req.state == Request.State.REFUSED
    assert Notice.objects.filter(recipient=world.professional).exists()
    actions = list(AccessLogEntry.objects.order_by("id")[before:].values_list("action", flat=True))
    assert actions == ["update"]  # the service's row; no second row from the endpoint
    # the same ETag again: the request changed meanwhile
    again = world.api.post(
        f"/api/v1/inbox/{req.pk}/decisions/",
        {"decision": "approved", "text": "Toch wel"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert again.status_code == 412
    assert again["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "refused"}, "reason"),
        ({"decision": "nonsense"}, "decision"),
        ({"decision": "approved"}, "text"),
        ({"decision": "redirected", "reason": "wrong_desk"}, "organisation"),
        ({"decision": "redirected", "reason": "distrust", "organisation": 1}, "reason"),
        ({"decision": "approved", "text": "a\x00b"}, "text"),
    ],
)
def test_a_bad_decision_names_the_field_and_stores_nothing(world, body, field):
    req = world.send(world.uwv)
    response = world.api.post(f"/api/v1/inbox/{req.pk}/decisions/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert JourneyEvent.objects.filter(request=req).count() == 1


def test_a_decision_that_does_not_fit_the_state_is_refused(world):
    req = world.send(world.uwv)
    url = f"/api/v1/inbox/{req.pk}/decisions/"
    assert (
        world.api.post(url, {"decision": "approved", "text": "Ja"}, format="json").status_code
        == 201
    )
    late = world.api.post(url, {"decision": "refused", "reason": "precedent"}, format="json")
    assert late.status_code == 400
    assert late.json()["errors"][0]["field"] == "type"


def test_events_cannot_be_changed(world):
    req = world.send(world.uwv)
    for method in ("put", "patch", "delete"):
        response = getattr(world.api, method)(f"/api/v1/inbox/{req.pk}/", {}, format="json")
        assert response.status_code == 405


def test_without_the_write_scope_no_decision(world):
    req = world.send(world.uwv)
    token = ApiToken.objects.get()
    ApiToken.objects.filter(pk=token.pk).update(scopes=[Scope.REQUESTS_READ])
    response = world.api.post(
        f"/api/v1/inbox/{req.pk}/decisions/", {"decision": "approved", "text": "Ja"}, format="json"
    )
    assert response.status_code == 403
