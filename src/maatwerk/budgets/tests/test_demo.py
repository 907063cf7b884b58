from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.budgets import selectors
from maatwerk.budgets.models import Budget, BudgetRevision, LedgerEntry, Settlement, Spend
from maatwerk.demo import budgets as demo
from maatwerk.demo.load import create_demo_data
from maatwerk.journeys.models import JourneyEvent

pytestmark = pytest.mark.django_db

ZAANSTAD, UTRECHT = "Wijkteam Zaandam-Oost", "Buurtteam Overvecht"


def counts():
    return tuple(
        model.objects.count()
        for model in (
            Budget,
            BudgetRevision,
            Spend,
            LedgerEntry,
            Settlement,
            JourneyEvent,
            Spend.responsible_candidates.through,
        )
    )


def check_figures():
    today = timezone.localdate()
    holder = User.objects.get(username="budget_holder")
    coordinator = User.objects.get(username="coordinator")

    zaanstad = selectors.with_figures(Budget.objects.filter(team__name=ZAANSTAD)).get()
    assert (zaanstad.year, zaanstad.amount, zaanstad.approval_threshold) == (
        today.year,
        Decimal("25000.00"),
        Decimal("1000.00"),
    )
    # Booked 2375 + 864 + 685 + 950 + 1480; the deposit reversed; tuition awaiting approval.
    assert zaanstad.spent == Decimal("6354.00")
    assert zaanstad.reversed == Decimal("950.00")
    assert zaanstad.balance == Decimal("19596.00")
    assert zaanstad.committed == Decimal("1240.00")
    assert zaanstad.remaining == Decimal("18356.00")
    for budget in selectors.with_figures(Budget.objects.all()):
        assert budget.balance >= 0
        assert budget.remaining >= 0

    # One spend waits in each demo budget holder's inbox, asked by someone else.
    (waiting,) = selectors.awaiting_approval(holder)
    assert waiting.amount == Decimal("1240.00")
    assert waiting.requested_by != holder
    (other,) = selectors.awaiting_approval(User.objects.get(username="budget_holder2"))
    assert other.amount == Decimal("960.00") and other.budget.team.name == "Buurtteam Overvecht"
    assert Spend.objects.filter(state=Spend.State.AWAITING_APPROVAL).count() == 2

    # Four eyes: every spend above its threshold was decided by another budget holder.
    for spend in Spend.objects.select_related("budget", "case"):
        if spend.amount > spend.budget.approval_threshold and spend.state == Spend.State.BOOKED:
            assert spend.decided_by is not None
            assert spend.decided_by != spend.requested_by
            assert spend.decided_by.has_perm("budgets.approve_spend")
        assert date(today.year, 1, 1) <= spend.on <= today
        assert spend.case.opened_on <= spend.on or spend.on == date(today.year, 1, 1)

    # One open receivable: the bridging spend for the care at school, partly settled.
    (receivable,) = selectors.open_receivables(coordinator)
    assert receivable.bridging
    assert (receivable.booked, receivable.reimbursed, receivable.open_amount) == (
        Decimal("2375.00"),
        Decimal("1500.00"),
        Decimal("875.00"),
    )
    assert {o.name for o in receivable.responsible_candidates.all()} == {
        "Zorgverzekeraar Voorbeeld",
        "Gemeente Zaanstad",
    }
    by_organisation = {
        row["organisation"]: row for row in selectors.receivables_by_organisation(coordinator)
    }
    assert set(by_organisation) == {"Zorgverzekeraar Voorbeeld", "Gemeente Zaanstad"}
    assert all(row["open_total"] == Decimal("875.00") for row in by_organisation.values())

    # The demo keeps the insurer's refusal open (see demo.budgets): no spend solves it.
    assert receivable.request is None
    # Utrecht: the rent arrears, approved by the second budget holder, solve the request
    # to the housing association (the intervention shows on the journey timeline).
    utrecht = selectors.with_figures(Budget.objects.filter(team__name=UTRECHT)).get()
    assert (utrecht.amount, utrecht.approval_threshold, utrecht.balance) == (
        Decimal("20000.00"),
        Decimal("750.00"),
        Decimal("15800.00"),
    )
    (arrears,) = utrecht.spends.filter(state=Spend.State.BOOKED)
    assert (arrears.amount, arrears.state) == (Decimal("4200.00"), Spend.State.BOOKED)
    assert arrears.requested_by.username == "professional2"
    assert arrears.decided_by.username == "budget_holder2"
    (solved,) = JourneyEvent.objects.filter(type="solved")
    assert solved.request == arrears.request
    assert solved.request.organisation.name == "Woningcorporatie Voorbeeld Wonen"
    assert solved.request.state == "solved"
    assert (solved.intervention, solved.on) == ("budget_payment", arrears.on)

    # One reversal, with its reason, of the whole deposit.
    (reversal,) = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL)
    assert reversal.reason
    assert reversal.amount == reversal.spend.amount
    assert reversal.spend.purpose_category == "deposit"
    assert reversal.on >= reversal.spend.on


def test_demo_budgets_fit_the_stories_and_are_idempotent():
    create_demo_data()
    check_figures()
    before = counts()
    create_demo_data()
    assert counts() == before
    check_figures()


def test_a_demo_spend_can_solve_a_request_of_its_case(monkeypatch):
    """The journey link, as the bridging spend would record it with ``solves``."""
    (zaanstad, *others) = demo.BUDGETS
    (bridging, *rest) = zaanstad.spends
    assert bridging.candidates and not bridging.solves
    linked = replace(bridging, solves="Zorgverzekeraar Voorbeeld")
    monkeypatch.setattr(demo, "BUDGETS", [replace(zaanstad, spends=(linked, *rest)), *others])
    create_demo_data()
    spend = Spend.objects.get(bridging=True)
    req = spend.request
    assert (req.organisation.name, req.state) == ("Zorgverzekeraar Voorbeeld", "solved")
    solved = req.events.get(type="solved")
    assert (solved.intervention, solved.on) == ("bridging_procedure", spend.on)
    assert not req.events.filter(on__gt=solved.on).exists()
    assert solved.entered_by.username == "budget_holder"  # booked on approval


@time_machine.travel(date(2027, 1, 2), tick=False)
def test_early_in_the_year_every_date_falls_in_this_year():
    create_demo_data()
    for spend in Spend.objects.all():
        assert spend.on.year == 2027
    assert {entry.on.year for entry in LedgerEntry.objects.all()} == {2027}
    assert {settlement.on.year for settlement in Settlement.objects.all()} == {2027}
    check_figures()
