"""The journey of a request, with two logins side by side: the professional sends a
request to UWV, UWV's decision maker refuses it ("not allowed by law"), the professional
answers with the counter-arguments and escalates to level 2, the decision maker adds a
condition, the household disagrees, the decision maker approves; the case's timeline
shows every step with its day counts.

A second request on the same case, written beforehand through the services with dates
in the past, gives the timeline real day counts to check (all browser steps happen
today). The UI is Dutch and its newest strings may not be translated yet, so the
assertions rest on data, URLs, state values, test ids, CSS classes and counts.
"""

import re
from datetime import timedelta

import pytest
from browser_support import assert_accessible, logged_in
from playwright.sync_api import expect

from maatwerk.accounts.models import User
from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case, Perspective
from maatwerk.journeys import services
from maatwerk.journeys.calendar import add_working_days
from maatwerk.journeys.models import (
    CounterArgument,
    EventType,
    JourneyEvent,
    RefusalReason,
    Request,
)
from maatwerk.register.models import LegalGround, LifeDomain, Organisation, Regulation

PERSPECTIVE = "We willen dat mijn bijbaan niet van de uitkering af gaat. Dan komen we rond."
NEEDED = "Een uitzondering op de verrekening van de inkomsten uit de bijbaan."
SUBJECT = "Inkomsten uit de bijbaan een half jaar niet verrekenen met de WW-uitkering."
RULE_TEXT = "Verrekening van inkomsten naast de uitkering"
PLAN_EXCERPT = "Moeder houdt haar bijbaan en de schulden groeien niet verder."
REFUSAL = "De wet schrijft de verrekening voor."
CONDITION = "Alleen als het gezin meedoet aan budgetcoaching."
APPROVAL = "Geen verrekening van de bijbaan van 1 maart tot 1 september; daarna opnieuw kijken."

T = EventType


def create_case(page, site) -> int:
    """A fresh case through the intake form; returns its id."""
    income = LifeDomain.objects.get(code="income_work")
    finances = LifeDomain.objects.get(code="finances")
    uwv = Organisation.objects.get(name="UWV")
    page.goto(site.url("/cases/new/"))
    page.locator("#id_perspective").fill(PERSPECTIVE)
    page.locator("#id_needed").fill(NEEDED)
    page.locator("#id_deciding_organisations").select_option(str(uwv.pk))
    page.locator(f"input[name=life_domains][value='{income.pk}']").check()
    page.locator(f"input[name=life_domains][value='{finances.pk}']").check()
    page.locator("#id_primary_domain").select_option(str(income.pk))
    page.locator("#id_problems_start_domain").select_option(str(finances.pk))
    page.locator("#id_composition").select_option("single_parent")
    page.locator("#id_adults").fill("1")
    page.locator("#id_children").fill("2")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    return int(re.search(r"/cases/(\d+)/$", page.url).group(1))


def past_request(case: Case, today) -> tuple[Request, list[tuple[str, int, int, int]]]:
    """A request to another organisation with steps on past dates, written through the
    services; returns it and the expected (type, days ago, day, days waited) per step."""
    owner = User.objects.get(username="professional")
    req = services.request_create(
        request=None,
        user=owner,
        case=case,
        organisation=Organisation.objects.get(name="Belastingdienst/Toeslagen"),
        subject="Terugvordering van de kinderopvangtoeslag matigen.",
        regulation=Regulation.objects.get(code="awir"),
    )
    # (type, days ago, extra fields); day 0 is the first submission (50 days ago).
    steps = [
        (T.SUBMITTED, 50, {}),
        (T.REDIRECTED, 45, {"reason": "wrong_desk", "redirected_to": "Afdeling Invordering"}),
        (T.SUBMITTED, 44, {}),
        (T.REFUSED, 30, {"reason": "not_in_this_case", "text": "Niet bijzonder."}),
        (T.ESCALATED, 25, {"level": 1}),
    ]
    expected = []
    previous = None
    for type_, days_ago, fields in steps:
        services.record_event(
            request=None, user=owner, req=req, type=type_, on=today - timedelta(days_ago), **fields
        )
        waited = previous - days_ago if previous is not None else 0
        expected.append((type_.value, days_ago, 50 - days_ago, waited))
        previous = days_ago
    req.refresh_from_db()
    assert req.state == Request.State.WAITING and req.escalation_level == 1
    return req, expected


