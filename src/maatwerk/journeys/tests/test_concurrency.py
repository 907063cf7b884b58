"""Requests created at the same moment (PostgreSQL: real concurrent connections).

A request's reference (``R1``, ``R2``, …) is numbered per case; ``case`` +
``reference`` is unique. Requests created at once for one case must each get a
number of their own, without gaps."""

import pytest
from django.db import connection

from maatwerk.journeys.models import Request
from maatwerk.journeys.services import request_create
from maatwerk.testing.cases import make_cases
from maatwerk.testing.concurrency import run_in_threads
from maatwerk.testing.factories import OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")


def test_requests_created_at_once_get_unique_references_per_case(teams, professional, colleague):
    """Half of the threads create requests for one case, half for another."""
    cases = make_cases(teams[0], professional, 2)
    users = (professional, colleague)
    organisations = [OrganisationFactory(name=f"Organisatie {i}") for i in range(THREADS)]

    def create(i):
        return request_create(
            request=None,
            user=users[i % 2],
            case=cases[i % 2],
            organisation=organisations[i],
            subject="Aanvraag",
        )

    rounds = 3
    for _ in range(rounds):
        outcomes = run_in_threads(*(lambda i=i: create(i) for i in range(THREADS)))
        assert [o for o in outcomes if not isinstance(o, Request)] == [], outcomes
    for case in cases:
        refs = Request.objects.filter(case=case).values_list("reference", flat=True)
        assert sorted(refs, key=lambda r: int(r[1:])) == [
            f"R{n}" for n in range(1, THREADS // 2 * rounds + 1)
        ]
