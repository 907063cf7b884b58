"""The case page needs a fixed number of queries, however many plans (and versions,
goals, costs), requests, spends and minutes the case has (issue 17: it issued about
ten queries per plan)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from maatwerk.budgets.services import budget_set, spend_create
from maatwerk.cases.plans import CostInput, GoalInput, PlanContent, plan_save_version, plan_state
from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings.services import meeting_create, minutes_add
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def service_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def add_plan(user, case, number: int):
    """A plan with two versions (goals, a cost line each): the page shows the newest."""
    content = PlanContent(
        title=f"Plan {number}",
        goals=[GoalInput(text="Rust in huis", perspective_sentence="Wij willen rust")],
        costs=[CostInput(kind="plan", description="Huur", amount=Decimal("100.00"))],
    )
    version = plan_save_version(
        request=None, user=user, case=case, content=content, plan=None, based_on=0
    )
    content.goals.append(GoalInput(text="Een eigen woning"))  # not from the household
    content.costs.append(CostInput(kind="current", description="Schuld", amount=Decimal("40")))
    plan_save_version(
        request=None, user=user, case=case, content=content, plan=version.plan, based_on=1
    )
    return version.plan


def add_request(user, case, organisation):
    req = request_create(
        request=None, user=user, case=case, organisation=organisation, subject="WW ondanks kdn"
    )
    on = timezone.localdate() - timedelta(days=3)
    record_event(request=None, user=user, req=req, type=EventType.SUBMITTED, on=on)
    return req


def test_case_page_query_count_does_not_grow(
    client, login, professional, make_user, teams, assert_constant_queries
):
    case = make_case(teams[0], professional, on=timezone.localdate() - timedelta(days=60))
    holder = make_user("budget_holder", teams=[teams[0]])
    budget = budget_set(
        request=service_request(holder),
        user=holder,
        team=teams[0],
        year=timezone.localdate().year,
        amount=Decimal("10000.00"),
        approval_threshold=Decimal("2500.00"),
    )
    organisations = [OrganisationFactory(name=f"Organisatie {n}") for n in range(4)]

    def add(plans: int, start: int) -> None:
        for n in range(plans):
            add_plan(professional, case, start + n)
            add_request(professional, case, organisations[(start + n) % len(organisations)])
            spend_create(
                request=service_request(professional),
                user=professional,
                case=case,
                budget=budget,
                amount="50.00",
                on=timezone.localdate(),
                purpose_category="housing",
                description=f"Huur {start + n}",
                payee_category="landlord",
            )
        meeting = meeting_create(
            request=None,
            user=professional,
            team=teams[0],
            title=f"Tafel {start}",
            starts_at=timezone.now() - timedelta(days=1),
            location="Stadhuis",
            cases=[case],
            attendees=[],
        )
        minutes_add(request=None, user=professional, meeting=meeting, case=case, text="Afspraak")

    add(1, 0)
    login(professional)
    url = reverse("cases:case_detail", args=[case.pk])
    runs = assert_constant_queries(lambda: client.get(url), grow=lambda: add(4, 10))
    assert runs.before.result.status_code == 200
    page = runs.after.result
    assert len(page.context["plans"]) == 5
    assert len(page.context["requests"]) == 5
    assert len(page.context["spends"]) == 5
    assert len(page.context["minutes"]) == 2
    # The batch answers what plan_state (the plan page's, one plan) answers.
    for state in page.context["plans"]:
        single = plan_state(state.plan)
        assert state.version.pk == single.version.pk
        assert state.latest_number == single.latest_number == 2
        assert state.agreed == single.agreed
        assert state.drifted == single.drifted is True  # the second goal is not theirs
        assert state.totals == single.totals
        assert state.difference == single.difference == Decimal("-60.00")