def decide(page, decision: str, **fields):
    """Open one decision on the decide page, fill it in and submit it."""
    card = page.get_by_test_id(f"decision-{decision}")
    card.locator("summary").click()
    for name, value in fields.items():
        control = card.locator(f"#id_{decision}-{name}")
        if control.evaluate("(el) => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    card.locator("button[type=submit]").click()


def event_types(req: Request) -> list[str]:
    return list(req.events.order_by("on", "id").values_list("type", flat=True))


def test_request_journey_with_two_logins(browser, site, demo, demo_password):
    from django.utils import timezone, translation
    from django.utils.translation import gettext

    today = timezone.localdate()
    uwv = Organisation.objects.get(name="UWV")
    regulation = Regulation.objects.get(code="ww")
    ground = LegalGround.objects.get(code="awb-4-84")
    level_2 = uwv.escalation_steps.select_related("contact").get(level=2)
    arguments = list(
        CounterArgument.objects.filter(reason=RefusalReason.NOT_ALLOWED_BY_LAW, active=True)
    )
    assert arguments, "the counter-arguments are seeded after migrate"
    argument_grounds = {g.title for a in arguments for g in a.legal_grounds.all()}

    with (
        logged_in(browser, site, "professional", demo_password) as pro,
        logged_in(browser, site, "decision_maker", demo_password) as dm,
    ):
        # --- A fresh case; an earlier request on it, with real dates in the past ------
        case_pk = create_case(pro, site)
        # Moved back by hand, not with time_machine: the case is opened in Chromium, whose
        # clock does not travel, and a session cookie set 60 days back has expired there.
        Case.objects.filter(pk=case_pk).update(opened_on=today - timedelta(days=60))
        case = Case.objects.select_related("household").get(pk=case_pk)
        pseudonym = case.household.pseudonym
        earlier, earlier_steps = past_request(case, today)

        # --- 1. The professional sends a request to UWV --------------------------------
        case_url = f"/cases/{case_pk}/"
        form_url = f"/journeys/cases/{case_pk}/requests/new/"
        pro.goto(site.url(case_url))
        pro.locator(f"main a[href='{form_url}']").click()
        expect(pro).to_have_url(site.url(form_url))
        # What is shared by default: the perspective, and the request is sent at once.
        expect(pro.locator("#id_share_perspective")).to_be_checked()
        expect(pro.locator("#id_send_now")).to_be_checked()
        assert_accessible(pro, context="request form")
        pro.locator("#id_organisation").select_option(str(uwv.pk))
        pro.locator("#id_kind").select_option(Request.Kind.EXCEPTION.value)
        pro.locator("#id_subject").fill(SUBJECT)
        pro.locator("#id_regulation").select_option(str(regulation.pk))
        pro.locator("#id_rule_text").fill(RULE_TEXT)
        pro.locator("#id_legal_ground").select_option(str(ground.pk))
        pro.locator("#id_plan_excerpt").fill(PLAN_EXCERPT)
        pro.locator("main form button[type=submit]").click()

        expect(pro).to_have_url(re.compile(r"/journeys/requests/\d+/$"))
        req_pk = int(re.search(r"/journeys/requests/(\d+)/$", pro.url).group(1))
        req_url = f"/journeys/requests/{req_pk}/"
        req = Request.objects.get(pk=req_pk)
        due = add_working_days(today, uwv.response_target_days)
        assert due.weekday() < 5 and (due - today).days >= uwv.response_target_days
        assert (req.case_id, req.organisation_id, req.reference) == (case_pk, uwv.pk, "R2")
        assert (req.kind, req.subject, req.rule_text) == ("exception", SUBJECT, RULE_TEXT)
        assert (req.regulation_id, req.legal_ground_id) == (regulation.pk, ground.pk)
        assert req.share_perspective and req.plan_excerpt == PLAN_EXCERPT and not req.extra_shared
        assert (req.state, req.first_submitted_on, req.due_on) == ("waiting", today, due)
        assert event_types(req) == [T.SUBMITTED]
        # The due date (the response target in working days) is on the request page.
        expect(pro.locator(f"main dl time[datetime='{due.isoformat()}']")).to_have_count(1)
        expect(pro.locator("main")).to_contain_text(SUBJECT)
        # Sharing with UWV is in the access log.
        shares = AccessLogEntry.objects.filter(
            action=Action.SHARE, object_type="journeys.request", object_id=str(req_pk)
        )
        assert shares.count() == 1
        share = shares.get()
        assert (share.actor_username, share.household) == ("professional", pseudonym)
        assert "UWV" in share.detail and "perspective" in share.detail, share.detail
        assert "plan excerpt" in share.detail, share.detail

        # --- 2. The decision maker: inbox, decide page, refusal -------------------------
        decide_url = f"/journeys/inbox/{req_pk}/"
        dm.goto(site.url("/journeys/inbox/"))
        row = dm.get_by_test_id("inbox-row").filter(has=dm.locator(f"a[href='{decide_url}']"))
        expect(row).to_have_count(1)
        expect(row.locator(f"a[href='{decide_url}']")).to_have_text(pseudonym)
        expect(row).to_contain_text(req.reference)
        expect(row.locator(f"time[datetime='{due.isoformat()}']")).to_have_count(1)
        # Only UWV's requests: not the earlier one to another organisation.
        expect(dm.locator(f"main a[href='/journeys/inbox/{earlier.pk}/']")).to_have_count(0)
        assert_accessible(dm, context="inbox")

        row.locator(f"a[href='{decide_url}']").click()
        expect(dm).to_have_url(site.url(decide_url))
        perspective = Perspective.objects.filter(case_id=case_pk).get()
        expect(dm.get_by_test_id("perspective").locator("blockquote")).to_have_text(
            perspective.text
        )
        expect(dm.get_by_test_id("subject")).to_have_text(SUBJECT)
        expect(dm.get_by_test_id("plan-excerpt")).to_have_text(PLAN_EXCERPT)
        expect(dm.get_by_test_id("extra-shared")).to_have_count(0)
        expect(dm.get_by_test_id("journey").locator("li")).to_have_count(1)
        assert_accessible(dm, context="decide page")
        # The case team's own request page stays closed to the decision maker.
        response = dm.goto(site.url(req_url))
        assert response is not None and response.status == 404
        dm.goto(site.url(decide_url))

        decide(dm, "refused", reason=RefusalReason.NOT_ALLOWED_BY_LAW.value, text=REFUSAL)
        expect(dm).to_have_url(site.url(decide_url))
        expect(dm.get_by_test_id("journey").locator("li")).to_have_count(2)
        req.refresh_from_db()
        assert req.state == Request.State.REFUSED
        refusal = req.events.get(type=T.REFUSED)
        assert (refusal.reason, refusal.text, refusal.on) == ("not_allowed_by_law", REFUSAL, today)
        assert refusal.entered_by.username == "decision_maker"
        expect(dm.get_by_test_id("decision-refused")).to_have_count(0)  # not twice

        # --- 3. The professional: counter-arguments, escalation to level 2 -------------
        pro.goto(site.url(req_url))
        counter = pro.locator("main section.maatwerk-counter")
        expect(counter).to_have_count(1)
        # the counter-arguments (the similar precedents follow in the same section)
        expect(counter.get_by_test_id("counter-arguments").locator("li")).to_have_count(
            len(arguments)
        )
        for argument in arguments:
            expect(counter).to_contain_text(argument.text_nl)
        assert argument_grounds, "the counter-arguments for this reason name exception grounds"
        for title in argument_grounds:
            expect(counter).to_contain_text(title)
        expect(pro.locator("main")).to_contain_text(REFUSAL)
        assert_accessible(pro, context="request page after the refusal")

        # The escalation route offers each level with its contact.
        step_form = pro.locator("main section[aria-labelledby=step-heading] form")
        expect(step_form.locator("#id_level option[value='2']")).to_contain_text(
            level_2.contact.name
        )
        step_form.locator("#id_type").select_option(T.ESCALATED.value)
        expect(step_form.locator("#id_on")).to_have_value(today.isoformat())
        step_form.locator("#id_level").select_option("2")
        step_form.locator("button[type=submit]").click()
        expect(pro).to_have_url(site.url(req_url))
        expect(pro.locator("main section.maatwerk-counter")).to_have_count(0)
        expect(pro.locator("main")).to_contain_text(level_2.contact.name)
        req.refresh_from_db()
        assert (req.state, req.escalation_level) == (Request.State.WAITING, 2)
        escalation = req.events.get(type=T.ESCALATED)
        assert (escalation.level, escalation.escalated_to_id) == (2, level_2.contact_id)
        assert req.due_on == due  # the clock restarts today: same due date

        # --- 4. The decision maker adds a condition ---------------------------------------
        dm.goto(site.url(decide_url))
        expect(dm.get_by_test_id("journey").locator("li")).to_have_count(3)
        decide(dm, "condition_added", text=CONDITION)
        expect(dm).to_have_url(site.url(decide_url))
        expect(dm.get_by_test_id("journey").locator("li")).to_have_count(4)
        condition = req.events.get(type=T.CONDITION_ADDED)
        assert (condition.text, condition.household_agrees) == (CONDITION, None)
        assert condition.entered_by.username == "decision_maker"

        # --- 5. The professional records that the household disagrees ------------------
        pro.goto(site.url(req_url))
        answer_form = pro.locator(f"main form:has(input[name=condition][value='{condition.pk}'])")
        expect(answer_form).to_have_count(1)
        answer_form.locator(f"#id_condition-{condition.pk}-household_agrees").select_option("no")
        expect(answer_form.locator(f"#id_condition-{condition.pk}-on")).to_have_value(
            today.isoformat()
        )
        answer_form.locator("button[type=submit]").click()
        expect(pro).to_have_url(site.url(req_url))
        answer = req.events.get(type=T.CONDITION_ADDED, corrects=condition)
        assert (answer.text, answer.household_agrees, answer.on) == (CONDITION, False, today)
        assert answer.entered_by.username == "professional"
        # Only the answer is open now: the form refers to it, not to the first condition.
        expect(pro.locator(f"main input[name=condition][value='{answer.pk}']")).to_have_count(1)
        expect(pro.locator(f"main input[name=condition][value='{condition.pk}']")).to_have_count(0)
        expect(pro.locator("main .maatwerk-tag--alert")).not_to_have_count(0)

        # --- 6. The decision maker approves -----------------------------------------------
        dm.goto(site.url(decide_url))
        expect(dm.get_by_test_id("journey").locator("li")).to_have_count(5)
        decide(dm, "approved", text=APPROVAL)
        expect(dm).to_have_url(site.url(decide_url))
        expect(dm.get_by_test_id("decision-approved")).to_have_count(0)
        req.refresh_from_db()
        assert req.state == Request.State.APPROVED
        approval = req.events.get(type=T.APPROVED)
        assert (approval.text, approval.entered_by.username) == (APPROVAL, "decision_maker")
        assert event_types(req) == [
            T.SUBMITTED,
            T.REFUSED,
            T.ESCALATED,
            T.CONDITION_ADDED,
            T.CONDITION_ADDED,
            T.APPROVED,
        ]

        # --- 7. The professional: the timeline shows all of it ---------------------------
        timeline_url = f"/journeys/cases/{case_pk}/timeline/"
        pro.goto(site.url(req_url))
        pro.locator(f"main a[href='{timeline_url}']").first.click()
        expect(pro).to_have_url(site.url(timeline_url))

        # One lane per request, in order; each step a marker of its type, in date order.
        mine = [(t, 0, 50, 0) for t in event_types(req)]
        expected = {earlier.pk: earlier_steps, req_pk: mine}
        lanes = pro.locator("main .maatwerk-lane")
        expect(lanes).to_have_count(2)
        for index, (pk, steps) in enumerate(expected.items()):
            lane = lanes.nth(index)
            expect(lane.locator(".maatwerk-lane__head a")).to_have_attribute(
                "href", f"/journeys/requests/{pk}/"
            )
            markers = lane.locator(".maatwerk-lane__step")
            expect(markers).to_have_count(len(steps))
            classes = markers.evaluate_all("(els) => els.map((el) => el.className)")
            assert [
                re.search(r"maatwerk-lane__step--(?!row|end)([a-z_]+)", c).group(1) for c in classes
            ] == [step[0] for step in steps], classes
            # Each marker at its day's share of the 50-day axis: placed by the page's
            # <style> with the response's nonce (the CSP refuses style attributes).
            shares = markers.evaluate_all(
                """(els) => els.map((el) => {
                    const track = el.parentElement.getBoundingClientRect();
                    return (el.getBoundingClientRect().left - track.left) / track.width;
                })"""
            )
            assert shares == pytest.approx([step[2] / 50 for step in steps], abs=0.005), shares

        # The table: every step with its date, its day on the axis and the days waited.
        table_rows = pro.locator("main #journey-table + .maatwerk-table-scroll table tbody tr")
        rows = [
            (reference, (today - timedelta(days=days_ago)).isoformat(), str(day), str(waited))
            for reference, steps in (("R1", earlier_steps), ("R2", mine))
            for _type, days_ago, day, waited in steps
        ]
        expect(table_rows).to_have_count(len(rows))
        shown = table_rows.evaluate_all(
            """(rows) => rows.map((row) => {
                const cells = [...row.querySelectorAll('td')];
                return [cells[0].textContent.trim().split(' ')[0],
                        cells[2].querySelector('time').getAttribute('datetime'),
                        cells[3].textContent.trim(), cells[4].textContent.trim()];
            })"""
        )
        assert [tuple(row) for row in shown] == rows
        # The refusals carry their reason, the escalations their level (as the page
        # says them, translated or not).
        with translation.override("nl"):
            wording = {
                3: str(RefusalReason.NOT_IN_THIS_CASE.label),
                4: gettext("level %(level)s") % {"level": 1},
                6: str(RefusalReason.NOT_ALLOWED_BY_LAW.label),
                7: gettext("level %(level)s") % {"level": 2},
            }
        labels = table_rows.locator("td:nth-child(2)")
        for index, text in wording.items():
            expect(labels.nth(index)).to_contain_text(text)

        # Per request: rounds, redirects and the current wait.
        summary = pro.locator("main table").nth(1).locator("tbody tr")
        expect(summary).to_have_count(2)
        per_request = summary.evaluate_all(
            """(rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(2)
                .map((cell) => cell.textContent.trim()))"""
        )
        assert per_request == [["2", "1", "25"], ["1", "0", "–"]], per_request
        assert_accessible(pro, context="journey timeline")

    # Every browser step of the journey was written by the right person, on the record.
    assert list(
        JourneyEvent.objects.filter(request_id=req_pk)
        .order_by("id")
        .values_list("entered_by__username", flat=True)
    ) == [
        "professional",
        "decision_maker",
        "professional",
        "decision_maker",
        "professional",
        "decision_maker",
    ]
