"""The budget service spend_settle: the reimbursements of a bridging spend by the
organisation responsible.

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from maatwerk.budgets import selectors
from maatwerk.budgets.models import Spend
from maatwerk.budgets.services import euro
from maatwerk.budgets.tests.support import TODAY, D, counts, field_errors, new_log_rows, receivable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


# --- spend_settle ----------------------------------------------------------------------


@pytest.fixture
def bridging(make_spend, orgs):
    return make_spend("200", bridging=True, responsible_candidates=list(orgs))


def test_a_bridging_spend_keeps_its_candidates(bridging, orgs):
    assert set(bridging.responsible_candidates.all()) == set(orgs)
    assert bridging.state == Spend.State.BOOKED


def test_partial_reimbursements_add_up(bridging, settle, orgs, case, budget_holder, budget):
    with new_log_rows() as rows:
        first = settle(bridging, "50", note="Eerste deel")
    settle(bridging, "70,00", responsible=orgs[1])
    assert (first.amount, first.final, first.note, first.entered_by) == (
        D("50"),
        False,
        "Eerste deel",
        budget_holder,
    )
    row = receivable(bridging)
    assert (row.booked, row.reversed, row.reimbursed, row.open_amount, row.closed) == (
        D("200"),
        D("0"),
        D("120"),
        D("80"),
        False,
    )
    assert [(s.pk, s.open_amount) for s in selectors.open_receivables(budget_holder)] == [
        (bridging.pk, D("80"))
    ]
    # A reimbursement does not change the budget's balance (it is a receivable).
    assert selectors.balance_of(budget.pk) == D("800")
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert (rows[0].object_type, rows[0].object_id) == ("budgets.settlement", str(first.pk))


def test_settling_more_than_is_open_is_refused(bridging, settle):
    settle(bridging, "120")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        settle(bridging, "80,01")
    assert field_errors(caught) == {
        "amount": [f"You cannot settle more than was paid: {euro(D('80'))} is still open."]
    }
    with pytest.raises(ValidationError):
        settle(bridging, "100", final=True)
    assert counts() == before
    assert settle(bridging, "80").amount == D("80")
    assert receivable(bridging).open_amount == D("0")


def test_a_final_settlement_closes_the_receivable(bridging, settle, budget_holder, budget):
    settle(bridging, "50")
    settle(bridging, "30", final=True)
    row = receivable(bridging)
    assert row.closed is True and row.reimbursed == D("80")
    assert list(selectors.open_receivables(budget_holder)) == []
    assert selectors.receivables_by_organisation(budget_holder) == []
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert overview.bridging_open == D("0")
    before = counts()
    for amount, final in (("10", False), ("0", True)):
        with pytest.raises(ValidationError) as caught:
            settle(bridging, amount, final=final)
        assert caught.value.messages == ["This receivable has already been settled in full."]
    assert counts() == before


def test_zero_only_settles_when_final(bridging, settle, budget_holder):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        settle(bridging, "0")
    assert set(field_errors(caught)) == {"amount"}
    assert counts() == before
    final = settle(bridging, "0", final=True)
    assert final.amount == D("0") and final.final is True
    row = receivable(bridging)
    assert row.closed and row.reimbursed == D("0")
    assert list(selectors.open_receivables(budget_holder)) == []


def test_bad_settlements_are_refused(bridging, settle, make_spend, approve, orgs):
    before = counts()
    cases = [
        ({"amount": "-5"}, "amount"),
        ({"amount": "5,555"}, "amount"),
        ({"amount": "vijf"}, "amount"),
        ({"responsible": None}, "responsible"),
        ({"on": None}, "on"),
        ({"on": TODAY - timedelta(days=1)}, "on"),
        ({"on": TODAY + timedelta(days=1)}, "on"),
    ]
    for kwargs, field in cases:
        amount = kwargs.pop("amount", "10")
        with pytest.raises(ValidationError) as caught:
            settle(bridging, amount, **kwargs)
        assert set(field_errors(caught)) == {field}, kwargs
    plain = make_spend("50")
    with pytest.raises(ValidationError) as caught:
        settle(plain, "10")
    assert caught.value.messages == ["Only a booked bridging spend can be settled."]
    awaiting = make_spend("300", bridging=True, responsible_candidates=[orgs[0]])
    with pytest.raises(ValidationError) as caught:
        settle(awaiting, "10")
    assert caught.value.messages == ["Only a booked bridging spend can be settled."]
    assert counts()["settlements"] == before["settlements"]


def test_a_reimbursement_cannot_be_dated_before_the_spend(make_spend, settle, orgs):
    spend = make_spend("100", on=date(2026, 6, 1), bridging=True, responsible_candidates=[orgs[0]])
    with pytest.raises(ValidationError) as caught:
        settle(spend, "10", on=date(2026, 5, 31))
    assert field_errors(caught) == {"on": ["A reimbursement cannot be dated before the spend."]}
    assert settle(spend, "10", on=date(2026, 6, 1)).on == date(2026, 6, 1)


def test_who_may_settle(bridging, settle, coordinator, professional, make_user, teams):
    for user in (professional, make_user("budget_holder", teams=[teams[1]])):
        with pytest.raises(ValidationError) as caught:
            settle(bridging, "10", user=user)
        assert caught.value.messages == ["You may not settle this spend."]
    # Coordinators settle receivables of every team.
    assert settle(bridging, "10", user=coordinator).entered_by == coordinator


def test_reimbursed_and_reversed_together_close_the_open_amount(bridging, settle, reverse):
    settle(bridging, "50")
    reverse(bridging, amount="100")
    assert receivable(bridging).open_amount == D("50")
    with pytest.raises(ValidationError) as caught:
        settle(bridging, "50,01")
    assert set(field_errors(caught)) == {"amount"}
    settle(bridging, "50")
    assert receivable(bridging).open_amount == D("0")
