"""Two budget writes at the same moment (PostgreSQL: real concurrent connections).

Money only moves after the budget's row is locked, so two spends that each fit the
balance but together do not can never both be booked; and a spend that comes in while
another write holds the budget waits for it and then sees its result."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import Budget, LedgerEntry, Spend
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.concurrency import run_in_threads
from maatwerk.testing.factories import OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NEGATIVE = "This spend would make the balance negative"


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")


@pytest.fixture
def spend(rf_request, case):
    def make(user, amount, *, budget, **fields):
        return services.spend_create(
            request=rf_request(user),
            user=user,
            case=case,
            budget=budget,
            on=timezone.localdate(),
            amount=amount,
            purpose_category="housing",
            description="Huurachterstand",
            payee_category="landlord",
            **fields,
        )

    return make


def watching_balance(budget_id: int, stop: threading.Event, seen: list) -> list:
    """Read the (committed) balance over and over until ``stop`` is set."""
    while not stop.is_set():
        seen.append(selectors.balance_of(budget_id))
    seen.append(selectors.balance_of(budget_id))
    return seen


def set_budget(budget, holder, rf_request, amount):
    return services.budget_set(
        request=rf_request(holder),
        user=holder,
        team=budget.team,
        year=budget.year,
        amount=amount,
        approval_threshold="250",
    )


def test_two_simultaneous_spends_cannot_both_take_the_last_euros(
    budget, budget_holder, professional, colleague, rf_request, spend
):
    rounds = 5
    for round_ in range(1, rounds + 1):
        # € 300 left; two spends of € 200 (each below the threshold, so booked at once).
        set_budget(budget, budget_holder, rf_request, Decimal(300 + 200 * (round_ - 1)))
        assert selectors.balance_of(budget.pk) == Decimal("300")
        stop, balances = threading.Event(), []
        watcher = threading.Thread(
            target=lambda stop=stop, balances=balances: (
                watching_balance(budget.pk, stop, balances),
                connections.close_all(),
            )
        )
        watcher.start()
        try:
            outcomes = run_in_threads(
                lambda: spend(professional, "200", budget=budget),
                lambda: spend(colleague, "200", budget=budget),
            )
        finally:
            stop.set()
            watcher.join(timeout=30)
        booked = [o for o in outcomes if isinstance(o, Spend)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(booked) == 1 and len(refused) == 1, outcomes
        assert set(refused[0].message_dict) == {"amount"}
        assert refused[0].message_dict["amount"][0].startswith(NEGATIVE)
        assert booked[0].state == Spend.State.BOOKED
        assert selectors.balance_of(budget.pk) == Decimal("100")
        assert balances and min(balances) >= 0, balances
    assert Spend.objects.count() == LedgerEntry.objects.count() == rounds
    assert not LedgerEntry.objects.filter(override=True).exists()


def test_a_spend_waits_for_the_budget_lock_and_then_sees_the_other_booking(
    budget, budget_holder, professional, colleague, rf_request, spend
):
    """The first writer holds the budget's row lock (as every booking does) while the
    second spend comes in: the second waits, and once the first has committed it reads
    the new balance and is refused. Without the lock both would read € 300 left."""
    set_budget(budget, budget_holder, rf_request, "300")
    locked = threading.Event()
    second_started = threading.Event()
    times: dict[str, float] = {}

    def first():
        with transaction.atomic():
            Budget.objects.select_for_update().get(pk=budget.pk)
            locked.set()
            assert second_started.wait(timeout=10)
            time.sleep(0.5)  # the second spend is now waiting for the lock
            booked = spend(professional, "200", budget=budget)
            times["first_booked"] = time.monotonic()
        return booked

    def second():
        assert locked.wait(timeout=10)
        second_started.set()
        times["second_started"] = time.monotonic()
        try:
            return spend(colleague, "200", budget=budget)
        finally:
            times["second_done"] = time.monotonic()

    first_outcome, second_outcome = run_in_threads(first, second, together=False)
    assert isinstance(first_outcome, Spend), first_outcome
    assert isinstance(second_outcome, ValidationError), second_outcome
    assert second_outcome.message_dict["amount"][0].startswith(NEGATIVE)
    assert "€ 100.00 is left" in second_outcome.message_dict["amount"][0]
    # The second spend only finished after the first one had booked (and committed).
    assert times["second_done"] > times["first_booked"]
    assert times["second_done"] - times["second_started"] >= 0.4
    assert selectors.balance_of(budget.pk) == Decimal("100")
    assert Spend.objects.count() == LedgerEntry.objects.count() == 1


def test_spends_reversals_approvals_and_budget_changes_at_once_do_not_deadlock(
    budget, budget_holder, budget_holder2, professional, colleague, rf_request, spend
):
    """Every write that moves money takes the budget's lock before it writes the access
    log (whose hash chain is serialised by a lock of its own): taken the other way round,
    a spend and a reversal of the same budget would wait for each other."""
    rounds = 6
    for round_ in range(rounds):
        booked = spend(professional, "50", budget=budget)
        awaiting = spend(professional, "260", budget=budget)
        outcomes = run_in_threads(
            lambda: spend(colleague, "10", budget=budget),
            lambda booked=booked: services.spend_reverse(
                request=rf_request(budget_holder),
                user=budget_holder,
                spend=booked,
                reason="Correctie",
            ),
            lambda awaiting=awaiting: services.spend_approve(
                request=rf_request(budget_holder2),
                user=budget_holder2,
                spend=awaiting,
                override=True,
            ),
            lambda round_=round_: set_budget(
                budget, budget_holder, rf_request, Decimal(5000 + 10 * (round_ + 1))
            ),
        )
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert errors == [], errors
    figures = selectors.with_figures(Budget.objects.filter(pk=budget.pk)).get()
    # Per round: 50 booked and reversed, 260 approved, 10 spent; the budget +10.
    assert figures.amount == Decimal(5000 + 10 * rounds)
    assert figures.spent == Decimal(320 * rounds)
    assert figures.reversed == Decimal(50 * rounds)
    assert figures.balance == figures.amount - Decimal(270 * rounds)


def test_a_spend_that_solves_a_request_waits_for_a_journey_step_on_it(
    budget, professional, colleague, case, rf_request, spend
):
    """A journey step locks its request and then writes the access log; a spend that
    solves the same request must take the request's lock before it writes the log too,
    or the two wait for each other."""
    req = request_create(
        request=None,
        user=professional,
        case=case,
        organisation=OrganisationFactory(name="UWV"),
        subject="WW",
    )
    today = timezone.localdate()
    record_event(request=None, user=professional, req=req, type="submitted", on=today)
    req.refresh_from_db()
    locked = threading.Event()
    second_started = threading.Event()

    def journey_step():
        with transaction.atomic():
            Request.objects.select_for_update().get(pk=req.pk)
            locked.set()
            assert second_started.wait(timeout=10)
            time.sleep(0.5)  # the spend is now under way
            return record_event(
                request=None,
                user=professional,
                req=req,
                type="information_requested",
                text="Bankafschriften",
                on=today,
            )

    def solving_spend():
        assert locked.wait(timeout=10)
        second_started.set()
        return spend(colleague, "100", budget=budget, solves_request=req)

    step, solved = run_in_threads(journey_step, solving_spend, together=False)
    assert isinstance(step, JourneyEvent), step
    assert isinstance(solved, Spend), solved
    assert solved.state == Spend.State.BOOKED
    req.refresh_from_db()
    assert req.state == Request.State.SOLVED
    assert list(req.events.order_by("id").values_list("type", flat=True)) == [
        "submitted",
        "information_requested",
        "solved",
    ]


def test_spends_recorded_at_once_each_get_a_reference_of_their_own(
    budget, professional, colleague, spend
):
    """A spend's reference (``U-<year>-<id>``) is made from its primary key, which the
    database hands out: spends recorded at once never share one."""
    threads = 8
    users = [(professional, colleague)[i % 2] for i in range(threads)]
    outcomes = run_in_threads(*(lambda u=u: spend(u, "10", budget=budget) for u in users))
    assert [o for o in outcomes if not isinstance(o, Spend)] == [], outcomes
    references = {o.reference for o in outcomes}
    year = timezone.localdate().year
    assert len(references) == threads
    assert all(ref.startswith(f"U-{year}-") for ref in references)
    assert selectors.balance_of(budget.pk) == Decimal("920")
