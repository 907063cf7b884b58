"""The privacy officer reads the access log, after a two-factor login."""

import re

from browser_support import assert_accessible, enter_totp, log_in, totp_code
from playwright.sync_api import expect

from maatwerk.audit.models import AccessLogEntry, Action


def log_rows(page):
    return page.locator("main table tbody tr")


def user_column(page):
    return page.locator("main table tbody tr td:nth-child(2)")


def test_privacy_officer_reads_access_log(browser, page, site, demo, demo_password):
    # Something to find: the coordinator logs in (in their own browser) and tries the
    # access log, which is refused and recorded. (The demo data has rows of its own,
    # such as the coordinator planning the demo breakthrough table.)
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    other = browser.new_context()
    try:
        coordinator = other.new_page()
        log_in(coordinator, site, "coordinator", demo_password)
        response = coordinator.goto(site.url("/audit/"))
        assert response is not None and response.status == 403
        expect(coordinator.locator("main table")).to_have_count(0)
    finally:
        other.close()
    coordinator_entries = AccessLogEntry.objects.filter(actor_username="coordinator")
    # The login lands on the start page, whose sections read case data (the escalated
    # cases) and log it; then the refused log page.
    assert set(coordinator_entries.filter(id__gt=start).values_list("action", flat=True)) == {
        Action.LOGIN,
        Action.READ,
        Action.PERMISSION_DENIED,
    }

    # The privacy officer needs the second factor before the log opens.
    log_in(page, site, "privacy_officer", demo_password)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    page.goto(site.url("/audit/"))
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=%2Faudit%2F$"))
    enter_totp(page, totp_code(demo["privacy_officer"].totp_secret))
    expect(page).to_have_url(site.url("/audit/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator('header nav a[href="/audit/"]')).to_have_attribute("aria-current", "page")
    expect(log_rows(page).first).to_be_visible()
    assert_accessible(page, context="access log")

    # Filter by user: only the coordinator's rows, newest first.
    form = page.locator("main form.maatwerk-filters")
    form.locator("#id_user").fill("coordinator")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/audit/\?.*user=coordinator"))
    expect(log_rows(page)).to_have_count(coordinator_entries.count())
    expect(user_column(page)).to_have_text(["coordinator"] * coordinator_entries.count())
    expect(page.locator("main table")).to_contain_text("/audit/")  # the refused page
    assert_accessible(page, context="access log filtered by user")

    # And by action: the coordinator's single login.
    form = page.locator("main form.maatwerk-filters")
    form.locator("#id_action").select_option(Action.LOGIN.value)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"action=login"))
    expect(log_rows(page)).to_have_count(1)
    expect(user_column(page)).to_have_text(["coordinator"])
    expect(form.locator("#id_user")).to_have_value("coordinator")
    expect(form.locator("#id_action")).to_have_value("login")
    assert_accessible(page, context="access log filtered by user and action")

    # Action alone: every login so far (coordinator, privacy officer).
    form = page.locator("main form.maatwerk-filters")
    form.locator("#id_user").fill("")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/audit/\?user=&"))
    expect(log_rows(page)).to_have_count(2)
    expect(user_column(page)).to_have_text(["privacy_officer", "coordinator"])

    # Reading the log is itself logged.
    searches = AccessLogEntry.objects.filter(actor_username="privacy_officer", action="search")
    assert searches.count() == 4
    assert searches.filter(detail__contains="user=coordinator").count() == 2
