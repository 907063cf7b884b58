"""Logging in as a real user would: the second factor, accounts without a role, and
the lockout after repeated wrong passwords."""

import re

from browser_support import (
    assert_accessible,
    enter_totp,
    log_in,
    login_form,
    submit_login,
    totp_code,
)
from django.conf import settings as django_settings
from playwright.sync_api import expect

from maatwerk.audit.models import AccessLogEntry, Action, Result
from maatwerk.register.models import Organisation
from maatwerk.testing.factories import TEST_PASSWORD, UserFactory

TWO_FACTOR = re.compile(r"/accounts/two-factor/")


def wrong_code(secret: str) -> str:
    """A six-digit code that is not accepted now (nor one step before or after)."""
    valid = {totp_code(secret, drift) for drift in (-2, -1, 0, 1, 2)}
    candidate = int(totp_code(secret))
    while f"{candidate:06d}" in valid:
        candidate = (candidate + 123_457) % 1_000_000
    return f"{candidate:06d}"


def test_admin_needs_second_factor(page, site, demo, demo_password, settings):
    # django-otp makes a device wait 1 s after a wrong code before the next try; a
    # person needs longer than that to type a code, a test does not.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    secret = demo["admin"].totp_secret
    assert secret

    log_in(page, site, "admin", demo_password)
    expect(page).to_have_url(TWO_FACTOR)
    expect(page.locator("#id_token")).to_be_visible()
    expect(page.locator("#id_token")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page, context="two-factor page")

    # The password alone does not open functional management.
    page.goto(site.url("/beheer/"))
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=%2Fbeheer%2F$"))
    expect(page.locator("#id_token")).to_be_visible()
    expect(page.locator("#site-name")).to_have_count(0)

    # A wrong code: a field error, tied to the input, and still on the two-factor page.
    enter_totp(page, wrong_code(secret))
    token = page.locator("#id_token")
    expect(token).to_have_attribute("aria-invalid", "true")
    error = page.locator(".utrecht-form-field-error-message")
    expect(error).to_have_count(1)
    expect(error).to_be_visible()
    error_id = error.get_attribute("id")
    expect(token).to_have_attribute("aria-describedby", re.compile(rf"\b{error_id}\b"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(TWO_FACTOR)
    assert_accessible(page, context="two-factor page with an error")

    # The right code: on to functional management (the Django admin).
    enter_totp(page, totp_code(secret))
    expect(page).to_have_url(site.url("/beheer/"))
    for model in ("organisation", "contact", "lifedomain", "regulation", "legalground"):
        expect(page.locator(f'a[href="/beheer/register/{model}/"]').first).to_be_visible()
    expect(page.locator("#site-name")).to_contain_text("functioneel beheer")
    assert AccessLogEntry.objects.filter(
        actor_username="admin", action=Action.TWO_FACTOR, result=Result.FAILED
    ).exists()
    assert AccessLogEntry.objects.filter(
        actor_username="admin", action=Action.TWO_FACTOR, result=Result.SUCCESS
    ).exists()


def test_user_without_role_sees_no_access(page, site, demo):
    UserFactory(username="nobody")
    organisation_names = list(Organisation.objects.values_list("name", flat=True))
    assert "UWV" in organisation_names

    log_in(page, site, "nobody", TEST_PASSWORD)
    expect(page).to_have_url(site.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main .maatwerk-card")).to_have_count(0)
    expect(page.locator('a[href^="/register/"]')).to_have_count(0)
    expect(page.locator('a[href^="/audit/"]')).to_have_count(0)
    expect(page.locator('a[href^="/beheer/"]')).to_have_count(0)
    # Logged in all the same: the header offers to log out.
    expect(page.locator('header form[action="/accounts/logout/"] button')).to_be_visible()
    assert_accessible(page, context="start page without a role")

    response = page.goto(site.url("/register/"))
    assert response is not None and response.status == 403
    expect(page).to_have_url(site.url("/register/"))
    expect(page.locator("main table")).to_have_count(0)
    main_text = page.locator("main").inner_text()
    leaked = [name for name in organisation_names if name in main_text]
    assert not leaked, f"the no-access page shows organisations: {leaked}"
    expect(page.locator('main a[href="/"]')).to_be_visible()  # back to the start page
    assert_accessible(page, context="no-access page")

    response = page.goto(site.url("/register/uwv/"))
    assert response is not None and response.status == 403
    expect(page.locator("main")).not_to_contain_text("example.org")
    assert (
        AccessLogEntry.objects.filter(
            actor_username="nobody", action=Action.PERMISSION_DENIED
        ).count()
        == 2
    )


def test_lockout_after_failed_logins(page, site, demo, demo_password):
    limit = django_settings.AXES_FAILURE_LIMIT
    status = django_settings.AXES_HTTP_RESPONSE_CODE
    assert limit == 5
    assert status == 429  # django-axes' default, not overridden in settings

    def post_login(password):
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/accounts/login/")
        ) as info:
            submit_login(page, "professional", password)
        return info.value

    page.goto(site.url("/accounts/login/"))
    for attempt in range(1, limit):
        response = post_login(f"wrong-password-{attempt}")
        assert response.status == 200, attempt
        expect(page.get_by_role("alert")).to_be_visible()
        expect(login_form(page).locator("#id_username")).to_have_value("professional")

    # The last allowed failure locks the account for this address.
    response = post_login("wrong-password-last")
    assert response.status == status
    expect(page.locator("#id_username")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        str(int(django_settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    )
    assert_accessible(page, context="lockout page")

    # Now even the right password is refused, and no session is made.
    page.goto(site.url("/accounts/login/"))
    response = post_login(demo_password)
    assert response.status == status
    expect(page.locator("#id_username")).to_have_count(0)
    page.goto(site.url("/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    assert AccessLogEntry.objects.filter(
        actor_username="professional", action=Action.LOCKED_OUT
    ).exists()
    assert not AccessLogEntry.objects.filter(
        actor_username="professional", action=Action.LOGIN
    ).exists()
