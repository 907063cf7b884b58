import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import totp_token
from maatwerk.accounts.models import UserSession
from maatwerk.accounts.twofactor import forget_two_factor, two_factor_needed
from maatwerk.audit.models import AccessLogEntry, Action, Result

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def post_login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_is_logged_with_origin(client, make_user, password):
    user = make_user("professional")
    response = post_login(client, user.username, password, address="192.0.2.10")
    assert response.status_code == 302
    entry = AccessLogEntry.objects.get(action=Action.LOGIN)
    assert entry.actor == user
    assert entry.origin == "192.0.2.10"
    assert entry.roles == "professional"
    assert UserSession.objects.filter(user=user).count() == 1


def test_failed_login_gives_dutch_error_and_is_logged(client, make_user):
    user = make_user("professional")
    response = post_login(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert "komen niet overeen" in response.content.decode()
    entry = AccessLogEntry.objects.get(action=Action.LOGIN_FAILED)
    assert entry.actor_username == user.username
    assert entry.result == Result.FAILED
    assert entry.actor is None


def test_lockout_per_username_and_address(client, make_user, password, settings):
    user = make_user("professional")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, user.username, "wrong-password", address="10.0.0.1")
    # Locked: even the right password is refused from this address.
    response = post_login(client, user.username, password, address="10.0.0.1")
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert AccessLogEntry.objects.filter(action=Action.LOCKED_OUT).exists()
    # Another address is not locked for the same username…
    response = post_login(client, user.username, password, address="10.0.0.2")
    assert response.status_code == 302
    client.logout()
    # …and another username is not locked from the first address.
    other = make_user("professional")
    assert post_login(client, other.username, password, address="10.0.0.1").status_code == 302


def test_user_without_role_sees_only_no_access(client, make_user, password):
    user = make_user()
    post_login(client, user.username, password)
    home = client.get("/")
    assert home.status_code == 200
    assert "web/no_role.html" in [t.name for t in home.templates]
    assert reverse("register:organisation_list") not in home.content.decode()
    response = client.get(reverse("register:organisation_list"))
    assert response.status_code == 403
    assert "web/no_access.html" in [t.name for t in response.templates]
    assert "page" not in response.context
    denied = AccessLogEntry.objects.get(action=Action.PERMISSION_DENIED)
    assert denied.actor == user and denied.result == Result.DENIED


@pytest.mark.parametrize("role", ["admin", "privacy_officer"])
def test_second_factor_required_for_role(client, make_user, password, totp_device, role, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling after a wrong code: tested below
    user = make_user(role)
    device = totp_device(user)
    response = post_login(client, user.username, password)
    assert response.status_code == 302
    # Password alone is not enough: every page sends to the second factor.
    for path in ("/", "/register/", "/audit/", "/beheer/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:two_factor")), path
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000", "next": "/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["token"]
    right = client.post(reverse("accounts:two_factor"), {"token": totp_token(device), "next": "/"})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    assert AccessLogEntry.objects.filter(action=Action.TWO_FACTOR, result="failed").exists()
    assert AccessLogEntry.objects.filter(action=Action.TWO_FACTOR, result="success").exists()


def test_admin_reaches_functional_management_only_after_second_factor(
    client, make_user, password, totp_device
):
    admin = make_user("admin")
    device = totp_device(admin)
    post_login(client, admin.username, password)
    assert client.get("/beheer/").status_code == 302
    client.post(reverse("accounts:two_factor"), {"token": totp_token(device), "next": "/"})
    response = client.get("/beheer/")
    assert response.status_code == 200
    assert "/beheer/register/organisation/" in response.content.decode()


