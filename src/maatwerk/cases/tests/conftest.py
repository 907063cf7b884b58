import pytest

from maatwerk.testing.cases import make_cases  # noqa: F401 (used by the tests here)
from maatwerk.testing.factories import OrganisationFactory, TeamFactory


@pytest.fixture
def teams(db):
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
    return make_user("professional", teams=[teams[1]])
