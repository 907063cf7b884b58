"""The API's foundations (docs/api.md): tokens, scopes, the access policy, the access
log as a property of every endpoint, problem+json, cursor paging, the schema."""

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from maatwerk.api.models import ApiToken, Scope, SystemClient
from maatwerk.audit.api import AuditedMixin
from maatwerk.audit.models import AccessLogEntry
from maatwerk.testing.cases import make_case, make_cases, make_sensitive_case
from maatwerk.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def system_client(teams):
    """A municipality's case system: a service account in our team, with a token."""

    def make(*scopes, roles=("professional",), team=None, expires_in=timedelta(days=30)):
        user = UserFactory(roles=list(roles), teams=[team or teams[0]])
        user.set_unusable_password()
        user.save()
        client = SystemClient.objects.create(
            name=f"Zaaksysteem {user.pk}", organisation=teams[0].organisation, user=user
        )
        token, secret = ApiToken.issue(
            client=client,
            scopes=scopes or [Scope.CASES_READ],
            expires_at=timezone.now() + expires_in,
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return api, token, secret

    return make


def test_a_token_is_stored_only_as_its_hash(system_client):
    _api, token, secret = system_client()
    token.refresh_from_db()
    assert secret not in (token.digest, token.key_id)
    assert token.digest != secret and len(token.digest) == 64
    assert token.matches(secret) and not token.matches(secret + "x")


def test_the_case_list_is_scoped_by_the_access_policy(system_client, teams, professional, outsider):
    ours = make_case(teams[0], professional)
    theirs = make_case(teams[1], outsider)
    api, _token, _secret = system_client()
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200, response.content
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [ours.pk]
    assert theirs.household.pseudonym not in response.content.decode()
    # one object of another team: 404, as the pages (the case's existence is not shared)
    assert api.get(f"/api/v1/cases/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/cases/{ours.pk}/").json()["pseudonym"] == ours.household.pseudonym


def test_every_call_is_in_the_access_log(system_client, teams, professional, outsider):
    ours = make_case(teams[0], professional)
    theirs = make_case(teams[1], outsider)
    api, token, _secret = system_client()
    before = AccessLogEntry.objects.count()
    api.get("/api/v1/cases/?status=intake")
    api.get(f"/api/v1/cases/{ours.pk}/")
    api.get(f"/api/v1/cases/{theirs.pk}/")
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert [(r.action, r.result) for r in rows] == [
        ("search", "success"),
        ("read", "success"),
        ("permission_denied", "denied"),
    ]
    assert all(r.actor_id == token.client.user_id for r in rows)
    assert "status=intake" in rows[0].detail and "1 hits" in rows[0].detail
    assert rows[1].household == ours.household.pseudonym
    assert rows[2].object_id == str(theirs.pk)


def test_a_token_without_the_scope_is_refused(system_client):
    api, _token, _secret = system_client(Scope.REGISTER_READ)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 403


@pytest.mark.parametrize("how", ["expired", "revoked", "unknown", "inactive"])
def test_unusable_tokens_are_refused_and_logged(system_client, how):
    api, token, secret = system_client(expires_in=timedelta(days=1))
    if how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif how == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif how == "unknown":
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret[:-2]}zz")
    else:
        SystemClient.objects.filter(pk=token.client_id).update(active=False)
    before = AccessLogEntry.objects.count()
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    row = AccessLogEntry.objects.order_by("id")[before:].get()
    assert (row.action, row.result) == ("login_failed", "failed")


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer mwk_", "Bearer \u00e9\u00e9"])
def test_malformed_authorization_is_a_401_not_a_500(header):
    api = APIClient()
    response = api.get("/api/v1/cases/", HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401


def test_anonymous_is_a_401_problem():
    response = APIClient().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["title"] == "Not authenticated"


def test_the_session_of_a_logged_in_user_works_with_the_pages_rules(
    client, login, professional, teams
):
    case = make_case(teams[0], professional)
    login(professional)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [case.pk]


def test_a_session_that_still_owes_a_second_factor_is_not_logged_in(
    client, login, professional, totp_device
):
    totp_device(professional)  # with a device, the login needs the second factor
    login(professional, verified=False)
    response = client.get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


def test_sensitive_domains_only_for_those_who_work_on_the_case(system_client, teams, professional):
    case = make_sensitive_case(teams[0], professional)
    api, _token, _secret = system_client()
    row = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert row["safety_concern"] is not None  # the team works on it


def test_a_bad_filter_is_a_400_with_the_field(system_client):
    api, _token, _secret = system_client()
    response = api.get("/api/v1/cases/?opened_from=2023-13-45&status=nope")
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in body["errors"]} == {"opened_from", "status"}


