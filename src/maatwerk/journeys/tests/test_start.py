"""The start page's journeys sections: the professional's cases that need them now and
why, the next deadlines and unread notices; the decision maker's overdue and waiting
requests; the coordinator's escalated cases and cases without a next step. Bounded,
constant in the number of cases, within the policy, and logged."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from maatwerk.audit.models import AccessLogEntry
from maatwerk.cases.attention import LABELS as ATTENTION_LABELS
from maatwerk.cases.attention import Reason, refresh_attention
from maatwerk.cases.models import Case
from maatwerk.cases.plans import ActionInput, GoalInput, PlanContent, plan_save_version
from maatwerk.journeys import start
from maatwerk.journeys.services import record_event, request_create
from maatwerk.notices.kinds import render
from maatwerk.notices.models import Kind, Notice
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 30)  # a Tuesday
# The stored reasons' labels (cases.attention), by the names these tests use.
LABELS = {
    "r_overdue": str(ATTENTION_LABELS[Reason.OVERDUE]),
    "r_refused": str(ATTENTION_LABELS[Reason.REFUSAL]),
    "r_condition": str(ATTENTION_LABELS[Reason.CONDITION]),
    "r_action": str(ATTENTION_LABELS[Reason.ACTION]),
    "r_agreement": str(ATTENTION_LABELS[Reason.AGREEMENT]),
    "r_intake": str(ATTENTION_LABELS[Reason.INTAKE]),
}


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(noon(date(2027, 3, 1)), tick=False) as traveller:
        yield lambda day: traveller.move_to(noon(day))


def send(owner, case, organisation, on, subject="Een uitzondering"):
    req = request_create(
        request=None, user=owner, case=case, organisation=organisation, subject=subject
    )
    record_event(request=None, user=owner, req=req, type="submitted", on=on)
    req.refresh_from_db()
    return req


def plan_with_action(owner, case, due_on):
    plan_save_version(
        request=None,
        user=owner,
        case=case,
        content=PlanContent(
            title="Plan",
            goals=[GoalInput(text="Rust")],
            actions=[ActionInput(what="Schuldhulp aanmelden", due_on=due_on)],
        ),
        plan=None,
        based_on=0,
    )


@pytest.fixture
def world(clock, make_user, teams, professional):
    uwv = OrganisationFactory(name="UWV", response_target_days=10)
    gemeente = OrganisationFactory(name="Gemeente Voorbeeld", response_target_days=10)
    cases = {
        name: make_case(teams[0], professional)
        for name in ("overdue", "refused", "condition", "plan", "intake")
    }
    other = make_case(teams[1], make_user("professional", teams=[teams[1]]))
    clock(date(2027, 3, 2))
    refused = send(professional, cases["refused"], gemeente, date(2027, 3, 2))
    record_event(request=None, user=professional, req=refused, type="refused", reason="precedent")
    plan_with_action(professional, cases["plan"], date(2027, 3, 10))
    clock(date(2027, 3, 11))
    overdue = send(professional, cases["overdue"], uwv, date(2027, 3, 11))
    send(other.owner, other, uwv, date(2027, 3, 11))
    clock(date(2027, 3, 22))
    conditional = send(professional, cases["condition"], uwv, date(2027, 3, 22))
    record_event(
        request=None,
        user=professional,
        req=conditional,
        type="condition_added",
        text="Alleen met een budgetcursus",
    )
    clock(date(2027, 3, 29))
    calm = make_case(teams[0], professional)  # fresh intake: nothing needs attention
    clock(TODAY)
    # What the scheduler's daily run does: the reasons that start when a date passes.
    refresh_attention(today=TODAY)
    return {
        "uwv": uwv,
        "cases": cases,
        "calm": calm,
        "other": other,
        "overdue": overdue,
        "conditional": conditional,
    }


def test_the_professional_sees_each_case_that_needs_them_with_why(world, professional):
    rows, total = start.attention_cases(professional, TODAY)
    reasons = {row.case.pk: row.reasons for row in rows}
    cases = world["cases"]
    assert total == 5
    assert reasons == {
        cases["overdue"].pk: [LABELS["r_overdue"]],
        cases["refused"].pk: [LABELS["r_refused"]],
        cases["condition"].pk: [LABELS["r_condition"]],
        cases["plan"].pk: [LABELS["r_action"], LABELS["r_agreement"]],
        cases["intake"].pk: [LABELS["r_intake"]],
    }
    assert world["calm"].pk not in reasons and world["other"].pk not in reasons


def test_a_closed_case_needs_nobody(world, professional):
    Case.objects.filter(pk=world["cases"]["overdue"].pk).update(status="closed")
    rows, total = start.attention_cases(professional, TODAY)
    assert total == 4 and world["cases"]["overdue"].pk not in {row.case.pk for row in rows}


def test_the_next_deadlines_are_requests_and_plan_actions_soonest_first(world, professional, clock):
    clock(date(2027, 3, 1))
    plan_with_action(professional, world["calm"], date(2027, 4, 2))
    clock(TODAY)
    rows = start.next_deadlines(professional, TODAY)
    assert [(row.on, bool(row.request), row.late) for row in rows] == [
        (world["overdue"].due_on, True, True),
        (date(2027, 4, 2), False, False),
        (world["conditional"].due_on, True, False),
    ]


def test_the_professional_start_page_shows_and_logs_the_work(client, login, world, professional):
    req = world["overdue"]
    notice = Notice.objects.create(
        recipient=professional,
        case=req.case,
        kind=Kind.REFUSED,
        subject="journeys.request",
        object_id=req.pk,
        key="x:1",
        facts={"household": req.case.household.pseudonym, "reference": req.reference,
               "organisation": req.organisation.name, "date": "2027-03-01"},
        url_name="journeys:request_detail",
        url_args=[req.pk],
    )  # fmt: skip
    login(professional)
    response = client.get(reverse("web:home"))
    content = response.content.decode()
    section = next(s for s in response.context["sections"] if "attention" in s)
    assert section["attention_total"] == 5 and section["notices_total"] == 1
    with translation.override("nl"):
        assert escape(render(notice.kind, notice.facts)) in content
    assert world["other"].household.pseudonym not in content
    log = AccessLogEntry.objects.get(detail__startswith="start page, my work")
    assert log.actor == professional
    assert world["cases"]["overdue"].household.pseudonym in log.detail
    assert "Schuldhulp" not in log.detail  # names, never content


def test_the_decision_maker_sees_overdue_and_waiting_requests_of_the_organisation(
    client, login, world, make_user
):
    decider = make_user("decision_maker", organisation=world["uwv"])
    login(decider)
    response = client.get(reverse("web:home"))
    section = next(s for s in response.context["sections"] if "overdue" in s)
    overdue = [req.pk for req in section["overdue"]]
    assert world["overdue"].pk in overdue and len(overdue) == 2  # also the other team's
    assert [req.pk for req in section["waiting"]] == [world["conditional"].pk]
    assert section["totals"] == {"late_total": 2, "waiting_total": 1}
    content = response.content.decode()
    assert reverse("journeys:decide", args=[world["overdue"].pk]) in content
    assert "Een uitzondering" not in content  # what is asked stays on the decide page
    assert AccessLogEntry.objects.filter(detail__startswith="start page, requests").exists()


def test_another_organisations_decision_maker_sees_none(client, login, world, make_user):
    login(make_user("decision_maker", organisation=OrganisationFactory()))
    section = next(s for s in client.get(reverse("web:home")).context["sections"] if "overdue" in s)
    assert section["overdue"] == section["waiting"] == []


def test_the_coordinator_sees_escalated_cases_and_cases_without_a_next_step(
    client, login, world, make_user, professional
):
    coordinator = make_user("coordinator")
    record_event(request=None, user=professional, req=world["overdue"], type="escalated", level=4)
    login(coordinator)
    response = client.get(reverse("web:home"))
    section = next(s for s in response.context["sections"] if "escalated" in s)
    assert [req.pk for req in section["escalated"]] == [world["overdue"].pk]
    assert section["idle"] == []  # the escalated case has its open request
    record_event(request=None, user=professional, req=world["overdue"], type="withdrawn")
    section = next(
        s for s in client.get(reverse("web:home")).context["sections"] if "escalated" in s
    )
    assert section["escalated"] == []
    assert [case.pk for case in section["idle"]] == [world["cases"]["overdue"].pk]


def test_the_professional_has_no_coordinator_or_decision_section(client, login, professional):
    login(professional)
    templates = [s["template"] for s in client.get("/").context["sections"]]
    assert "journeys/_start_professional.html" in templates
    assert "journeys/_start_decision_maker.html" not in templates
    assert "journeys/_start_coordinator.html" not in templates


@pytest.mark.parametrize("role", ["professional", "decision_maker", "coordinator"])
def test_the_start_page_needs_as_many_queries_with_more_cases(
    client, login, world, make_user, professional, teams, clock, role, assert_constant_queries
):
    users = {
        "professional": professional,
        "decision_maker": make_user("decision_maker", organisation=world["uwv"]),
        "coordinator": make_user("coordinator"),
    }
    login(users[role])
    # Something to show (and log) before the growth too.
    record_event(request=None, user=professional, req=world["overdue"], type="escalated", level=4)

    def grow():
        clock(date(2027, 3, 2))
        for _ in range(12):
            case = make_case(teams[0], professional)
            plan_with_action(professional, case, date(2027, 3, 10))
            plan_with_action(professional, case, date(2027, 4, 10))
            req = send(professional, case, world["uwv"], date(2027, 3, 2))
            record_event(request=None, user=professional, req=req, type="escalated", level=4)
        clock(TODAY)

    runs = assert_constant_queries(lambda: client.get("/"), grow)
    assert runs.after.result.status_code == 200
    if role == "professional":
        section = runs.after.result.context["sections"][0]
        assert len(section["attention"]) == start.START_SIZE
        # The escalation above restarted the overdue request's clock: 4 of the first 5.
        assert section["attention_total"] == 4 + 12
