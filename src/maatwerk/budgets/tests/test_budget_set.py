"""The budget service budget_set: a team budget and a personal one, their revisions,
the version check and who may set them.

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

import pytest
from django.core.exceptions import ValidationError

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import Budget, BudgetRevision
from maatwerk.budgets.services import euro
from maatwerk.budgets.tests.support import D, counts, field_errors, new_log_rows
from maatwerk.core.errors import ConflictError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


# --- budget_set ------------------------------------------------------------------


def test_budget_set_creates_a_budget_with_its_first_revision_and_a_log_row(
    teams, budget_holder, rf_request
):
    with new_log_rows() as rows:
        budget = services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=teams[0],
            year=2026,
            amount="1500,00",
            approval_threshold="300",
            reason="Begroting 2026",
        )
    budget.refresh_from_db()
    assert (budget.amount, budget.approval_threshold, budget.version) == (D("1500"), D("300"), 1)
    assert budget.professional is None
    revision = BudgetRevision.objects.get(budget=budget)
    assert (revision.amount, revision.approval_threshold) == (D("1500"), D("300"))
    assert (revision.reason, revision.set_by) == ("Begroting 2026", budget_holder)
    assert len(rows) == 1
    (row,) = rows
    assert (row.action, row.processing_activity) == (Action.CREATE, ProcessingActivity.BUDGET)
    assert (row.object_type, row.object_id) == ("budgets.budget", str(budget.pk))
    assert row.actor == budget_holder and row.household == ""
    assert euro(D("1500")) in row.detail
    assert selectors.balance_of(budget.pk) == D("1500.00")


def test_budget_set_again_changes_the_budget_and_appends_a_revision(
    budget, budget_holder, budget_holder2, rf_request
):
    first = BudgetRevision.objects.get(budget=budget)
    with new_log_rows() as rows:
        changed = services.budget_set(
            request=rf_request(budget_holder2),
            user=budget_holder2,
            team=budget.team,
            year=budget.year,
            amount="1200",
            approval_threshold="200",
            reason="Extra middelen",
            version=1,
        )
    assert changed.pk == budget.pk
    assert Budget.objects.count() == 1
    budget.refresh_from_db()
    assert (budget.amount, budget.approval_threshold, budget.version) == (D("1200"), D("200"), 2)
    revisions = list(BudgetRevision.objects.filter(budget=budget).order_by("id"))
    assert [(r.amount, r.approval_threshold, r.set_by) for r in revisions] == [
        (D("1000"), D("250"), budget_holder),
        (D("1200"), D("200"), budget_holder2),
    ]
    assert revisions[0].pk == first.pk and revisions[1].reason == "Extra middelen"
    assert len(rows) == 1 and rows[0].action == Action.UPDATE
    assert f"{euro(D('1000'))} → {euro(D('1200'))}" in rows[0].detail


def test_budget_set_with_a_stale_version_raises_conflict_and_changes_nothing(
    budget, budget_holder, budget_holder2, rf_request
):
    services.budget_set(
        request=rf_request(budget_holder2),
        user=budget_holder2,
        team=budget.team,
        year=budget.year,
        amount="1100",
        approval_threshold="250",
        version=1,
    )
    before = counts()
    with pytest.raises(ConflictError) as caught:
        services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=budget.team,
            year=budget.year,
            amount="900",
            approval_threshold="250",
            version=1,  # what this user saw before the other change
        )
    assert caught.value.current.pk == budget.pk and caught.value.current.version == 2
    budget.refresh_from_db()
    assert (budget.amount, budget.version) == (D("1100"), 2)
    assert counts() == before


def test_budget_cannot_be_set_lower_than_what_was_spent(
    budget, budget_holder, rf_request, make_spend, reverse
):
    make_spend("200")
    spend = make_spend("200")
    reverse(spend, amount="50")
    make_spend("400")  # awaiting approval: not spent yet
    before = counts()

    def set_to(amount):
        return services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=budget.team,
            year=budget.year,
            amount=amount,
            approval_threshold="250",
        )

    with pytest.raises(ValidationError) as caught:
        set_to("349,99")
    assert field_errors(caught) == {
        "amount": [
            f"The budget cannot be lower than what has been spent from it ({euro(D('350'))})."
        ]
    }
    assert counts() == before
    budget.refresh_from_db()
    assert (budget.amount, budget.version) == (D("1000"), 1)
    set_to("350")
    assert selectors.balance_of(budget.pk) == D("0.00")


def test_only_budget_holders_set_budgets_of_their_own_team(
    teams, budget_holder, professional, outsider, rf_request, budget
):
    before = counts()

    def attempt(user, team, **kwargs):
        with pytest.raises(ValidationError) as caught:
            services.budget_set(
                request=rf_request(user),
                user=user,
                team=team,
                year=kwargs.pop("year", 2026),
                amount=kwargs.pop("amount", "500"),
                approval_threshold=kwargs.pop("approval_threshold", "100"),
                **kwargs,
            )
        return field_errors(caught)

    assert set(attempt(budget_holder, teams[1])) == {"team"}
    assert set(attempt(professional, teams[0])) == {"team"}  # no budgets.change_budget
    assert set(attempt(budget_holder, teams[0], professional=outsider)) == {"professional"}
    assert set(attempt(budget_holder, teams[0], year=1999)) == {"year"}
    assert set(attempt(budget_holder, teams[0], amount="-1", approval_threshold="x")) == {
        "amount",
        "approval_threshold",
    }
    assert counts() == before
    assert Budget.objects.get().amount == D("1000")


def test_a_personal_budget_is_separate_from_the_team_budget(
    teams, budget, budget_holder, professional, rf_request
):
    personal = services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=teams[0],
        year=2026,
        amount="300",
        approval_threshold="100",
        professional=professional,
    )
    assert personal.pk != budget.pk and personal.professional == professional
    assert Budget.objects.count() == 2
