"""Fixtures for the budget tests: a team budget for this year, two budget holders
(four eyes), a case of the team, a coordinator; and for the service and selector tests
(test_budget_set.py, test_spend_*.py, test_selectors.py) a frozen clock, English
messages and one fixture per service call."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone, translation

from maatwerk.budgets import services
from maatwerk.budgets.tests.support import TODAY
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory


@pytest.fixture
def rf_request():
    """A request object for the services' access log (client address, user)."""

    def make(user):
        request = RequestFactory().post("/")
        request.user = user
        return request

    return make


@pytest.fixture
def budget_holder(make_user, teams):
    return make_user("budget_holder", teams=[teams[0]], email="bea@zaanstad.example.org")


@pytest.fixture
def budget_holder2(make_user, teams):
    return make_user("budget_holder", teams=[teams[0]], email="bram@zaanstad.example.org")


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional)


@pytest.fixture
def budget(teams, budget_holder, rf_request):
    """The team's budget for this year: € 1.000,00 with an approval threshold of € 250,00."""
    return services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=teams[0],
        year=timezone.localdate().year,
        amount=Decimal("1000.00"),
        approval_threshold=Decimal("250.00"),
    )


# --- The service and selector tests ----------------------------------------------------


@pytest.fixture
def frozen():
    """The clock stops in the middle of 2026 (TODAY), so that dates before and after a
    spend stay in the budget year. Asked for before the other fixtures (usefixtures)."""
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def english():
    """Messages are checked in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_spend(rf_request, professional, case, budget):
    def make(amount="100,00", *, user=None, case=case, budget=budget, **fields):
        user = user or professional
        values = {
            "on": TODAY,
            "purpose_category": "housing",
            "description": "Huurachterstand maart",
            "payee_category": "landlord",
        }
        values.update(fields)
        return services.spend_create(
            request=rf_request(user), user=user, case=case, budget=budget, amount=amount, **values
        )

    return make


@pytest.fixture
def orgs():
    return (
        OrganisationFactory(name="UWV", type="national_agency"),
        OrganisationFactory(name="Belastingdienst", type="national_agency"),
    )


@pytest.fixture
def approve(rf_request, budget_holder2):
    def do(spend, user=None, **kwargs):
        user = user or budget_holder2
        return services.spend_approve(request=rf_request(user), user=user, spend=spend, **kwargs)

    return do


@pytest.fixture
def reverse(rf_request, budget_holder):
    def do(spend, user=None, reason="Dubbel betaald", **kwargs):
        user = user or budget_holder
        return services.spend_reverse(
            request=rf_request(user), user=user, spend=spend, reason=reason, **kwargs
        )

    return do


@pytest.fixture
def settle(rf_request, budget_holder, orgs):
    def do(spend, amount, user=None, responsible=orgs[0], on=TODAY, **kwargs):
        user = user or budget_holder
        return services.spend_settle(
            request=rf_request(user),
            user=user,
            spend=spend,
            responsible=responsible,
            amount=amount,
            on=on,
            **kwargs,
        )

    return do
