"""Issue 11's working day in one go, with three logins side by side and the scheduler
run in between:

1. the professional sends a request to UWV;
2. UWV's decision maker sees it on the start page and redirects it (`wrong_desk`, to
   SVB, chosen from the register);
3. the professional gets the notice (on the start page, and by e-mail from the
   scheduler), sees the counter-arguments and forwards the request to SVB in one step;
   then escalates it to level 4, the national escalation team;
4. the coordinator sees the level-4 escalation on the start page and plans a
   doorbraaktafel for the case; the professional sees that table on the case page;
5. the professional closes the case, keeping the request to SVB open (it waits at level
   4); two months later, long overdue, the scheduler chases nothing of it: no new
   notice, no e-mail.

The assertions rest on data, URLs and test ids (the newest strings may not be
translated yet); every page is checked with axe.
"""

import io
import re
from datetime import timedelta

import time_machine
from browser_support import assert_accessible, logged_in
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from maatwerk.accounts.models import User
from maatwerk.cases.models import Case
from maatwerk.journeys.models import EventType, Request
from maatwerk.meetings.models import Meeting
from maatwerk.notices.models import Kind, MailState, Notice
from maatwerk.register.models import Organisation
from maatwerk.testing.cases import make_case

SUBJECT = "De WW-uitkering niet korten zolang de schuldregeling loopt."


def notices(case, kind, username):
    return Notice.objects.filter(case=case, kind=kind, recipient__username=username)


def run_jobs() -> str:
    out = io.StringIO()
    call_command("run-jobs", stdout=out)
    return out.getvalue()


