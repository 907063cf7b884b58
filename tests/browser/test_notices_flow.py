"""The notification centre in a browser: the decision maker of the demo finds the new
requests addressed to UWV as notices, marks one read and then everything, and chooses
the daily digest for new requests (which cannot be switched off). Both pages pass axe."""

from browser_support import assert_accessible, logged_in
from playwright.sync_api import expect

from maatwerk.notices.models import Kind, Notice, Preference


def test_the_decision_maker_reads_the_notices_and_chooses_the_digest(
    browser, site, demo, demo_password
):
    new = Notice.objects.filter(kind=Kind.NEW_REQUEST, recipient__username="decision_maker")
    assert new.exists()  # the demo's submitted requests to UWV
    with logged_in(browser, site, "decision_maker", demo_password) as page:
        link = page.get_by_test_id("notifications-link")
        expect(link).to_contain_text("(")  # unread ones
        link.click()
        expect(page.get_by_test_id("notifications")).to_be_visible()
        assert_accessible(page, context="notification centre")
        rows = page.get_by_test_id("notification")
        unread = page.locator("[data-testid=notification][data-unread]")
        before = unread.count()
        assert before >= 1
        unread.first.get_by_role("button").click()
        expect(unread).to_have_count(before - 1)
        if before > 1:
            page.get_by_test_id("read-all").click()
            expect(unread).to_have_count(0)
        expect(page.get_by_test_id("notifications-link")).not_to_contain_text("(")
        assert rows.count() >= 1
        page.goto(site.url("/notifications/preferences/"))
        assert_accessible(page, context="notification preferences")
        select = page.locator(f"select[name={Kind.NEW_REQUEST.value}]")
        options = select.locator("option")
        expect(options).to_have_count(2)  # e-mail or the digest: not away
        select.select_option("digest")
        page.locator("main form button[type=submit]").click()
        expect(page.locator(f"select[name={Kind.NEW_REQUEST.value}]")).to_have_value("digest")
    assert (
        Preference.objects.get(user__username="decision_maker", kind=Kind.NEW_REQUEST).delivery
        == "digest"
    )
