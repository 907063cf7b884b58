"""Fixtures for the budget tests: a team budget for this year, two budget holders
(four eyes), a case of the team, a coordinator."""

from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone

from maatwerk.budgets import services
from maatwerk.testing.cases import make_case


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
