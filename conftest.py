"""Fixtures shared by every test (unit tests under src/, browser tests under tests/)."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatwerk.testing import queries
from maatwerk.testing.factories import (
    TEST_PASSWORD,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)

# `make test` runs the suite in worker processes (pytest-xdist, ``-n auto``): one per
# core, but no more than this — each worker migrates a test database of its own, and
# beyond a handful of workers that costs more than it gains.
MAX_AUTO_WORKERS = 4


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_AUTO_WORKERS, cores or 1))


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    """The demo data (``maatwerk demo``: its logins), loaded once for all the tests of a
    module instead of once per test (it takes seconds). The module's tests run inside
    one transaction that is rolled back after the last of them; each test is a
    savepoint in it, as usual (``django_db``), so what one test changes the next does
    not see. Only for modules whose tests all use the plain ``db`` (not
    ``transactional_db`` or a live server: those commit). Ask for model objects in a
    function-scoped fixture, not here: instances shared between tests would carry one
    test's changes in memory into the next."""
    from django.db import transaction

    from maatwerk.demo.load import create_demo_data

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            yield create_demo_data()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def make_user(db):
    """make_user("coordinator") → a user with that role (or none: make_user())."""

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def assert_queries():
    """``with assert_queries(3): ...`` fails unless the block runs exactly three SQL
    statements (``at_most=True``, ``matching="table"``: see maatwerk.testing.queries),
    and lists them numbered when it does not."""
    return queries.assert_num_queries


@pytest.fixture
def assert_constant_queries():
    """``assert_constant_queries(measure, grow)``: ``measure`` (e.g. a page GET) needs as
    many SQL statements after ``grow`` (e.g. ten more cases) as before; a failure prints
    both lists and their diff (see maatwerk.testing.queries)."""
    return queries.assert_constant_queries


@pytest.fixture
def password():
    return TEST_PASSWORD


def totp_token(device: TOTPDevice, offset: int = 0) -> str:
    """The current TOTP code of a device (as an authenticator app would show)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:0{device.digits}d}"


@pytest.fixture
def totp_device():
    def make(user):
        return TOTPDevice.objects.create(user=user, name="Test", confirmed=True)

    return make


@pytest.fixture
def login(client):
    """login(user, verified=False): log the test client in (and, if asked, complete
    the second factor as django-otp would)."""

    def do_login(user, verified=False):
        client.force_login(user)
        if verified:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
                TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
            )
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return do_login


@pytest.fixture
def teams(db):
    """Two teams in two municipalities: the first is "ours", the second another team."""
    zaanstad = TeamFactory(
        name="Wijkteam Oost", organisation=OrganisationFactory(name="Gemeente Zaanstad")
    )
    utrecht = TeamFactory(
        name="Buurtteam Noord", organisation=OrganisationFactory(name="Gemeente Utrecht")
    )
    return zaanstad, utrecht


@pytest.fixture
def professional(make_user, teams):
    return make_user("professional", teams=[teams[0]])


@pytest.fixture
def colleague(make_user, teams):
    return make_user("professional", teams=[teams[0]])


@pytest.fixture
def outsider(make_user, teams):
    """A professional of another team."""
    return make_user("professional", teams=[teams[1]])
