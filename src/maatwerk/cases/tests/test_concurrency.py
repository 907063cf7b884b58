"""Cases opened at the same moment (PostgreSQL: real concurrent connections).

Every case gets a reference numbered per source organisation and year, and its
household a random pseudonym; both are unique in the database. Opening cases at once
must give every case a reference of its own, without gaps, and no user a 500."""

import itertools
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maatwerk.cases import services
from maatwerk.cases.models import Case, Household
from maatwerk.register.models import LifeDomain
from maatwerk.testing.concurrency import run_in_threads
from maatwerk.testing.factories import OrganisationFactory, TeamFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")


def open_case(user, team):
    finances = LifeDomain.objects.get(code="finances")
    return services.case_open(
        request=None,
        user=user,
        team=team,
        perspective="Wij willen rust.",
        needed="Huurachterstand bevriezen",
        life_domains=[finances],
        primary_domain=finances,
        composition="single",
        adults=1,
        children=0,
        safety_concern=False,
    )


def references(source):
    return sorted(Case.objects.filter(source=source).values_list("reference", flat=True))


def numbered(count, year=None):
    year = year or timezone.localdate().year
    return [f"MW-{year}-{n:05d}" for n in range(1, count + 1)]


def test_cases_opened_at_once_get_unique_references_without_gaps(make_user, teams):
    team = teams[0]
    users = [make_user("professional", teams=[team]) for _ in range(THREADS)]
    rounds = 3
    for _ in range(rounds):
        outcomes = run_in_threads(*(lambda u=u: open_case(u, team) for u in users))
        errors = [o for o in outcomes if not isinstance(o, Case)]
        assert errors == [], errors
    assert references(team.organisation.name) == numbered(THREADS * rounds)
    assert Household.objects.count() == Case.objects.count() == THREADS * rounds


def test_two_sources_opening_at_once_each_number_from_one(make_user, teams):
    users = [make_user("professional", teams=[teams[i % 2]]) for i in range(THREADS)]
    outcomes = run_in_threads(*(lambda u=u: open_case(u, u.teams.get()) for u in users))
    assert [o for o in outcomes if not isinstance(o, Case)] == []
    for team in teams:
        assert references(team.organisation.name) == numbered(THREADS // 2)


def test_households_drawing_the_same_pseudonym_at_once_all_get_one(make_user, monkeypatch):
    """Eight teams of eight organisations (so no reference counter is shared) draw the
    same random pseudonyms in the same order: one insert wins each time, and the others
    draw again instead of failing on the unique pseudonym."""
    teams = [
        TeamFactory(organisation=OrganisationFactory(name=f"Gemeente {i}")) for i in range(THREADS)
    ]
    users = [make_user("professional", teams=[team]) for team in teams]
    draws = threading.local()

    def randbelow(_n):
        if not hasattr(draws, "numbers"):
            draws.numbers = itertools.count()
        return next(draws.numbers)  # HH-1000, HH-1001, … the same in every thread

    monkeypatch.setattr(services.secrets, "randbelow", randbelow)
    outcomes = run_in_threads(
        *(lambda u=u, t=t: open_case(u, t) for u, t in zip(users, teams, strict=True))
    )
    assert [o for o in outcomes if not isinstance(o, Case)] == []
    pseudonyms = set(Household.objects.values_list("pseudonym", flat=True))
    assert len(pseudonyms) == THREADS and "HH-1000" in pseudonyms


def test_intake_forms_posted_at_once_never_give_a_500(make_user, teams):
    """The probe of issue 10: users submitting the intake form at the same moment."""
    team = teams[0]
    finances, housing = LifeDomain.objects.filter(code__in=["finances", "housing"]).order_by("code")
    data = {
        "perspective": "Ik wil in mijn huis blijven.",
        "needed": "Huurachterstand bevriezen",
        "life_domains": [finances.pk, housing.pk],
        "primary_domain": finances.pk,
        "composition": "single",
        "adults": 1,
        "children": 0,
    }
    clients = []
    for _ in range(THREADS):
        client = Client(raise_request_exception=False)
        client.force_login(make_user("professional", teams=[team]))
        clients.append(client)
    url = reverse("cases:case_create")
    outcomes = run_in_threads(*(lambda c=c: c.post(url, data).status_code for c in clients))
    assert outcomes == [302] * THREADS
    assert references(team.organisation.name) == numbered(THREADS)
