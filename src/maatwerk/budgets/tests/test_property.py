"""A property test of the ledger: random sequences of spends, approvals (sometimes
allowing a negative balance), refusals, reversals, settlements and budget changes go
through the services, next to a pure-Python model of what they should do. After every
step the figures computed in SQL must equal the model's; a step the model expects to
fail must raise ValidationError and change nothing at all."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from maatwerk.audit.models import AccessLogEntry
from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import Budget, LedgerEntry, Settlement, Spend
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
THRESHOLD = Decimal("250.00")


def money(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


# --- The model ---------------------------------------------------------------------------


@dataclass
class ModelSpend:
    pk: int
    amount: Decimal
    bridging: bool
    orgs: list[int]
    state: str
    booked: Decimal = ZERO
    reversed: Decimal = ZERO
    reimbursed: Decimal = ZERO
    closed: bool = False
    override: bool | None = None  # the expected override flag of its booking

    @property
    def open_amount(self) -> Decimal:
        return self.booked - self.reversed - self.reimbursed

    @property
    def open_receivable(self) -> Decimal:
        return ZERO if self.closed else self.open_amount


@dataclass
class Model:
    budget: Decimal
    spends: list[ModelSpend] = field(default_factory=list)
    reversal_entries: int = 0
    settlements: int = 0
    log_rows: int = 0

    @property
    def spent(self) -> Decimal:
        return sum((s.booked for s in self.spends), ZERO)

    @property
    def reversed(self) -> Decimal:
        return sum((s.reversed for s in self.spends), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent + self.reversed

    @property
    def committed(self) -> Decimal:
        return sum((s.amount for s in self.spends if s.state == "awaiting_approval"), ZERO)

    def book(self, spend: ModelSpend) -> None:
        spend.override = spend.amount > self.balance
        spend.booked = spend.amount
        spend.state = "booked"

    def open_receivables(self) -> dict[int, Decimal]:
        return {
            s.pk: s.open_amount
            for s in self.spends
            if s.bridging and s.state == "booked" and not s.closed and s.open_amount > 0
        }


@dataclass
class Plan:
    """One step: whether the model expects the service to accept it, the service call,
    and what the model records when it does."""

    ok: bool
    call: object
    apply: object = None


# --- Operations --------------------------------------------------------------------------

# An amount: cents, or ("rest", delta): what is left (the balance, what may still be
# reversed, what is still open) plus or minus a cent — the boundaries.
amounts = st.one_of(
    st.integers(1, 25_000),  # up to the threshold: booked at once
    st.integers(25_001, 70_000),  # above it: awaiting approval
    st.sampled_from([25_000, 25_001]),
    st.tuples(st.just("rest"), st.sampled_from([-1, 0, 1])),
)
small_amounts = st.one_of(
    st.integers(1, 10_000),
    st.tuples(st.just("rest"), st.sampled_from([-1, 0, 1])),
    st.just(0),
    st.just(-1),
)
# Mostly the spends a step is meant for (awaiting ones for an approval, booked ones for
# a reversal, open bridging ones for a settlement), sometimes any spend at all.
targeted = st.sampled_from([True, True, True, False])
# Which spend: counted back from the latest one, so that the same few spends are
# approved, settled and reversed in turn.
index = st.integers(0, 3)
ARGUMENTS = {
    # amount, bridging, which candidate organisations, ask for approval anyway
    "spend": st.tuples(
        amounts, st.booleans(), st.integers(0, 2), st.sampled_from([False] * 3 + [True])
    ),
    "approve": st.tuples(index, targeted, st.booleans()),
    "refuse": st.tuples(index, targeted),
    "reverse": st.tuples(index, targeted, st.one_of(st.none(), small_amounts)),
    "settle": st.tuples(index, targeted, small_amounts, st.booleans()),
    "bad_spend": st.tuples(st.sampled_from(["0", "-5", "1,005", "abc", "1.234"])),
    "set_budget": st.tuples(st.one_of(st.integers(0, 300_000), amounts)),
}
# Weighted: spends and what follows from them more often than the rest.
NAMES = ["spend"] * 4 + ["approve"] * 3 + ["reverse"] * 2 + ["settle"] * 3
NAMES += ["refuse", "bad_spend", "set_budget"]
operations = st.sampled_from(NAMES).flatmap(
    lambda name: ARGUMENTS[name].map(lambda args: (name, *args))
)


def resolve(amount, rest: Decimal) -> Decimal:
    if isinstance(amount, tuple):
        return rest + amount[1] * CENT
    return money(amount)


def as_text(amount: Decimal) -> str:
    return str(amount).replace(".", ",")


class Runner:
    def __init__(self, *, budget, case, professional, holder, holder2, rf_request, orgs):
        self.budget, self.case, self.orgs = budget, case, orgs
        self.professional, self.holder, self.holder2 = professional, holder, holder2
        self.rf_request = rf_request
        self.model = Model(budget=Budget.objects.get(pk=budget.pk).amount)
        self.household = case.household.pseudonym

    def pick(self, index: int, targeted: bool, wanted) -> ModelSpend | None:
        spends = [s for s in self.model.spends if wanted(s)] if targeted else self.model.spends
        return spends[-1 - index % len(spends)] if spends else None

    def plan_spend(self, amount, bridging, orgs_choice, ask=False) -> Plan:
        amount = resolve(amount, self.model.balance)
        orgs = [self.orgs[:1], self.orgs[1:], self.orgs][orgs_choice] if bridging else []
        awaiting = ask or amount > THRESHOLD

        def call():
            return services.spend_create(
                request=self.rf_request(self.professional),
                user=self.professional,
                case=self.case,
                budget=self.budget,
                on=timezone.localdate(),
                amount=as_text(amount),
                purpose_category="living",
                description="Leefgeld",
                payee_category="household",
                bridging=bridging,
                responsible_candidates=orgs,
                ask_approval=ask,
            )

        def apply(created):
            spend = ModelSpend(
                pk=created.pk,
                amount=amount,
                bridging=bridging,
                orgs=[o.pk for o in orgs],
                state="awaiting_approval",
            )
            if not awaiting:
                self.model.book(spend)
            self.model.spends.append(spend)
            self.model.log_rows += 1

        return Plan(amount > 0 and (awaiting or amount <= self.model.balance), call, apply)

    def plan_bad_spend(self, raw) -> Plan:
        def call():
            return services.spend_create(
                request=self.rf_request(self.professional),
                user=self.professional,
                case=self.case,
                budget=self.budget,
                on=timezone.localdate(),
                amount=raw,
                purpose_category="living",
                description="Leefgeld",
                payee_category="household",
            )

        return Plan(False, call)

    def plan_approve(self, index, targeted, override) -> Plan | None:
        spend = self.pick(index, targeted, lambda s: s.state == "awaiting_approval")
        if spend is None:
            return None

        def call():
            return services.spend_approve(
                request=self.rf_request(self.holder2),
                user=self.holder2,
                spend=Spend(pk=spend.pk),
                override=override,
            )

        def apply(approved):
            assert approved.state == "booked"
            self.model.book(spend)
            self.model.log_rows += 2 if spend.override else 1

        ok = spend.state == "awaiting_approval" and (override or spend.amount <= self.model.balance)
        return Plan(ok, call, apply)

    def plan_refuse(self, index, targeted) -> Plan | None:
        spend = self.pick(index, targeted, lambda s: s.state == "awaiting_approval")
        if spend is None:
            return None

        def call():
            return services.spend_refuse(
                request=self.rf_request(self.holder2),
                user=self.holder2,
                spend=Spend(pk=spend.pk),
                reason="Past niet in het plan",
            )

        def apply(refused):
            assert refused.state == "refused"
            spend.state = "refused"
            self.model.log_rows += 1

        return Plan(spend.state == "awaiting_approval", call, apply)

    def plan_reverse(self, index, targeted, amount) -> Plan | None:
        spend = self.pick(index, targeted, lambda s: s.state == "booked")
        if spend is None:
            return None
        reversible = spend.booked - spend.reversed - (spend.reimbursed if spend.bridging else 0)
        value = reversible if amount is None else resolve(amount, reversible)
        if spend.reimbursed:
            event("reverse: a partly reimbursed bridging spend")

        def call():
            return services.spend_reverse(
                request=self.rf_request(self.holder),
                user=self.holder,
                spend=Spend.objects.get(pk=spend.pk),
                reason="Correctie",
                amount=None if amount is None else as_text(value),
            )

        def apply(entry):
            assert (entry.kind, entry.amount) == ("reversal", value)
            spend.reversed += value
            self.model.reversal_entries += 1
            self.model.log_rows += 1

        return Plan(spend.state == "booked" and 0 < value <= reversible, call, apply)

    def plan_settle(self, index, targeted, amount, final) -> Plan | None:
        spend = self.pick(index, targeted, lambda s: s.bridging and s.state == "booked")
        if spend is None:
            return None
        if spend.closed:
            event("settle: a closed receivable")
        value = resolve(amount, spend.open_amount)

        def call():
            return services.spend_settle(
                request=self.rf_request(self.holder),
                user=self.holder,
                spend=Spend(pk=spend.pk),
                responsible=self.orgs[0],
                amount=as_text(value),
                on=timezone.localdate(),
                final=final,
            )

        def apply(settlement):
            assert (settlement.amount, settlement.final) == (value, final)
            spend.reimbursed += value
            spend.closed = spend.closed or final
            self.model.settlements += 1
            self.model.log_rows += 1

        ok = (
            spend.bridging
            and spend.state == "booked"
            and not spend.closed
            and (value > 0 or (value == 0 and final))
            and value <= spend.open_amount
        )
        return Plan(ok, call, apply)

    def plan_set_budget(self, amount) -> Plan:
        net_spent = self.model.spent - self.model.reversed
        value = resolve(amount, net_spent)

        def call():
            return services.budget_set(
                request=self.rf_request(self.holder),
                user=self.holder,
                team=self.budget.team,
                year=self.budget.year,
                amount=as_text(value),
                approval_threshold=THRESHOLD,
            )

        def apply(_budget):
            self.model.budget = value
            self.model.log_rows += 1

        return Plan(value >= max(net_spent, ZERO), call, apply)

    # --- What the database says ------------------------------------------------------

    def observed(self) -> dict:
        """Every figure, from SQL, in one comparable structure."""
        row = selectors.with_figures(Budget.objects.filter(pk=self.budget.pk)).get()
        (overview,) = selectors.team_overviews(self.holder, self.budget.year)
        sums = {
            kind: LedgerEntry.objects.filter(budget_id=self.budget.pk, kind=kind).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
            for kind in ("spend", "reversal")
        }
        spends = {
            s.pk: (s.state, s.booked, s.reversed, s.reimbursed, s.closed, s.open_amount)
            for s in selectors.with_receivable(Spend.objects.filter(budget_id=self.budget.pk))
        }
        return {
            "amount": row.amount,
            "balance_of": selectors.balance_of(self.budget.pk),
            "figures": (row.spent, row.reversed, row.committed, row.balance, row.remaining),
            "overview": (
                overview.totals.budget,
                overview.totals.spent,
                overview.totals.reversed,
                overview.totals.committed,
                overview.totals.balance,
                overview.bridging_open,
            ),
            "entries": sums,
            "spends": spends,
            "open": {s.pk: s.open_amount for s in selectors.open_receivables(self.holder)},
            "by_organisation": {
                r["organisation"]: (r["count"], r["open_total"])
                for r in selectors.receivables_by_organisation(self.holder)
            },
            "counts": (
                Spend.objects.count(),
                LedgerEntry.objects.count(),
                Settlement.objects.count(),
                AccessLogEntry.objects.count(),
            ),
        }

    def check(self) -> dict:
        """Compare every figure with the model; returns what was observed."""
        m = self.model
        seen = self.observed()
        assert seen["amount"] == m.budget
        assert seen["balance_of"] == m.balance
        assert seen["figures"] == (
            m.spent,
            m.reversed,
            m.committed,
            m.balance,
            m.balance - m.committed,
        )
        # balance = budget − Σ spend entries + Σ reversal entries
        assert (
            seen["balance_of"] == m.budget - seen["entries"]["spend"] + seen["entries"]["reversal"]
        )
        assert seen["entries"] == {"spend": m.spent, "reversal": m.reversed}
        open_receivables = m.open_receivables()
        assert seen["overview"] == (
            m.budget,
            m.spent,
            m.reversed,
            m.committed,
            m.balance,
            sum(
                (s.open_receivable for s in m.spends if s.bridging and s.state == "booked"),
                ZERO,
            ),
        )
        assert seen["spends"] == {
            s.pk: (s.state, s.booked, s.reversed, s.reimbursed, s.closed, s.open_receivable)
            for s in m.spends
        }
        assert seen["open"] == open_receivables
        by_organisation = {}
        for spend in m.spends:
            if spend.pk in open_receivables:
                for org in self.orgs:
                    if org.pk in spend.orgs:
                        count, total = by_organisation.get(org.name, (0, ZERO))
                        by_organisation[org.name] = (count + 1, total + spend.open_amount)
        assert seen["by_organisation"] == by_organisation
        assert seen["counts"] == (
            len(m.spends),
            sum(s.state == "booked" for s in m.spends) + m.reversal_entries,
            m.settlements,
            m.log_rows,
        )
        self.check_overrides()
        return seen

    def check_overrides(self) -> None:
        """Every booking that took the balance below zero was explicitly allowed
        (override=True) and logged with the household; no other booking was."""
        expected = {s.pk: s.override for s in self.model.spends if s.state == "booked"}
        entries = LedgerEntry.objects.filter(budget_id=self.budget.pk, kind="spend")
        assert {e.spend_id: e.override for e in entries} == expected
        overridden = [e for e in entries if e.override]
        logged = AccessLogEntry.objects.filter(
            object_type="budgets.ledgerentry",
            detail__contains="negative balance allowed",
            household=self.household,
        )
        assert sorted(int(pk) for pk in logged.values_list("object_id", flat=True)) == sorted(
            e.pk for e in overridden
        )
        if self.model.balance < 0:
            assert overridden

    def run(self, operations) -> None:
        self.model.log_rows = AccessLogEntry.objects.count()
        seen = self.check()
        for operation in operations:
            name, *args = operation
            plan = getattr(self, f"plan_{name}")(*args)
            if plan is None:  # no spend to act on yet
                continue
            event(f"{name}: {'accepted' if plan.ok else 'refused'}")
            if plan.ok:
                plan.apply(plan.call())
                seen = self.check()
            else:
                before = seen
                with pytest.raises(ValidationError):
                    plan.call()
                # A refusal changes nothing at all (and the model was not touched).
                seen = self.check()
                assert seen == before, operation
            if self.model.balance < 0:
                event("balance went negative (override)")
        if any(s.closed for s in self.model.spends):
            event("a receivable was closed")


@pytest.fixture
def orgs():
    return [
        OrganisationFactory(name="UWV", type="national_agency"),
        OrganisationFactory(name="CAK", type="national_agency"),
    ]


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=8, max_size=25))
# Besides the random sequences, always these: a bridging spend reimbursed in part,
# reversed, closed and then settled or reversed once more (both refused) ...
@example(
    steps=[
        ("spend", 20_000, True, 2),
        ("settle", 0, True, 5_000, False),
        ("reverse", 0, True, None),
        ("settle", 0, True, ("rest", 0), True),
        ("settle", 0, True, 100, False),
        ("settle", 0, True, 0, True),
        ("reverse", 0, True, ("rest", 1)),
        ("spend", 10_000, True, 0),
        ("settle", 0, True, ("rest", 1), False),
        ("settle", 0, True, ("rest", -1), True),
        ("reverse", 0, True, ("rest", 1)),
        ("reverse", 0, True, ("rest", 0)),
    ]
)
# ... a negative balance: refused without override, allowed with it, then restored ...
@example(
    steps=[
        ("spend", 25_000, False, 0),
        ("spend", 25_000, False, 0),
        ("spend", 25_000, False, 0),
        ("spend", ("rest", 0), False, 0),
        ("spend", 1, False, 0),
        ("spend", 30_000, True, 1),
        ("approve", 0, True, False),
        ("approve", 0, True, True),
        ("spend", 25_001, False, 0),
        ("approve", 0, True, True),
        ("spend", ("rest", 0), False, 0),
        ("spend", 500, True, 0, True),
        ("approve", 0, True, False),
        ("approve", 0, True, True),
        ("set_budget", ("rest", -1)),
        ("set_budget", ("rest", 0)),
        ("spend", 1, False, 0),
        ("reverse", 1, True, 100),
        ("spend", ("rest", 1), False, 0),
        ("spend", ("rest", 0), False, 0),
    ]
)
# ... and decisions on spends that were already decided.
@example(
    steps=[
        ("spend", 25_001, False, 0),
        ("refuse", 0, True),
        ("approve", 0, False, True),
        ("refuse", 0, False),
        ("reverse", 0, False, None),
        ("spend", 25_000, True, 0),
        ("approve", 0, False, False),
        ("settle", 1, False, 100, False),
        ("bad_spend", "1.234"),
    ]
)
def test_the_ledger_matches_its_model_after_every_step(
    steps, budget, case, professional, budget_holder, budget_holder2, rf_request, orgs
):
    with transaction.atomic():
        Runner(
            budget=budget,
            case=case,
            professional=professional,
            holder=budget_holder,
            holder2=budget_holder2,
            rf_request=rf_request,
            orgs=orgs,
        ).run(steps)
        transaction.set_rollback(True)
