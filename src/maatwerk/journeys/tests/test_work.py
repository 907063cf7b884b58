"""The professional's side of the journey: sending requests, logging steps, the journey
timeline of a case and the work queue."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
    plan_action_done,
    plan_save_version,
)
from maatwerk.journeys.calendar import add_working_days
from maatwerk.journeys.models import CounterArgument, EventType, JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.register.models import LegalGround
from maatwerk.testing.cases import make_case, make_cases
from maatwerk.testing.factories import EscalationStepFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def ago(days):
    return today() - timedelta(days=days)


@pytest.fixture
def uwv(db):
    organisation = OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)
    EscalationStepFactory(organisation=organisation, level=1, contact__name="Anna Contact")
    EscalationStepFactory(organisation=organisation, level=2, contact__name="Bert Manager")
    return organisation


def open_cases(team, owner, count, opened_days_ago=200):
    return [make_case(team, owner, on=ago(opened_days_ago)) for _ in range(count)]


@pytest.fixture
def case(teams, professional):
    return open_cases(teams[0], professional, 1)[0]


def new_request(user, case, organisation, **fields):
    return request_create(
        request=None,
        user=user,
        case=case,
        organisation=organisation,
        subject="WW-uitkering ondanks de kostendelersnorm",
        **fields,
    )


def step(user, req, type, on, **fields):
    return record_event(request=None, user=user, req=req, type=type, on=on, **fields)


def request_data(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "kind": "exception",
        "subject": "Uitkering ondanks de kostendelersnorm",
        "rule_text": "kostendelersnorm",
        "share_perspective": "on",
        "plan_excerpt": "Rust in huis",
        "send_now": "on",
    }
    data.update(overrides)
    return data


def step_data(type, on=None, **overrides):
    data = {"action": "step", "type": type, "on": (on or today()).isoformat()}
    data.update(overrides)
    return data


# --- Creating and sending a request --------------------------------------------------


def test_create_and_send_a_request(client, login, professional, case, uwv):
    login(professional)
    url = reverse("journeys:request_create", args=[case.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "Wij willen rust" in form_page.content.decode()  # the household's perspective
    assert form_page.context["form"]["send_now"].value() is True
    assert form_page.context["form"]["share_perspective"].value() is True

    response = client.post(url, request_data(uwv))
    req = Request.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == reverse("journeys:request_detail", args=[req.pk])
    assert req.state == Request.State.WAITING and req.reference == "R1"
    assert req.first_submitted_on == today()
    assert req.due_on == add_working_days(today(), uwv.response_target_days)
    assert req.rule_text == "kostendelersnorm" and req.share_perspective
    case.refresh_from_db()
    assert case.status == Case.Status.JOURNEY
    share = AccessLogEntry.objects.get(action=Action.SHARE)
    assert share.household == case.household.pseudonym and "UWV" in share.detail
    assert share.actor == professional

    page = client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert f'datetime="{req.due_on.isoformat()}"' in content  # the computed due date
    assert "Wij willen rust" in content  # the case header with the perspective
    read = AccessLogEntry.objects.filter(action=Action.READ, detail="request R1")
    assert read.count() == 1 and read.get().household == case.household.pseudonym


def test_a_draft_is_not_sent(client, login, professional, case, uwv):
    login(professional)
    url = reverse("journeys:request_create", args=[case.pk])
    response = client.post(url, request_data(uwv, send_now=""))
    assert response.status_code == 302
    req = Request.objects.get(case=case)
    assert req.state == Request.State.DRAFT and req.due_on is None
    assert not req.events.exists()
    assert not AccessLogEntry.objects.filter(action=Action.SHARE).exists()


def test_plan_excerpt_is_prefilled_with_the_newest_goals(client, login, professional, case):
    login(professional)
    content = PlanContent(
        title="Plan voor rust",
        goals=[GoalInput("Huurachterstand bevriezen"), GoalInput("Inkomen op orde")],
    )
    plan_save_version(
        request=None, user=professional, case=case, content=content, plan=None, based_on=0
    )
    form = client.get(reverse("journeys:request_create", args=[case.pk])).context["form"]
    excerpt = form["plan_excerpt"].value()
    assert "Huurachterstand bevriezen" in excerpt and "Inkomen op orde" in excerpt


def test_sharing_more_needs_a_legal_basis(client, login, professional, case, uwv):
    # Only rows written after the case was opened (case_open logs the opening itself).
    opened = AccessLogEntry.objects.values_list("pk", flat=True)
    logged = AccessLogEntry.objects.exclude(pk__in=list(opened))
    login(professional)
    url = reverse("journeys:request_create", args=[case.pk])
    response = client.post(
        url,
        request_data(uwv, extra_shared="Het schuldenoverzicht", extra_household_agreed_on=today()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["extra_legal_basis"]
    assert not Request.objects.exists()
    assert not logged.filter(action__in=[Action.SHARE, Action.CREATE]).exists()

    future = client.post(
        url,
        request_data(
            uwv,
            extra_shared="Het schuldenoverzicht",
            extra_legal_basis="Wgs art. 3",
            extra_household_agreed_on=(today() + timedelta(days=3)).isoformat(),
        ),
    )
    assert future.context["form"].errors["extra_household_agreed_on"]
    assert not Request.objects.exists()

    ok = client.post(
        url,
        request_data(
            uwv,
            extra_shared="Het schuldenoverzicht",
            extra_legal_basis="Wgs art. 3",
            extra_household_agreed_on=today().isoformat(),
        ),
    )
    assert ok.status_code == 302
    share = AccessLogEntry.objects.get(action=Action.SHARE)
    assert "more (with legal basis)" in share.detail


# --- Logging steps -------------------------------------------------------------------


def test_the_step_form_offers_only_what_fits_the_state(client, login, professional, case, uwv):
    login(professional)
    req = new_request(professional, case, uwv)
    url = reverse("journeys:request_detail", args=[req.pk])
    offered = [value for value, _ in client.get(url).context["event_form"].allowed]
    assert offered == ["submitted", "withdrawn"]
    step(professional, req, "submitted", ago(3))
    offered = [value for value, _ in client.get(url).context["event_form"].allowed]
    assert "approved" in offered and "refused" in offered and "information_provided" not in offered


def test_events_that_do_not_fit_are_refused_and_nothing_is_stored(
    client, login, professional, case, uwv
):
    login(professional)
    draft = new_request(professional, case, uwv)
    url = reverse("journeys:request_detail", args=[draft.pk])
    never_sent = client.post(url, step_data("approved", text="Alles"))
    assert never_sent.status_code == 200
    assert never_sent.context["event_form"].errors["type"]
    assert not JourneyEvent.objects.exists()
    draft.refresh_from_db()
    assert draft.state == Request.State.DRAFT

    step(professional, draft, "submitted", ago(5))
    step(professional, draft, "withdrawn", ago(1))
    events = JourneyEvent.objects.count()
    withdrawn = client.post(url, step_data("approved", text="Toch goedgekeurd"))
    (message,) = withdrawn.context["event_form"].errors["type"]
    with translation.override("nl"):  # names the event and the state
        assert str(EventType.APPROVED.label) in message
        assert str(Request.State.WITHDRAWN.label) in message
    assert JourneyEvent.objects.count() == events
    draft.refresh_from_db()
    assert draft.state == Request.State.WITHDRAWN
    assert withdrawn.context["event_form"] is not None  # errors stay visible


def test_future_dates_and_missing_reasons_are_field_errors(client, login, professional, case, uwv):
    login(professional)
    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(5))
    url = reverse("journeys:request_detail", args=[req.pk])
    future = client.post(
        url, step_data("information_requested", on=today() + timedelta(days=1), text="Loonstrook")
    )
    assert set(future.context["event_form"].errors) == {"on"}
    no_reason = client.post(url, step_data("refused"))
    assert no_reason.context["event_form"].errors["reason"]
    too_early = client.post(url, step_data("information_requested", on=ago(6), text="Loonstrook"))
    assert too_early.context["event_form"].errors["on"]
    assert req.events.count() == 1


def test_log_an_answer_by_phone_and_escalate_to_a_contact(client, login, professional, case, uwv):
    login(professional)
    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(20))
    url = reverse("journeys:request_detail", args=[req.pk])
    response = client.post(
        url,
        step_data(
            "redirected",
            on=ago(15),
            on_behalf_of="telefonisch antwoord van UWV",
            reason="wrong_desk",
            redirected_to="SVB",
            level="2",  # ignored: not an escalation
        ),
    )
    assert response.status_code == 302
    redirected = req.events.get(type="redirected")
    assert redirected.on_behalf_of == "telefonisch antwoord van UWV"
    assert (redirected.reason, redirected.redirected_to, redirected.level) == (
        "wrong_desk",
        "SVB",
        None,
    )
    assert redirected.entered_by == professional
    page = client.get(url)
    assert page.context["event_form"].fields["level"].initial == 1
    assert "Bert Manager" in page.content.decode()  # the escalation route's contacts
    response = client.post(url, step_data("escalated", on=ago(10), level="2"))
    assert response.status_code == 302
    escalated = req.events.get(type="escalated")
    assert escalated.level == 2 and escalated.escalated_to.name == "Bert Manager"
    req.refresh_from_db()
    assert req.escalation_level == 2 and req.state == Request.State.WAITING
    missing_level = client.post(url, step_data("escalated", on=ago(5)))
    assert missing_level.context["event_form"].errors["level"]


def test_refusal_shows_counter_arguments_and_no_bare_count_of_earlier_approvals(
    client, login, professional, case, uwv, teams, outsider
):
    assert CounterArgument.objects.filter(reason="not_allowed_by_law").exists()  # seeded
    login(professional)
    other_case = open_cases(teams[1], outsider, 1)[0]  # another team's case
    earlier = new_request(outsider, other_case, uwv)
    step(outsider, earlier, "submitted", ago(40))
    step(outsider, earlier, "approved", ago(30), text="Uitkering toegekend")

    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(10))
    url = reverse("journeys:request_detail", args=[req.pk])
    assert client.get(url).context["refusal"] is None
    response = client.post(
        url, step_data("refused", on=ago(2), reason="not_allowed_by_law", text="Mag niet")
    )
    assert response.status_code == 302
    page = client.get(url)
    content = page.content.decode()
    refusal = page.context["refusal"]
    # An earlier approval elsewhere is no bare count any more ("1 earlier request to
    # UWV was approved", with no way to see it): the learning app's section lists the
    # similar precedents, each a link (learning/tests/test_precedents.py).
    assert "approvals" not in refusal
    assert "eerder verzoek" not in content and "earlier request" not in content
    for argument in CounterArgument.objects.filter(reason="not_allowed_by_law"):
        assert argument.text_nl in content
    ground = LegalGround.objects.get(code="awb-4-84")
    assert ground.title in content  # the exception grounds with the counter-argument
    assert any(ground in argument["grounds"] for argument in refusal["arguments"])


def test_household_answer_to_a_condition_is_a_correcting_event(
    client, login, professional, case, uwv
):
    login(professional)
    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(10))
    url = reverse("journeys:request_detail", args=[req.pk])
    response = client.post(
        url, step_data("condition_added", on=ago(5), text="Eerst een budgetcursus volgen")
    )
    assert response.status_code == 302
    condition = req.events.get(type="condition_added")
    assert condition.household_agrees is None
    prefix = f"condition-{condition.pk}"
    bad = client.post(
        url,
        {"action": "answer", "condition": condition.pk, f"{prefix}-household_agrees": "no",
         f"{prefix}-on": (today() + timedelta(days=2)).isoformat()},
    )  # fmt: skip
    assert bad.status_code == 200
    answer_form = bad.context["conditions"][0]["form"]
    assert answer_form.errors["on"]
    answered = client.post(
        url,
        {"action": "answer", "condition": condition.pk, f"{prefix}-household_agrees": "no",
         f"{prefix}-on": ago(1).isoformat()},
    )  # fmt: skip
    assert answered.status_code == 302
    answer = req.events.get(corrects=condition)
    assert answer.type == "condition_added" and answer.household_agrees is False
    assert answer.text == condition.text
    condition.refresh_from_db()
    assert condition.household_agrees is None  # the original is never changed
    page = client.get(url)
    assert [c["event"] for c in page.context["conditions"]] == [answer]
    # answering the superseded condition again is refused
    again = client.post(
        url,
        {"action": "answer", "condition": condition.pk, f"{prefix}-household_agrees": "yes",
         f"{prefix}-on": ago(1).isoformat()},
    )  # fmt: skip
    assert again.status_code == 302
    assert req.events.count() == 3


# --- Access ---------------------------------------------------------------------------


def test_other_teams_and_decision_makers_get_404(
    client, login, professional, outsider, case, uwv, make_user
):
    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(3))
    urls = [
        reverse("journeys:request_create", args=[case.pk]),
        reverse("journeys:request_detail", args=[req.pk]),
        reverse("journeys:timeline", args=[case.pk]),
    ]
    login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(urls[0], request_data(uwv)).status_code == 404
    assert client.post(urls[1], step_data("withdrawn")).status_code == 404
    client.logout()
    # A decision maker of the organisation sees the request in the inbox, not here.
    login(make_user("decision_maker", organisation=uwv))
    for url in urls:
        assert client.get(url).status_code == 404
    assert Request.objects.count() == 1 and req.events.count() == 1
    assert not AccessLogEntry.objects.filter(action=Action.READ).exists()


def test_case_page_lists_the_requests(client, login, professional, case, uwv):
    login(professional)
    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(3))
    content = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("journeys:request_detail", args=[req.pk]) in content
    assert reverse("journeys:request_create", args=[case.pk]) in content
    assert reverse("journeys:timeline", args=[case.pk]) in content


# --- Timeline -------------------------------------------------------------------------


def test_timeline_day_counts_rounds_and_redirects(client, login, professional, case, uwv):
    login(professional)
    svb = OrganisationFactory(name="SVB")
    first = new_request(professional, case, uwv)
    step(professional, first, "submitted", ago(60))
    step(professional, first, "redirected", ago(55), reason="wrong_desk", redirected_to="SVB")
    step(professional, first, "submitted", ago(48))
    step(professional, first, "refused", ago(40), reason="precedent")
    step(professional, first, "escalated", ago(35), level=2)
    step(professional, first, "approved", ago(20), text="Uitkering toegekend")
    second = new_request(professional, case, svb)
    step(professional, second, "submitted", ago(50))
    step(professional, second, "information_requested", ago(45), text="Het jaaroverzicht")
    new_request(professional, case, svb)  # a draft: a lane without steps

    response = client.get(reverse("journeys:timeline", args=[case.pk]))
    assert response.status_code == 200
    lanes = response.context["lanes"]
    assert response.context["origin"] == ago(60)
    assert response.context["total_days"] == 60
    days = [(s.event.type, s.day, s.waited) for s in lanes[0].steps]
    assert days == [
        ("submitted", 0, 0),
        ("redirected", 5, 5),
        ("submitted", 12, 7),
        ("refused", 20, 8),
        ("escalated", 25, 5),
        ("approved", 40, 15),
    ]
    assert (lanes[0].rounds, lanes[0].redirects, lanes[0].waiting_days) == (2, 1, None)
    assert [(s.day, s.waited) for s in lanes[1].steps] == [(10, 0), (15, 5)]
    assert (lanes[1].rounds, lanes[1].redirects, lanes[1].waiting_days) == (1, 0, 45)
    assert lanes[2].steps == []
    # positions on the axis: day 30 of 60 is half-way, written with a decimal point
    assert [m.left for m in lanes[0].markers] == [
        "0.00",
        "8.33",
        "20.00",
        "33.33",
        "41.67",
        "66.67",
    ]
    assert lanes[1].wait_bar == {"left": "25.00", "width": "75.00"}

    content = response.content.decode()
    table = content[content.index('id="journey-table"') :]
    assert table.count('<tr class="utrecht-table__row">') == 8 + 1 + 3 + 1  # rows + headers
    for event in JourneyEvent.objects.all():
        assert f'datetime="{event.on.isoformat()}"' in table
    assert "left: 66.67%" in content
    log = AccessLogEntry.objects.filter(action=Action.READ, detail="journey timeline")
    assert log.count() == 1


def test_timeline_places_its_markers_under_the_content_security_policy(
    client, login, professional, case, uwv
):
    """The policy refuses style attributes and inline styles without this response's
    nonce; the positions are rules in one <style> element that carries it."""
    login(professional)
    first = new_request(professional, case, uwv)
    step(professional, first, "submitted", ago(10))
    step(professional, first, "information_requested", ago(5), text="Het jaaroverzicht")
    response = client.get(reverse("journeys:timeline", args=[case.pk]))
    content = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style([^>]*)>(.*?)</style>", content, re.DOTALL)
    assert [attributes for attributes, _rules in styles] == [f' nonce="{nonce}"']
    rules = styles[0][1]
    # day 5 of 10, and the wait since then runs to today, day 10
    assert "#timeline-step-1-2 { left: 50.00%; }" in rules
    assert "#timeline-wait-1 { left: 50.00%; width: 50.00%; }" in rules
    assert 'id="timeline-step-1-2"' in content and 'id="timeline-wait-1"' in content
    assert " style=" not in content
    # Every element a rule places is on the page, and the other way round.
    placed = set(re.findall(r"#(timeline-[a-z0-9-]+) \{", rules))
    assert placed == set(re.findall(r'id="(timeline-[a-z0-9-]+)"', content))
    # A new nonce for every response.
    again = client.get(reverse("journeys:timeline", args=[case.pk]))
    assert f'nonce="{nonce}"' not in again.content.decode()


def test_timeline_without_requests(client, login, professional, case):
    login(professional)
    response = client.get(reverse("journeys:timeline", args=[case.pk]))
    assert response.status_code == 200 and response.context["lanes"] == []


# --- Work queue -----------------------------------------------------------------------


def queue(client, scope="mine"):
    response = client.get(reverse("journeys:queue"), {"scope": scope})
    assert response.status_code == 200
    return {name: [r.pk for r in rows] for name, rows in response.context["sections"].items()}


def test_work_queue_sections(client, login, professional, colleague, outsider, teams, uwv):
    login(professional)
    mine = open_cases(teams[0], professional, 5)
    theirs = open_cases(teams[0], colleague, 1)[0]
    other_team = open_cases(teams[1], outsider, 1)[0]

    overdue = new_request(professional, mine[0], uwv)
    step(professional, overdue, "submitted", ago(40))
    condition = new_request(professional, mine[1], uwv)
    step(professional, condition, "submitted", ago(8))
    step(professional, condition, "condition_added", ago(3), text="Budgetcursus")
    agreed = new_request(professional, mine[1], uwv)
    step(professional, agreed, "submitted", ago(8))
    step(professional, agreed, "condition_added", ago(3), text="Cursus", household_agrees=True)
    stale = new_request(professional, mine[2], uwv)
    step(professional, stale, "submitted", ago(35))
    step(professional, stale, "refused", ago(12), reason="precedent")
    fresh = new_request(professional, mine[3], uwv)
    step(professional, fresh, "submitted", ago(4))
    step(professional, fresh, "refused", ago(2), reason="who_pays")
    new_request(professional, mine[4], uwv)  # a draft: in no section
    colleagues = new_request(colleague, theirs, uwv)
    step(colleague, colleagues, "submitted", ago(50))
    foreign = new_request(outsider, other_team, uwv)
    step(outsider, foreign, "submitted", ago(70))

    sections = queue(client, "mine")
    assert sections["overdue"] == [overdue.pk]
    assert sections["conditions"] == [condition.pk]
    assert sections["refusals"] == [stale.pk]
    assert sections["waiting"] == [overdue.pk, stale.pk, condition.pk, agreed.pk, fresh.pk]

    team = queue(client, "team")
    assert team["overdue"] == [colleagues.pk, overdue.pk]
    assert team["waiting"][0] == colleagues.pk
    assert foreign.pk not in {pk for rows in team.values() for pk in rows}

    # The household's answer takes the condition off the queue (latest answer counts).
    disagrees = step(
        professional, condition, "condition_added", ago(2), text="Budgetcursus",
        household_agrees=False, corrects=condition.events.get(type="condition_added"),
    )  # fmt: skip
    assert queue(client)["conditions"] == [condition.pk]
    step(
        professional, condition, "condition_added", ago(1), text="Budgetcursus",
        household_agrees=True, corrects=disagrees,
    )  # fmt: skip
    assert queue(client)["conditions"] == []
    log = AccessLogEntry.objects.filter(action=Action.SEARCH, object_type="journeys.request")
    assert log.count() == 4


def test_work_queue_page_and_navigation(client, login, professional, make_user):
    login(professional)
    home = client.get("/")
    assert reverse("journeys:queue") in [item["url"] for item in home.context["main_nav"]]
    response = client.get(reverse("journeys:queue"))
    assert response.status_code == 200 and response.context["scope"] == "mine"
    client.logout()
    login(make_user("decision_maker"))
    assert client.get(reverse("journeys:queue")).status_code == 403


def bulk_requests(cases, organisation, user):
    """Requests in every queue section, created in bulk (the services are tested above)."""
    requests = Request.objects.bulk_create(
        [
            Request(
                case=case,
                reference="R1",
                organisation=organisation,
                subject="Verzoek",
                state=[Request.State.WAITING, Request.State.REFUSED][i % 2],
                first_submitted_on=ago(60 - i % 30),
                due_on=ago(40),
                created_by=user,
            )
            for i, case in enumerate(cases)
        ]
    )
    events = []
    for i, req in enumerate(requests):
        events.append(JourneyEvent(request=req, type="submitted", on=ago(60), entered_by=user))
        if i % 2:
            events.append(
                JourneyEvent(
                    request=req, type="refused", reason="other", on=ago(30), entered_by=user
                )
            )
        else:
            events.append(
                JourneyEvent(
                    request=req, type="condition_added", text="Voorwaarde", on=ago(30),
                    entered_by=user,
                )
            )  # fmt: skip
    JourneyEvent.objects.bulk_create(events)


def bulk_cases(team, owner, count, start):
    """Cases opened 200 days ago, in bulk like the requests: a measurement with many rows."""
    return make_cases(team, owner, count, start=start, on=ago(200))


def test_work_queue_query_count_is_constant(
    client, login, professional, teams, uwv, assert_constant_queries
):
    login(professional)
    bulk_requests(bulk_cases(teams[0], professional, 4, start=0), uwv, professional)
    runs = assert_constant_queries(
        {
            scope: lambda scope=scope: client.get(reverse("journeys:queue"), {"scope": scope})
            for scope in ("mine", "team")
        },
        grow=lambda: bulk_requests(
            bulk_cases(teams[0], professional, 96, start=100), uwv, professional
        ),
    )
    for scope in ("mine", "team"):
        for run, expected in (
            (runs[scope].before, {"overdue": 2, "conditions": 2, "refusals": 2, "waiting": 4}),
            (runs[scope].after, {"overdue": 50, "conditions": 50, "refusals": 50, "waiting": 100}),
        ):
            assert run.result.status_code == 200
            totals = run.result.context["totals"]
            assert {name: totals[name] for name in expected} == expected
    response = client.get(reverse("journeys:queue"))
    assert len(response.context["sections"]["waiting"]) == 25
    assert "25" in response.content.decode() and "100" in response.content.decode()


def plan_with_actions(case, user, actions):
    return plan_save_version(
        request=None,
        user=user,
        case=case,
        content=PlanContent(title="Rust", goals=[GoalInput(text="Rust")], actions=actions),
        plan=None,
        based_on=0,
    )


def test_the_work_queue_lists_the_plan_actions(client, login, professional, colleague, teams):
    """Plan actions are work: the queue lists the open ones given to me (past their date
    first), my teams' with "team", never those done or of a closed case."""
    login(professional)
    mine, theirs, closed = open_cases(teams[0], professional, 3)
    version = plan_with_actions(
        mine,
        professional,
        [
            ActionInput(what="Aanvraag bijzondere bijstand", due_on=ago(-5), owner=professional),
            ActionInput(what="Bellen met Ymere", due_on=ago(3), owner=professional),
            ActionInput(what="Al gedaan", due_on=ago(9), owner=professional),
        ],
    )
    plan_with_actions(theirs, professional, [ActionInput(what="Huisbezoek", owner=colleague)])
    plan_with_actions(closed, professional, [ActionInput(what="Dicht", owner=professional)])
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    done = version.actions.get(what="Al gedaan")
    plan_action_done(request=None, user=professional, action=done, done_on=today())

    response = client.get(reverse("journeys:queue"))
    rows = response.context["actions"]
    assert [row.what for row in rows] == ["Bellen met Ymere", "Aanvraag bijzondere bijstand"]
    assert [row.late for row in rows] == [True, False]
    totals = response.context["totals"]
    assert (totals["actions"], totals["actions_late"]) == (2, 1)
    content = response.content.decode()
    assert 'data-testid="queue-action"' in content and "Bellen met Ymere" in content
    assert reverse("cases:action_done", args=[mine.pk, version.plan_id, rows[0].pk]) in content

    team = client.get(reverse("journeys:queue"), {"scope": "team"}).context["actions"]
    assert {row.what for row in team} == {
        "Bellen met Ymere",
        "Aanvraag bijzondere bijstand",
        "Huisbezoek",
    }
    log = AccessLogEntry.objects.filter(action=Action.SEARCH, object_type="journeys.request")
    assert log.latest("id").detail == "work queue; scope=team; actions shown=3"


def test_the_work_queue_actions_need_constant_queries(
    client, login, professional, teams, assert_constant_queries
):
    login(professional)

    def grow(count):
        for case in open_cases(teams[0], professional, count):
            plan_with_actions(
                case, professional, [ActionInput(what="Bellen", due_on=ago(1), owner=professional)]
            )

    grow(2)
    runs = assert_constant_queries(
        lambda: client.get(reverse("journeys:queue")), grow=lambda: grow(8)
    )
    assert runs.before.result.context["totals"]["actions"] == 2
    assert runs.after.result.context["totals"]["actions"] == 10


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "١", "-1", ""])
def test_an_odd_condition_number_is_no_500(client, login, professional, case, uwv, value):
    login(professional)
    req = new_request(professional, case, uwv)
    step(professional, req, "submitted", ago(10))
    url = reverse("journeys:request_detail", args=[req.pk])
    before = req.events.count()
    response = client.post(url, {"action": "answer", "condition": value})
    assert response.status_code == 302
    assert req.events.count() == before
