"""The budget service spend_reverse: full and partial reversals, their dates and who
may reverse.

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import LedgerEntry, Spend
from maatwerk.budgets.services import euro
from maatwerk.budgets.tests.support import TODAY, D, counts, field_errors, figures, new_log_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


# --- spend_reverse ---------------------------------------------------------------------


def test_a_full_reversal_restores_the_balance_and_leaves_the_original_entry(
    make_spend, reverse, budget, budget_holder, case
):
    spend = make_spend("200")
    original = LedgerEntry.objects.get(spend=spend, kind="spend")
    snapshot = (original.amount, original.on, original.override, original.entered_by_id)
    with new_log_rows() as rows:
        entry = reverse(spend)
    assert (entry.kind, entry.amount, entry.on, entry.spend_id) == (
        "reversal",
        D("200"),
        TODAY,
        spend.pk,
    )
    assert entry.reason == "Dubbel betaald" and entry.entered_by == budget_holder
    original.refresh_from_db()
    assert (original.amount, original.on, original.override, original.entered_by_id) == snapshot
    assert LedgerEntry.objects.filter(spend=spend).count() == 2
    row = figures(budget)
    assert (row.spent, row.reversed, row.balance) == (D("200"), D("200"), D("1000"))
    spend.refresh_from_db()
    assert spend.state == Spend.State.BOOKED  # the reversal is a correction, not a state
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert (rows[0].object_type, rows[0].object_id) == ("budgets.ledgerentry", str(entry.pk))


def test_partial_reversals_cannot_exceed_what_is_left(make_spend, reverse, budget):
    spend = make_spend("200")
    reverse(spend, amount="50")
    assert selectors.balance_of(budget.pk) == D("850")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, amount="150,01")
    assert field_errors(caught) == {"amount": [f"At most {euro(D('150'))} can be reversed."]}
    assert counts() == before
    assert reverse(spend).amount == D("150")  # the rest, by default
    assert selectors.balance_of(budget.pk) == D("1000")
    with pytest.raises(ValidationError) as caught:
        reverse(spend)
    assert field_errors(caught) == {"amount": ["Nothing is left to reverse."]}
    with pytest.raises(ValidationError) as caught:
        reverse(spend, amount="0,01")
    assert set(field_errors(caught)) == {"amount"}
    assert LedgerEntry.objects.filter(spend=spend, kind="reversal").count() == 2


def test_a_reversal_needs_a_reason_and_a_valid_amount(make_spend, reverse):
    spend = make_spend("200")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, reason=" ")
    assert set(field_errors(caught)) == {"reason"}
    for amount in ("0", "-10", "1,001", "abc"):
        with pytest.raises(ValidationError) as caught:
            reverse(spend, amount=amount)
        assert set(field_errors(caught)) == {"amount"}, amount
    assert counts() == before


def test_bridging_cannot_reverse_what_was_reimbursed(make_spend, reverse, settle, orgs, budget):
    spend = make_spend("200", bridging=True, responsible_candidates=[orgs[0]])
    settle(spend, "120")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, amount="80,01")
    assert field_errors(caught) == {"amount": [f"At most {euro(D('80'))} can be reversed."]}
    assert counts() == before
    assert reverse(spend).amount == D("80")
    assert selectors.balance_of(budget.pk) == D("880")
    receivable = selectors.with_receivable(Spend.objects.filter(pk=spend.pk)).get()
    assert receivable.open_amount == D("0")
    assert not selectors.open_receivables(spend.requested_by).exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2026, 6, 9), "A correction cannot be dated before the spend."),
        (date(2026, 6, 16), "The date cannot be in the future."),
    ],
)
def test_reversal_date_rules(make_spend, reverse, on, message):
    spend = make_spend("200", on=date(2026, 6, 10))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, on=on)
    assert field_errors(caught) == {"on": [message]}
    assert counts() == before
    assert reverse(spend, on=date(2026, 6, 10)).on == date(2026, 6, 10)


def test_a_reversal_stays_in_the_budget_year(teams, budget_holder, rf_request, make_spend, reverse):
    last_year = services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=teams[0],
        year=2025,
        amount="500",
        approval_threshold="250",
    )
    spend = make_spend("100", budget=last_year, on=date(2025, 12, 20))
    with pytest.raises(ValidationError) as caught:
        reverse(spend)  # today: 2026
    assert field_errors(caught) == {"on": ["The date falls outside the budget year 2025."]}
    assert reverse(spend, on=date(2025, 12, 31)).amount == D("100")
    assert selectors.balance_of(last_year.pk) == D("500")


def test_only_a_booked_spend_can_be_reversed_by_a_budget_holder_of_the_team(
    make_spend, reverse, rf_request, budget_holder2, professional, make_user, teams
):
    awaiting = make_spend("300")
    refused = make_spend("400")
    services.spend_refuse(
        request=rf_request(budget_holder2), user=budget_holder2, spend=refused, reason="Nee"
    )
    booked = make_spend("100")
    before = counts()
    for spend in (awaiting, refused):
        with pytest.raises(ValidationError) as caught:
            reverse(spend)
        assert caught.value.messages == ["Only a booked spend can be corrected."]
    for user in (professional, make_user("budget_holder", teams=[teams[1]])):
        with pytest.raises(ValidationError) as caught:
            reverse(booked, user=user)
        assert caught.value.messages == ["Only a budget holder of this team can correct a spend."]
    assert counts() == before