def test_admin_without_device_must_set_one_up(client, make_user, password):
    admin = make_user("admin")
    post_login(client, admin.username, password)
    response = client.get("/beheer/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_setup"))
    device = admin.totpdevice_set.get(confirmed=False)
    response = client.post(
        reverse("accounts:two_factor_setup"), {"token": totp_token(device), "next": "/beheer/"}
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/beheer/").status_code == 200


def test_professional_without_second_factor_by_default(client, make_user, password):
    user = make_user("professional")
    post_login(client, user.username, password)
    assert client.get("/").status_code == 200


def test_setting_requires_second_factor_for_everyone(client, make_user, password, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL = True
    user = make_user("professional")
    post_login(client, user.username, password)
    response = client.get("/register/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_wrong_codes_are_throttled(client, make_user, password, totp_device):
    user = make_user("admin")
    device = totp_device(user)
    post_login(client, user.username, password)
    client.post(reverse("accounts:two_factor"), {"token": "000000"})
    response = client.post(reverse("accounts:two_factor"), {"token": totp_token(device)})
    assert response.status_code == 200
    assert "token" in response.context["form"].errors
    assert client.get("/").status_code == 302


def test_non_admin_role_cannot_use_functional_management(client, make_user, login):
    user = make_user("coordinator")
    login(user, verified=True)
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403
    assert "web/no_access.html" in [t.name for t in response.templates]
    assert AccessLogEntry.objects.filter(action=Action.PERMISSION_DENIED, actor=user).exists()


def test_anonymous_functional_management_goes_to_the_normal_login(client):
    response = client.get("/beheer/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_deactivating_an_account_ends_all_its_sessions(make_user, password):
    user = make_user("professional")
    first, second = Client(), Client()
    for c in (first, second):
        assert post_login(c, user.username, password).status_code == 302
        assert c.get("/").status_code == 200
    assert UserSession.objects.filter(user=user).count() == 2
    user.is_active = False
    user.save()
    assert UserSession.objects.filter(user=user).count() == 0
    assert not Session.objects.exists()
    for c in (first, second):
        response = c.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_logout_is_logged(client, make_user, password):
    user = make_user("professional")
    post_login(client, user.username, password)
    client.post(reverse("accounts:logout"))
    assert AccessLogEntry.objects.filter(action=Action.LOGOUT, actor=user).exists()
    assert not UserSession.objects.filter(user=user).exists()


def test_the_page_asked_for_is_kept_through_the_second_factor(
    client, make_user, password, totp_device
):
    user = make_user("admin")
    device = totp_device(user)
    post_login(client, user.username, password)
    wanted = "/register/?q=UWV&type=national_agency"
    response = client.get(wanted)
    assert response.status_code == 302
    two_factor_url = response["Location"]
    # The form's hidden "next" field carries the whole address, query string included.
    assert client.get(two_factor_url).context["next"] == wanted
    response = client.post(two_factor_url, {"token": totp_token(device)})
    assert response["Location"] == wanted


def test_functional_management_login_link_sends_an_admin_on(client, make_user, login):
    login(make_user("admin"), verified=True)
    response = client.get("/beheer/login/?next=/beheer/register/")
    assert response.status_code == 302
    assert response["Location"] == "/beheer/register/"
    evil = client.get("/beheer/login/?next=https://evil.example.org/")
    assert evil["Location"] == "/beheer/"


def is_two_factor_check(sql: str) -> bool:
    """A query about devices, or one with the role's two-factor flag as a condition."""
    return "otp_" in sql or '"requires_two_factor"' in sql.partition("WHERE")[2]


@pytest.mark.parametrize("path", ["/", "/cases/"])
def test_a_page_asks_whether_a_second_factor_is_needed_once(
    client, make_user, login, path, assert_queries
):
    """The middleware and the page's context processors (navigation, the header's
    notifications) all ask; the answer is one query per request (issue 17: it was
    three queries, asked twice)."""
    login(make_user("professional"))
    client.get(path)
    with assert_queries(1, matching=is_two_factor_check):
        client.get(path)


def test_a_device_confirmed_in_a_request_is_seen_in_that_request(make_user, totp_device):
    user = make_user("professional")
    assert two_factor_needed(user) is False
    totp_device(user)
    assert two_factor_needed(user) is False  # kept on the object for the request
    forget_two_factor(user)
    assert two_factor_needed(user) is True


def test_a_username_longer_than_any_is_a_field_error_not_a_database_error(client):
    """Django's login form checks the username's length only in the browser; a longer
    one reached django-axes' failure log, a 500 on PostgreSQL (found by the fuzz)."""
    response = post_login(client, "x" * 6000, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessLogEntry.objects.filter(action=Action.LOGIN_FAILED).exists()
