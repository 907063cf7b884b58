"""A budget holder's decision on a spend: spend_approve (four eyes, the override of a
negative balance) and spend_refuse.

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import LedgerEntry, Spend
from maatwerk.budgets.services import euro
from maatwerk.budgets.tests.support import D, counts, field_errors, figures, new_log_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


# --- spend_approve -------------------------------------------------------------------


def test_approval_by_a_second_budget_holder_books_the_spend(
    make_spend, approve, budget, budget_holder2, case
):
    spend = make_spend("300")
    with new_log_rows() as rows:
        approved = approve(spend)
    assert approved.state == Spend.State.BOOKED
    assert approved.decided_by == budget_holder2 and approved.decided_at is not None
    entry = LedgerEntry.objects.get(spend=spend)
    assert (entry.amount, entry.override, entry.entered_by) == (D("300"), False, budget_holder2)
    assert (figures(budget).balance, figures(budget).committed) == (D("700"), D("0"))
    assert len(rows) == 1
    assert rows[0].household == case.household.pseudonym
    assert rows[0].detail == f"{spend.reference}: approved"
    assert rows[0].actor == budget_holder2


def test_the_requester_cannot_approve_their_own_spend_even_as_budget_holder(
    make_user, teams, make_spend, approve, rf_request
):
    both = make_user("professional", "budget_holder", teams=[teams[0]])
    assert both.has_perm("budgets.approve_spend")
    spend = make_spend("300", user=both)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend, user=both)
    assert "own spend" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.spend_refuse(request=rf_request(both), user=both, spend=spend, reason="Nee")
    assert counts() == before
    spend.refresh_from_db()
    assert spend.state == Spend.State.AWAITING_APPROVAL


def test_a_budget_holder_of_another_team_cannot_decide(
    make_user, teams, make_spend, approve, colleague, rf_request
):
    spend = make_spend("300")
    other = make_user("budget_holder", teams=[teams[1]])
    before = counts()
    for user in (other, colleague):  # colleague: same team, no approve permission
        with pytest.raises(ValidationError) as caught:
            approve(spend, user=user)
        assert caught.value.messages == [
            "Only a budget holder of this team can decide on this spend."
        ]
        with pytest.raises(ValidationError):
            services.spend_refuse(request=rf_request(user), user=user, spend=spend, reason="Nee")
    assert counts() == before
    spend.refresh_from_db()
    assert spend.state == Spend.State.AWAITING_APPROVAL


def test_an_already_decided_spend_cannot_be_decided_again(
    make_spend, approve, budget_holder, rf_request
):
    spend = make_spend("300")
    approve(spend)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend, user=budget_holder)
    assert caught.value.messages == ["This spend has already been decided: booked."]
    with pytest.raises(ValidationError):
        services.spend_refuse(
            request=rf_request(budget_holder), user=budget_holder, spend=spend, reason="Toch niet"
        )
    immediate = make_spend("10")  # booked at once: nothing to decide
    with pytest.raises(ValidationError):
        approve(immediate)
    assert LedgerEntry.objects.filter(spend=spend).count() == 1
    assert counts()["entries"] == before["entries"] + 1  # only the immediate spend's


def test_approval_that_makes_the_balance_negative_needs_override(make_spend, approve, budget):
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")  # balance € 200
    spend = make_spend("300")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend)
    assert set(field_errors(caught)) == {"amount"}
    assert euro(D("200")) in field_errors(caught)["amount"][0]
    assert counts() == before
    spend.refresh_from_db()
    assert spend.state == Spend.State.AWAITING_APPROVAL and spend.decided_by is None


def test_override_needs_its_own_permission(
    make_user, teams, make_spend, approve, budget, budget_holder, rf_request
):
    approver = make_user(teams=[teams[0]])
    approver.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="budgets", codename__in=["view_budget", "approve_spend"]
        )
    )
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")
    spend = make_spend("300")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend, user=approver, override=True)
    assert set(field_errors(caught)) == {"override"}
    assert counts() == before
    # Without override the same approver may approve it once it fits the balance.
    services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=budget.team,
        year=budget.year,
        amount="1100",
        approval_threshold="250",
    )
    assert approve(spend, user=approver).state == Spend.State.BOOKED
    assert LedgerEntry.objects.get(spend=spend).override is False
    assert selectors.balance_of(budget.pk) == D("0")


def test_override_books_a_negative_balance_and_logs_it(
    make_spend, approve, budget, case, budget_holder2
):
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")  # balance € 200
    spend = make_spend("300")
    with new_log_rows() as rows:
        approve(spend, override=True)
    entry = LedgerEntry.objects.get(spend=spend)
    assert entry.override is True and entry.amount == D("300")
    assert selectors.balance_of(budget.pk) == D("-100")
    assert len(rows) == 2
    negative = next(row for row in rows if row.object_type == "budgets.ledgerentry")
    assert negative.object_id == str(entry.pk)
    assert negative.household == case.household.pseudonym
    assert negative.actor == budget_holder2
    assert "negative balance allowed" in negative.detail
    assert f"{euro(D('200'))} → {euro(D('-100'))}" in negative.detail
    assert all(row.household == case.household.pseudonym for row in rows)


def test_override_is_only_recorded_when_the_balance_really_goes_negative(
    make_spend, approve, budget
):
    spend = make_spend("300")
    with new_log_rows() as rows:
        approve(spend, override=True)
    assert LedgerEntry.objects.get(spend=spend).override is False
    assert len(rows) == 1 and "negative" not in rows[0].detail


# --- spend_refuse --------------------------------------------------------------------


def test_refusal_needs_a_reason(make_spend, rf_request, budget_holder2):
    spend = make_spend("300")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.spend_refuse(
            request=rf_request(budget_holder2), user=budget_holder2, spend=spend, reason="  "
        )
    assert set(field_errors(caught)) == {"reason"}
    assert counts() == before


def test_refusal_books_nothing_and_frees_the_commitment(
    make_spend, rf_request, budget_holder2, budget, case
):
    spend = make_spend("300")
    assert figures(budget).committed == D("300")
    with new_log_rows() as rows:
        refused = services.spend_refuse(
            request=rf_request(budget_holder2),
            user=budget_holder2,
            spend=spend,
            reason=" Past niet binnen het plan ",
        )
    assert refused.state == Spend.State.REFUSED
    assert refused.refusal_reason == "Past niet binnen het plan"
    assert refused.decided_by == budget_holder2
    assert not LedgerEntry.objects.exists()
    row = figures(budget)
    assert (row.balance, row.committed, row.remaining) == (D("1000"), D("0"), D("1000"))
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert rows[0].detail == f"{spend.reference}: refused"
