"""The query-count helpers fail when they should, and their messages list the SQL."""

import pytest

from maatwerk.accounts.models import Team
from maatwerk.testing import queries
from maatwerk.testing.factories import TeamFactory
from maatwerk.testing.queries import assert_constant_queries, assert_num_queries

pytestmark = pytest.mark.django_db

TEAMS = 'FROM "accounts_team"'
ORGANISATIONS = 'FROM "register_organisation"'


def team_names():
    """One query, however many teams there are."""
    return [team.name for team in Team.objects.order_by("pk")]


def organisation_names():
    """One query for the teams, then one for every team's organisation (N + 1)."""
    return [team.organisation.name for team in Team.objects.order_by("pk")]


def add_teams(count):
    return lambda: TeamFactory.create_batch(count)


# --- Exactly N ------------------------------------------------------------------------


def test_exactly_n_passes_and_hands_back_the_statements():
    TeamFactory()
    with assert_num_queries(3) as ran:
        team_names()
        organisation_names()
    assert len(ran) == 3
    assert [TEAMS in sql for sql in ran.statements] == [True, True, False]
    assert ran.matching(ORGANISATIONS) == ran.statements[2:]


@pytest.mark.parametrize("expected", [1, 3])
def test_exactly_n_fails_on_more_and_on_fewer_and_numbers_the_sql(expected):
    TeamFactory(name="Wijkteam Oost")
    with pytest.raises(AssertionError) as caught, assert_num_queries(expected):
        organisation_names()
    message = str(caught.value)
    assert message.startswith(f"Expected {expected} SQL statements, got 2:\n")
    first, second = message.splitlines()[1:]
    assert first.startswith("   1. SELECT") and TEAMS in first
    assert second.startswith("   2. SELECT") and ORGANISATIONS in second


def test_no_statements_at_all_says_so():
    with pytest.raises(AssertionError) as caught, assert_num_queries(1):
        pass
    assert str(caught.value) == "Expected 1 SQL statements, got 0:\n  (no statements)"


def test_at_most_passes_on_fewer_and_fails_on_more():
    TeamFactory()
    with assert_num_queries(5, at_most=True):
        organisation_names()
    with assert_num_queries(2, at_most=True):
        organisation_names()
    with pytest.raises(AssertionError) as caught, assert_num_queries(1, at_most=True):
        organisation_names()
    assert str(caught.value).startswith("Expected at most 1 SQL statements, got 2:\n")


def test_matching_counts_only_those_statements_but_lists_all():
    TeamFactory()
    with assert_num_queries(1, matching=ORGANISATIONS):
        organisation_names()
    with pytest.raises(AssertionError) as caught, assert_num_queries(2, matching=ORGANISATIONS):
        organisation_names()
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        f"Expected 2 SQL statements matching {ORGANISATIONS!r}, got 1 "
        "(statements in brackets are not counted):"
    )
    assert lines[1].startswith("   1. [SELECT") and lines[1].endswith("]")
    assert lines[2].startswith("   2. SELECT") and ORGANISATIONS in lines[2]


def test_matching_may_be_a_function():
    TeamFactory.create_batch(2)
    with assert_num_queries(
        2, matching=lambda sql: sql.startswith("SELECT") and ORGANISATIONS in sql
    ):
        organisation_names()


def test_an_error_inside_the_block_is_not_hidden_by_the_count():
    with pytest.raises(ZeroDivisionError), assert_num_queries(5):
        team_names()
        1 / 0


# --- Constant as rows grow ------------------------------------------------------------


def test_constant_passes_and_returns_both_runs():
    TeamFactory()
    runs = assert_constant_queries(team_names, add_teams(3))
    assert (len(runs.before), len(runs.after)) == (1, 1)
    assert (len(runs.before.result), len(runs.after.result)) == (1, 4)


def test_constant_fails_on_n_plus_one_with_both_lists_and_a_diff():
    TeamFactory()
    with pytest.raises(AssertionError) as caught:
        assert_constant_queries(organisation_names, add_teams(2))
    message = str(caught.value)
    assert message.startswith(
        "The number of SQL statements changed as the rows grew: 2 before, 4 after.\n"
    )
    before, _, after = message.partition("\nAfter:\n")
    assert "   2. SELECT" in before and "   3. SELECT" not in before
    listed, _, diff = after.partition("\nDiff:\n")
    assert listed.count(ORGANISATIONS) == 3 and "   4. SELECT" in listed
    assert diff.startswith("--- before\n+++ after\n")
    added = [line for line in diff.splitlines() if line.startswith("+SELECT")]
    assert len(added) == 2 and all(ORGANISATIONS in line for line in added)


def test_constant_fails_when_the_count_drops_too():
    TeamFactory.create_batch(2)
    with pytest.raises(AssertionError, match="3 before, 2 after"):
        assert_constant_queries(organisation_names, lambda: Team.objects.first().delete())


def test_constant_counts_named_measures_each_on_their_own():
    TeamFactory()
    runs = assert_constant_queries({"names": team_names, "again": team_names}, add_teams(1))
    assert set(runs) == {"names", "again"}
    assert len(runs["names"].after.result) == 2
    with pytest.raises(AssertionError) as caught:
        assert_constant_queries(
            {"names": team_names, "organisations": organisation_names}, add_teams(1)
        )
    message = str(caught.value)
    assert "(organisations) changed as the rows grew: 3 before, 4 after." in message
    assert "(names)" not in message


def test_the_fixtures_are_these_helpers(assert_queries, assert_constant_queries):
    assert assert_queries is queries.assert_num_queries
    assert assert_constant_queries is queries.assert_constant_queries