def test_the_working_day_from_request_to_closing(browser, site, demo, demo_password):
    today = timezone.localdate()
    professional = User.objects.get(username="professional")
    case = make_case(
        professional.teams.get(),
        professional,
        perspective="Wij willen van de schulden af en de huur betalen.",
    )
    pseudonym = case.household.pseudonym
    uwv = Organisation.objects.get(name="UWV")
    svb = Organisation.objects.get(name="SVB")
    run_jobs()  # the demo's own pending e-mails go first
    mail.outbox.clear()

    with (
        logged_in(browser, site, "professional", demo_password) as pro,
        logged_in(browser, site, "decision_maker", demo_password) as dm,
        logged_in(browser, site, "coordinator", demo_password) as co,
    ):
        # --- 1. The professional sends a request to UWV ---------------------------------
        form_url = f"/journeys/cases/{case.pk}/requests/new/"
        pro.goto(site.url(f"/cases/{case.pk}/"))
        pro.locator(f"main a[href='{form_url}']").click()
        expect(pro).to_have_url(site.url(form_url))
        pro.locator("#id_organisation").select_option(str(uwv.pk))
        pro.locator("#id_subject").fill(SUBJECT)
        expect(pro.locator("#id_send_now")).to_be_checked()
        pro.locator("main form button[type=submit]").click()
        expect(pro).to_have_url(re.compile(r"/journeys/requests/\d+/$"))
        req = Request.objects.get(case=case)
        assert (req.organisation, req.state) == (uwv, Request.State.WAITING)
        assert notices(case, Kind.NEW_REQUEST, "decision_maker").count() == 1

        # --- 2. The decision maker: the start page, then a redirect to SVB ---------------
        decide_url = f"/journeys/inbox/{req.pk}/"
        dm.goto(site.url("/"))
        waiting = dm.get_by_test_id("start-waiting-request").filter(
            has=dm.locator(f"a[href='{decide_url}']")
        )
        expect(waiting).to_have_count(1)
        expect(waiting).to_contain_text(f"{pseudonym} {req.reference}")
        assert_accessible(dm, context="decision maker's start page with the new request")
        waiting.locator("a").click()
        expect(dm).to_have_url(site.url(decide_url))
        card = dm.get_by_test_id("decision-redirected")
        card.locator("summary").click()
        card.locator("#id_redirected-reason").select_option("wrong_desk")
        card.locator("#id_redirected-organisation").select_option(str(svb.pk))
        card.locator("button[type=submit]").click()
        expect(dm.get_by_test_id("state")).to_be_visible()
        redirect = req.events.get(type=EventType.REDIRECTED)
        assert (redirect.reason, redirect.redirected_to_organisation) == ("wrong_desk", svb)
        assert_accessible(dm, context="decide page after the redirect")

        # --- 3. The professional: the notice, the counter-arguments, forwarding ----------
        assert notices(case, Kind.REDIRECTED, "professional").count() == 1
        assert "redirected:" in notices(case, Kind.REDIRECTED, "professional").get().key
        req_url = f"/journeys/requests/{req.pk}/"
        pro.goto(site.url("/"))
        notice_link = pro.get_by_test_id("start-notices").locator(f"a[href='{req_url}']")
        expect(notice_link).to_have_count(1)
        expect(notice_link).to_contain_text(pseudonym)
        assert_accessible(pro, context="professional's start page with the notice")
        notice_link.click()
        expect(pro).to_have_url(site.url(req_url))
        expect(pro.locator("#counter-heading")).to_be_visible()
        expect(pro.locator("main section.maatwerk-counter li").first).to_be_visible()
        assert_accessible(pro, context="request page with the counter-arguments")
        pro.get_by_test_id("forward").click()
        expect(pro).to_have_url(site.url(f"{req_url}forward/"))
        expect(pro.locator("#id_organisation")).to_have_value(str(svb.pk))
        expect(pro.locator("#id_subject")).to_have_value(SUBJECT)
        pro.locator("main form button[type=submit]").click()
        expect(pro).to_have_url(re.compile(r"/journeys/requests/\d+/$"))
        forwarded = Request.objects.get(forwarded_from=req)
        assert (forwarded.organisation, forwarded.state) == (svb, Request.State.WAITING)
        assert Request.objects.get(pk=req.pk).state == Request.State.FORWARDED
        expect(pro.get_by_test_id("forwarded-from")).to_be_visible()

        # The scheduler e-mails the redirect's notice to the professional, once.
        run_jobs()
        redirected = notices(case, Kind.REDIRECTED, "professional").get()
        assert redirected.mail_state == MailState.SENT
        to_professional = [m for m in mail.outbox if m.to == [professional.email]]
        assert len(to_professional) == 1 and pseudonym in to_professional[0].body
        assert SUBJECT not in to_professional[0].body  # never what was asked
        run_jobs()
        assert len([m for m in mail.outbox if m.to == [professional.email]]) == 1

        # The professional escalates the forwarded request to level 4 at once.
        step_form = pro.locator("main section[aria-labelledby=step-heading] form")
        step_form.locator("#id_type").select_option(EventType.ESCALATED.value)
        step_form.locator("#id_level").select_option("4")
        step_form.locator("button[type=submit]").click()
        expect(pro).to_have_url(site.url(f"/journeys/requests/{forwarded.pk}/"))
        forwarded.refresh_from_db()
        assert forwarded.escalation_level == 4
        expect(pro.get_by_test_id("due-basis")).to_be_visible()
        expect(pro.get_by_test_id("next-step")).to_be_visible()  # the table or the coordinator
        assert notices(case, Kind.NATIONAL_LEVEL, "coordinator").count() == 1

        # --- 4. The coordinator: the start page, then a doorbraaktafel -------------------
        co.goto(site.url("/"))
        escalated = co.get_by_test_id("start-escalated-request").filter(
            has=co.locator(f"a[href='/journeys/requests/{forwarded.pk}/']")
        )
        expect(escalated).to_have_count(1)
        expect(escalated).to_contain_text(pseudonym)
        assert_accessible(co, context="coordinator's start page with the escalation")
        co.goto(site.url(f"/meetings/new/?case={case.pk}"))
        expect(co.locator(f"input[name=cases][value='{case.pk}']")).to_be_checked()
        co.locator("#id_title").fill("Doorbraaktafel schulden en WW")
        co.locator("#id_date").fill((today + timedelta(days=7)).isoformat())
        co.locator("#id_time").fill("10:00")
        co.locator("main form button[type=submit]").first.click()
        expect(co).to_have_url(re.compile(r"/meetings/\d+/$"))
        meeting = Meeting.objects.get(agenda__case=case)
        assert_accessible(co, context="the planned table")
        assert notices(case, Kind.MEETING_PLANNED, "professional").count() == 1

        # The professional sees the table on the case page.
        pro.goto(site.url(f"/cases/{case.pk}/"))
        expect(pro.locator(f"main a[href='/meetings/{meeting.pk}/']")).to_have_text(meeting.title)
        assert_accessible(pro, context="case page with the table")

        # --- 5. The professional closes the case ----------------------------------------
        pro.goto(site.url(f"/cases/{case.pk}/status/"))
        pro.locator("#id_status").select_option("closed")
        pro.locator("#id_outcome").select_option("partly_solved")
        expect(pro.locator(f"#id_closing-request_{req.pk}")).to_have_count(0)  # forwarded
        # Kept open, waiting at level 4: the scheduler would chase it, but for the closing.
        pro.locator(f"#id_closing-request_{forwarded.pk}").select_option("keep_open")
        pro.locator(f"#id_closing-reason_{forwarded.pk}").fill("Het antwoord van SVB volgt.")
        assert_accessible(pro, context="closing the case")
        pro.locator("main form button[type=submit]").click()
        expect(pro).to_have_url(site.url(f"/cases/{case.pk}/"))

    case.refresh_from_db()
    forwarded.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert forwarded.state == Request.State.WAITING
    assert forwarded.events.filter(type=EventType.KEPT_OPEN).count() == 1
    before = set(Notice.objects.filter(case=case).values_list("pk", "mail_state"))
    mail.outbox.clear()
    # Two months later the requests would long be overdue: the scheduler runs (every
    # job) and chases nothing of the closed case.
    with time_machine.travel(timezone.now() + timedelta(days=60), tick=False):
        counts = run_jobs()
        run_jobs()
    assert "Due jobs ran" in counts
    after = set(Notice.objects.filter(case=case).values_list("pk", "mail_state"))
    assert {pk for pk, _state in after} == {pk for pk, _state in before}  # no new notice
    assert (
        not Notice.objects.filter(case=case, mail_state=MailState.SENT)
        .exclude(pk__in=[pk for pk, state in before if state == MailState.SENT])
        .exists()
    )  # and none of the earlier ones e-mailed now
    about_the_case = [m for m in mail.outbox if pseudonym in m.subject + m.body]
    assert about_the_case == []
    assert not Request.objects.filter(case=case, overdue=True).exists()