def test_cursor_paging_walks_every_case_once(system_client, teams, professional):
    make_cases(teams[0], professional, 7)
    api, _token, _secret = system_client()
    seen, url = [], "/api/v1/cases/?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 7 == len(set(seen))


def test_the_case_list_needs_constant_queries(
    system_client, teams, professional, assert_constant_queries
):
    make_cases(teams[0], professional, 3)
    api, _token, _secret = system_client()
    api.get("/api/v1/cases/")  # the token's first use writes last_used_at (once a minute)
    assert_constant_queries(
        lambda: api.get("/api/v1/cases/"), lambda: make_cases(teams[0], professional, 10, start=3)
    )


def test_the_register_is_read_without_a_log_row(system_client):
    OrganisationFactory(name="UWV")
    api, _token, _secret = system_client(Scope.REGISTER_READ)
    before = AccessLogEntry.objects.count()
    response = api.get("/api/v1/register/organisations/?name=uwv")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["UWV"]
    assert AccessLogEntry.objects.count() == before


def test_the_schema_describes_every_field_in_both_languages(system_client):
    api, _token, _secret = system_client(Scope.CASES_READ, Scope.REGISTER_READ)
    for lang, word in (("en", "pseudonym"), ("nl", "pseudoniem")):
        response = api.get(f"/api/v1/schema/?format=json&lang={lang}")
        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        case = schema["components"]["schemas"]["Case"]["properties"]
        assert word in case["pseudonym"]["description"].lower()
        components = schema["components"]["schemas"]
        assert {"Case", "Organisation", "InboxRequest", "SharedRequest", "DecisionRequest"} <= set(
            components
        )
        for component, spec in components.items():
            if component.startswith("Paginated") or "properties" not in spec:
                continue  # the paging wrapper is DRF's; enums have no properties
            for name, prop in spec["properties"].items():
                assert prop.get("description"), f"{component}.{name} has no description"


def test_the_docs_are_served_from_our_own_static_files(client, login, professional):
    login(professional)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def _api_views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        path = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_views(entry, path)
        elif isinstance(entry, URLPattern) and path.startswith("api/"):
            yield path, entry.callback


def test_every_api_endpoint_is_built_on_the_audited_base():
    """The access log is a property of the endpoint: a new endpoint that is not on
    maatwerk.audit.api's base classes fails here."""
    docs = {"api/v1/schema/", "api/v1/docs/", "api/v1/redoc/"}
    seen = 0
    for path, callback in _api_views():
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if path in docs:
            continue
        seen += 1
        assert cls is not None and issubclass(cls, AuditedMixin), path
        assert getattr(cls, "required_scopes", None), f"{path} names no scope"
    assert seen >= 4


def test_functional_management_makes_a_token_shown_once_and_revokes_it(
    client, login, make_user, teams
):
    admin_user = make_user("admin", teams=[teams[0]])
    login(admin_user, verified=True)
    service = UserFactory(roles=["professional"], teams=[teams[0]])
    system = SystemClient.objects.create(
        name="Zaaksysteem", organisation=teams[0].organisation, user=service
    )
    expires = (timezone.localtime() + timedelta(days=30)).replace(microsecond=0)
    response = client.post(
        "/beheer/api/apitoken/add/",
        {
            "client": system.pk,
            "name": "koppeling",
            "scopes": ["cases:read"],
            "expires_at_0": expires.date().isoformat(),
            "expires_at_1": expires.time().isoformat(),
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    secret = re.search(r"<code>(mwk_[^<]+)</code>", response.content.decode()).group(1)
    token = ApiToken.objects.get(client=system)
    assert token.matches(secret) and secret not in token.digest
    assert AccessLogEntry.objects.filter(action="create", object_type="api.apitoken").exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/cases/").status_code == 200
    # a token too long-lived or in the past is refused, field by field
    for days in (-1, 400):
        when = timezone.localtime() + timedelta(days=days)
        refused = client.post(
            "/beheer/api/apitoken/add/",
            {"client": system.pk, "scopes": ["cases:read"],
             "expires_at_0": when.date().isoformat(), "expires_at_1": "12:00:00"},
        )  # fmt: skip
        assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert ApiToken.objects.filter(client=system).count() == 1
    client.post(
        "/beheer/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/cases/").status_code == 401
