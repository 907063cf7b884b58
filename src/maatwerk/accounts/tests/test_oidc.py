"""OpenID Connect login against a local fake identity provider.

The fake provider stands in for the HTTP calls mozilla-django-oidc makes (token and
userinfo endpoints) and signs a real ID token, so the library's own verification of
signature, audience and nonce runs unchanged.
"""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.test import override_settings

from maatwerk.accounts.models import User
from maatwerk.audit.models import AccessLogEntry, Action

pytestmark = pytest.mark.django_db

SECRET = "fake-provider-shared-secret-at-least-32-bytes"
OIDC = {
    "OIDC_ENABLED": True,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "maatwerk.accounts.oidc.MaatwerkOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
    "OIDC_RP_CLIENT_ID": "maatwerk",
    "OIDC_RP_CLIENT_SECRET": SECRET,
    "OIDC_RP_SIGN_ALGO": "HS256",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.org/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.org/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.org/userinfo",
}


class FakeResponse:
    def __init__(self, data):
        self._data = data
        self.status_code = 200
        self.headers = {"Content-Type": "application/json"}

    def json(self):
        return self._data

    def raise_for_status(self):
        pass


class FakeProvider:
    def __init__(self, claims):
        self.claims = claims
        self.nonce = None
        self.token_requests = []

    def post(self, url, data=None, **kwargs):
        assert url == OIDC["OIDC_OP_TOKEN_ENDPOINT"]
        self.token_requests.append(data)
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": "https://idp.example.org",
                "sub": "subject-1",
                "aud": "maatwerk",
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
            },
            SECRET,
            algorithm="HS256",
        )
        return FakeResponse({"id_token": id_token, "access_token": "access-1"})

    def get(self, url, **kwargs):
        assert url == OIDC["OIDC_OP_USER_ENDPOINT"]
        return FakeResponse(self.claims)


def start_login(client):
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.netloc == "idp.example.org"
    query = parse_qs(location.query)
    return query["state"][0], query["nonce"][0]


@pytest.fixture
def provider(monkeypatch):
    fake = FakeProvider(
        {
            "sub": "subject-1",
            "preferred_username": "j.devries",
            "email": "j.devries@zaanstad.example.org",
            "given_name": "Jet",
            "family_name": "de Vries",
        }
    )
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", fake.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", fake.get)
    return fake


@override_settings(**OIDC)
def test_first_oidc_login_creates_an_account_without_any_role(client, provider):
    state, provider.nonce = start_login(client)
    response = client.get("/oidc/callback/", {"code": "code-1", "state": state})
    assert response.status_code == 302
    assert provider.token_requests and provider.token_requests[0]["code"] == "code-1"
    user = User.objects.get(username="j.devries")
    assert (user.first_name, user.last_name) == ("Jet", "de Vries")
    assert not user.has_usable_password()
    assert not user.groups.exists()
    home = client.get("/")
    assert "web/no_role.html" in [t.name for t in home.templates]
    assert client.get("/register/").status_code == 403
    login = AccessLogEntry.objects.get(action=Action.LOGIN)
    assert login.actor == user and "OIDC" in login.detail


@override_settings(**OIDC)
def test_oidc_login_finds_the_existing_account(client, provider, make_user):
    existing = make_user("coordinator", username="j.devries")
    state, provider.nonce = start_login(client)
    client.get("/oidc/callback/", {"code": "code-1", "state": state})
    assert User.objects.filter(username__iexact="j.devries").count() == 1
    assert client.get("/register/").status_code == 200
    existing.refresh_from_db()
    assert existing.email == "j.devries@zaanstad.example.org"


@override_settings(**OIDC)
def test_token_with_wrong_nonce_is_refused(client, provider):
    state, _nonce = start_login(client)
    provider.nonce = "someone-elses-nonce"
    response = client.get("/oidc/callback/", {"code": "code-1", "state": state})
    assert response.status_code == 400  # SuspiciousOperation in mozilla-django-oidc
    assert not User.objects.filter(username="j.devries").exists()
    assert "_auth_user_id" not in client.session


def test_oidc_urls_are_off_unless_enabled(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/").status_code == 404
