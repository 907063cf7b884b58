"""The demo's breakthrough table: the case manager sees it on the case page and opens
it; the decision maker of UWV finds it among their invitations; the scheduler e-mails
both a calendar invitation, once. The plan form's error summary leads to the field."""

import re

from browser_support import assert_accessible, logged_in
from django.core import mail
from playwright.sync_api import expect

from maatwerk.meetings.models import Meeting
from maatwerk.scheduler.jobs import run_due_jobs


def test_the_table_reaches_the_people_at_it(browser, site, demo, demo_password):
    meeting = Meeting.objects.get()
    case = meeting.agenda.get().case
    meeting_url = f"/meetings/{meeting.pk}/"

    with logged_in(browser, site, "professional", demo_password) as pro:
        pro.goto(site.url(f"/cases/{case.pk}/"))
        link = pro.locator(f"main a[href='{meeting_url}']")
        expect(link).to_have_text(meeting.title)
        link.click()
        expect(pro).to_have_url(site.url(meeting_url))
        expect(pro.locator("main")).to_contain_text("U bent uitgenodigd voor deze doorbraaktafel.")
        expect(pro.locator("main h3 a")).to_have_text(case.household.pseudonym)
        assert_accessible(pro, context="meeting page for the case manager")

        # The plan form: the error summary at the top links to the field.
        pro.goto(site.url(f"/cases/{case.pk}/plans/new/"))
        pro.locator("#id_title").fill("")
        pro.locator("main form[method=post] button[type=submit]").click()
        summary = pro.get_by_test_id("error-summary")
        expect(summary).to_be_visible()
        expect(summary.locator("a[href='#id_title']")).to_have_count(1)
        assert_accessible(pro, context="plan form with the error summary")
        summary.locator("a[href='#id_title']").click()
        expect(pro).to_have_url(re.compile(r"#id_title$"))

    with logged_in(browser, site, "decision_maker", demo_password) as dm:
        dm.goto(site.url("/meetings/"))
        invitations = dm.locator("main ul").first
        expect(invitations.locator(f"a[href='{meeting_url}']")).to_have_count(1)
        assert_accessible(dm, context="meeting list with an invitation")
        dm.goto(site.url(meeting_url))
        expect(dm.locator("main")).to_contain_text(case.household.pseudonym)
        expect(dm.locator("main form")).to_have_count(0)  # nothing to change for them
        assert_accessible(dm, context="meeting page for an invited decision maker")

    mail.outbox.clear()
    assert run_due_jobs()["invitation_emails"] == 2
    assert run_due_jobs()["invitation_emails"] == 0
    # The scheduler's other jobs (approvals, overdue requests) e-mail too.
    invitations = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in invitations) == [
        "decision_maker@demo.example.org",
        "professional@demo.example.org",
    ]
    for message in invitations:
        ((name, ics, _mimetype),) = message.attachments
        assert name == "doorbraaktafel.ics" and "BEGIN:VEVENT" in ics
        assert meeting.title not in message.body and meeting.title not in ics
