"""The budget selectors' figures: balances, receivables and the team overviews.

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

from datetime import date, timedelta

import pytest

from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import Spend
from maatwerk.budgets.tests.support import TODAY, D, figures, receivable
from maatwerk.testing.cases import make_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


# --- Selectors ---------------------------------------------------------------------------


def test_with_figures_and_balance_of(
    make_spend, approve, reverse, budget, rf_request, budget_holder2
):
    make_spend("100")
    b = make_spend("250")
    c = make_spend("400")  # awaiting
    d = make_spend("300")
    approve(d)
    refused = make_spend("500")
    services.spend_refuse(
        request=rf_request(budget_holder2), user=budget_holder2, spend=refused, reason="Nee"
    )
    reverse(b, amount="25,50")
    row = figures(budget)
    assert row.spent == D("650")
    assert row.reversed == D("25.50")
    assert row.committed == D("400")
    assert row.balance == D("375.50") == selectors.balance_of(budget.pk)
    assert row.remaining == D("-24.50")
    assert c.state == Spend.State.AWAITING_APPROVAL


def test_selectors_only_show_budgets_the_user_may_see(
    make_spend, budget, budget_holder, outsider, coordinator, make_user, teams, orgs
):
    make_spend("100", bridging=True, responsible_candidates=[orgs[0]])
    other_holder = make_user("budget_holder", teams=[teams[1]])
    assert [o.team_id for o in selectors.team_overviews(budget_holder, 2026)] == [teams[0].pk]
    assert selectors.team_overviews(other_holder, 2026) == []
    assert selectors.team_overviews(outsider, 2026) == []
    assert len(selectors.team_overviews(coordinator, 2026)) == 1
    assert len(selectors.open_receivables(budget_holder)) == 1
    assert len(selectors.open_receivables(coordinator)) == 1
    assert len(selectors.open_receivables(other_holder)) == 0
    assert selectors.receivables_by_organisation(other_holder) == []


def test_open_receivables_and_receivables_by_organisation(
    make_spend, settle, reverse, budget_holder, orgs
):
    uwv, belastingdienst = orgs
    a = make_spend(
        "200",
        on=TODAY - timedelta(days=10),
        bridging=True,
        responsible_candidates=[uwv, belastingdienst],
    )
    b = make_spend("100", on=TODAY - timedelta(days=3), bridging=True, responsible_candidates=[uwv])
    c = make_spend("80", bridging=True, responsible_candidates=[belastingdienst])
    make_spend("60")  # not bridging: no receivable
    settle(b, "30")
    reverse(a, amount="20")
    settle(c, "0", final=True)  # closed without anything paid back
    assert [(s.pk, s.open_amount) for s in selectors.open_receivables(budget_holder)] == [
        (a.pk, D("180")),
        (b.pk, D("70")),
    ]
    assert selectors.receivables_by_organisation(budget_holder) == [
        {
            "organisation": "Belastingdienst",
            "count": 1,
            "open_total": D("180"),
            "oldest_days": 10,
        },
        {"organisation": "UWV", "count": 2, "open_total": D("250"), "oldest_days": 10},
    ]


def test_team_overviews_figures(
    make_spend, approve, reverse, settle, budget_holder, coordinator, orgs, teams, rf_request
):
    make_spend("100", purpose_category="housing", on=date(2026, 5, 20))
    b = make_spend("200", purpose_category="utilities", payee_category="utility")
    make_spend("300", purpose_category="utilities")  # awaiting
    bridging = make_spend(
        "150", purpose_category="debts", bridging=True, responsible_candidates=[orgs[0]]
    )
    settle(bridging, "40")
    reverse(b, amount="50")
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert (overview.team_id, overview.team, overview.year) == (teams[0].pk, teams[0].name, 2026)
    totals = overview.totals
    assert (totals.budget, totals.spent, totals.reversed, totals.committed) == (
        D("1000"),
        D("450"),
        D("50"),
        D("300"),
    )
    assert totals.net_spent == D("400")
    assert totals.balance == D("600") == selectors.balance_of(b.budget_id)
    assert totals.remaining == D("300")
    months = dict(overview.by_month)
    assert sorted(months) == [5, 6]
    assert (months[5].spent, months[5].committed) == (D("100"), D("0"))
    assert (months[6].spent, months[6].reversed, months[6].committed) == (
        D("350"),
        D("50"),
        D("300"),
    )
    purposes = dict(overview.by_purpose)
    assert set(purposes) == {
        "housing costs and rent arrears",
        "energy and water",
        "debts and fines",
    }
    utilities = purposes["energy and water"]
    assert (utilities.spent, utilities.reversed, utilities.committed) == (
        D("200"),
        D("50"),
        D("300"),
    )
    assert overview.bridging_open == D("110")
    assert selectors.team_overviews(budget_holder, 2025) == []
    assert selectors.team_overviews(coordinator, 2026, team_id=teams[1].pk) == []


def test_team_overviews_uses_a_constant_number_of_queries(
    make_spend, coordinator, orgs, teams, make_user, rf_request, assert_constant_queries
):
    make_spend("100")
    selectors.team_overviews(coordinator, 2026)  # permissions cached on the user

    def grow():
        """Many more spends, in several months, purposes and states, and a second team."""
        for i in range(12):
            make_spend(
                str(10 + i),
                on=date(2026, 1 + i % 6, 1),
                purpose_category=["housing", "debts", "health"][i % 3],
                bridging=i % 4 == 0,
                responsible_candidates=[orgs[i % 2]],
            )
        make_spend("400")  # awaiting
        other_holder = make_user("budget_holder", teams=[teams[1]])
        other_pro = make_user("professional", teams=[teams[1]])
        other_budget = services.budget_set(
            request=rf_request(other_holder),
            user=other_holder,
            team=teams[1],
            year=2026,
            amount="500",
            approval_threshold="100",
        )
        other_case = make_case(teams[1], other_pro)
        for _ in range(3):
            services.spend_create(
                request=rf_request(other_pro),
                user=other_pro,
                case=other_case,
                budget=other_budget,
                on=TODAY,
                amount="20",
                purpose_category="transport",
                description="OV-kaart",
                payee_category="supplier",
            )

    runs = assert_constant_queries(lambda: selectors.team_overviews(coordinator, 2026), grow)
    (overview,) = runs.before.result
    assert overview.totals.spent == D("100")
    overviews = runs.after.result
    assert len(overviews) == 2
    assert sum(o.totals.spent for o in overviews) == D("100") + sum(
        D(10 + i) for i in range(12)
    ) + D("60")
    assert len(dict(overviews[1].by_month)) == 6  # Wijkteam Oost: January to June


def test_the_last_cent_can_be_spent(make_spend, budget, budget_holder):
    """SQLite computes with floating point: 1000 − 999.99 must still be exactly 0.01."""
    for amount in ("250", "250", "250", "249,99"):
        make_spend(amount)
    assert selectors.balance_of(budget.pk) == D("0.01")
    assert figures(budget).remaining == D("0.01")
    make_spend("0,01")
    assert selectors.balance_of(budget.pk) == D("0")
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert overview.totals.balance == D("0")


def test_the_last_cent_of_a_receivable_can_be_settled(
    make_spend, approve, settle, budget_holder, orgs
):
    spend = make_spend("1000", bridging=True, responsible_candidates=[orgs[0]])
    approve(spend)
    settle(spend, "999,99")
    assert [s.open_amount for s in selectors.open_receivables(budget_holder)] == [D("0.01")]
    assert selectors.receivables_by_organisation(budget_holder)[0]["open_total"] == D("0.01")
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert overview.bridging_open == D("0.01")
    settle(spend, "0,01")
    assert receivable(spend).open_amount == D("0")
    assert list(selectors.open_receivables(budget_holder)) == []
