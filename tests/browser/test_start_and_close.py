"""The working day in the browser, with the demo: the professional's start page names
what needs them and why; the decision maker's shows UWV's overdue request; a case is
found by a word of its perspective and says where the word was found; closing a case
asks what happens to its open request, and after that the scheduler chases nothing of
it. The assertions rest on data, URLs and test ids (the newest strings may not be
translated yet)."""

import re

from browser_support import assert_accessible, logged_in
from django.core import mail
from playwright.sync_api import expect

from maatwerk.cases.models import Case
from maatwerk.journeys.models import Request
from maatwerk.notices.models import Notice
from maatwerk.scheduler.jobs import run_due_jobs


def test_start_pages_search_and_closing(browser, site, demo, demo_password):
    case = Case.objects.get(plans__title="Eerst inkomen, dan de inschrijving")
    req = case.requests.get()
    assert req.state == Request.State.WAITING

    with logged_in(browser, site, "decision_maker", demo_password) as dm:
        dm.goto(site.url("/"))
        expect(dm.get_by_test_id("start-overdue-request")).to_have_count(1)
        assert_accessible(dm, context="decision maker's start page")

    with logged_in(browser, site, "professional", demo_password) as pro:
        pro.goto(site.url("/"))
        rows = pro.get_by_test_id("attention-case")
        expect(rows.first).to_be_visible()
        expect(pro.get_by_test_id("start-attention")).to_contain_text(case.household.pseudonym)
        expect(pro.get_by_test_id("start-deadline").first).to_be_visible()
        assert_accessible(pro, context="professional's start page")

        # Finding a case by a word of its requests; the row says where it was found.
        pro.goto(site.url("/cases/"))
        word = req.subject.split()[0]
        pro.locator("#id_q").fill(word)
        pro.locator("main form[role=search] button[type=submit]").click()
        expect(pro.locator("main table")).to_contain_text(case.household.pseudonym)
        expect(pro.get_by_test_id("matched").first).to_be_visible()
        assert_accessible(pro, context="case search")

        # Closing asks what happens to the open request: withdraw it.
        pro.goto(site.url(f"/cases/{case.pk}/status/"))
        pro.locator("#id_status").select_option("closed")
        pro.locator("#id_outcome").select_option("partly_solved")
        pro.locator(f"#id_closing-request_{req.pk}").select_option("withdraw")
        assert_accessible(pro, context="closing a case")
        pro.locator("main form button[type=submit]").click()
        expect(pro).to_have_url(re.compile(rf"/cases/{case.pk}/$"))

    case.refresh_from_db()
    req.refresh_from_db()
    assert case.status == Case.Status.CLOSED and req.state == Request.State.WITHDRAWN
    notices = Notice.objects.filter(case=case).count()
    mail.outbox.clear()
    run_due_jobs()
    assert Notice.objects.filter(case=case).count() == notices
    assert not [m for m in mail.outbox if case.household.pseudonym in m.subject + m.body]
