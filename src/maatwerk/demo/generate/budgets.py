"""Generated maatwerkbudgets: a budget per team and year (set by its budget holder),
and spends for cases — booked at once up to the threshold, approved by a second pair
of eyes above it (or refused, or still waiting, with the approval notice sent), some
bridging with the responsible organisations' settlements, a few reversed — with the
ledger entries, the journey's ``solved`` step for a spend that solves a request, and
the access-log rows of the budget services.

The balance is kept while generating: a spend that would make it negative goes to a
budget holder, who allows it (``override``), as the services require.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from maatwerk.budgets.models import Budget, LedgerEntry
from maatwerk.core.money import euro
from maatwerk.journeys.calendar import working_days_between

from . import tables as T
from . import words as W
from .context import Clock, Context

BUDGET = "budget"
CENT = Decimal("0.01")
EUROS = Decimal("1.00")
PURPOSE_FOR = {
    "housing_association": 0,
    "energy_company": 2,
    "health_insurer": 3,
    "care_provider": 3,
    "justice": 5,
    "national_agency": 8,
}


class Account:
    """A budget while generating: its id, threshold and balance."""

    __slots__ = ("amount", "balance", "id", "threshold")

    def __init__(self, bid, amount, threshold, balance):
        self.id, self.amount, self.threshold, self.balance = bid, amount, threshold, balance


def load_accounts(team_ids) -> dict[tuple[int, int], Account]:
    """The team budgets that exist already, with their balance (for ``--append``)."""
    accounts = {}
    budgets = Budget.objects.filter(team_id__in=team_ids, professional__isnull=True)
    for bid, team_id, year, amount, threshold in budgets.values_list(
        "id", "team_id", "year", "amount", "approval_threshold"
    ):
        accounts[(team_id, year)] = Account(bid, amount, threshold, amount)
    by_id = {a.id: a for a in accounts.values()}
    for bid, kind, amount in LedgerEntry.objects.filter(budget_id__in=by_id).values_list(
        "budget_id", "kind", "amount"
    ):
        by_id[bid].balance += amount if kind == LedgerEntry.Kind.REVERSAL else -amount
    return accounts


class Budgets:
    def __init__(self, ctx: Context, accounts: dict, cases_per_team_year: dict[int, float]):
        self.ctx = ctx
        self.accounts = accounts
        self.yearly = cases_per_team_year
        self.reminder_days = settings.APPROVAL_REMINDER_DAYS

    def account(self, team, year: int, rng: random.Random) -> Account:
        found = self.accounts.get((team.id, year))
        if found is not None:
            return found
        ctx = self.ctx
        expected = self.yearly.get(team.id, 100) * 0.25 * 900
        amount = Decimal(max(10000, int(expected * 1.3 / 5000 + 1) * 5000)) * Decimal("1.00")
        threshold = Decimal(rng.choice((500, 750, 1000, 1500))) * Decimal("1.00")
        bid = ctx.take(T.BUDGET)
        holder = team.holders[0]
        start = max(date(year, 1, 2), ctx.world.start)
        at = Clock(rng).at(start)
        ctx.add(T.BUDGET, (bid, team.id, year, None, amount, threshold, 1, at))
        ctx.add(
            T.BUDGET_REVISION,
            (ctx.take(T.BUDGET_REVISION), bid, amount, threshold,
             "Het maatwerkbudget van het team voor dit jaar.", holder.id, at),
        )  # fmt: skip
        ctx.log(
            at, holder, "create", BUDGET, "budgets.budget", bid, "",
            f"{euro(amount)}; threshold {euro(threshold)}",
        )  # fmt: skip
        found = self.accounts[(team.id, year)] = Account(bid, amount, threshold, amount)
        return found

    def spend(self, rng, d, on: date, *, purpose: int, bridging: bool, candidates=(), solves=None):
        """One spend for case ``d`` on day ``on``. Returns (reference, booked by) when
        it was booked, else None."""
        ctx = self.ctx
        team = d.team
        account = self.account(team, on.year, rng)
        # Mostly a few hundred euros (median 600), in tens, from 25 to 9,500.
        euros = min(9500, max(25, int(round(math.exp(rng.gauss(6.4, 0.8)), -1))))
        amount = Decimal(euros) * EUROS
        category, payee, description = W.SPEND_PURPOSES[purpose]
        owner = d.owner
        holder = team.holders[-1]
        sid = ctx.take(T.SPEND)
        reference = f"U-{on.year}-{sid:05d}"
        at = d.clock.at(on)
        needs_approval = amount > account.threshold or amount > account.balance
        state, decided_by, decided_at, refusal = "booked", None, None, ""
        booked_by = owner
        if needs_approval:
            if solves is None and (ctx.today - on).days < 7 and rng.random() < 0.5:
                state = "awaiting_approval"
            elif solves is None and rng.random() < 0.08:
                state, decided_by, refusal = "refused", holder, rng.choice(W.SPEND_REFUSED)
            else:
                decided_by = booked_by = holder
            if decided_by is not None:
                decided_at = min(at + timedelta(days=rng.randint(0, 2), hours=1), _now(ctx, at))
        ctx.add(
            T.SPEND,
            (sid, account.id, d.id, on, amount, category, description, payee, "", bridging,
             solves.id if solves else None, state, owner.id,
             decided_by.id if decided_by else None, decided_at, refusal, at),
        )  # fmt: skip
        for org in candidates:
            ctx.add(T.SPEND_CANDIDATES, (ctx.take(T.SPEND_CANDIDATES), sid, org.id))
        detail = f"{reference}: {euro(amount)}"
        detail += " (awaiting approval)" if needs_approval else ""
        detail += " bridging" if bridging else ""
        ctx.log(at, owner, "create", BUDGET, "budgets.spend", sid, d.household, detail)
        if state == "awaiting_approval":
            asked = on
            for recipient in team.holders:
                ctx.add(
                    T.APPROVAL_NOTICE,
                    (ctx.take(T.APPROVAL_NOTICE), sid, recipient.id, "waiting",
                     at + timedelta(minutes=10)),
                )  # fmt: skip
                if working_days_between(asked, ctx.today) >= self.reminder_days:
                    ctx.add(
                        T.APPROVAL_NOTICE,
                        (ctx.take(T.APPROVAL_NOTICE), sid, recipient.id, "reminder",
                         at + timedelta(days=3)),
                    )  # fmt: skip
            return None
        if state == "refused":
            ctx.log(
                decided_at, holder, "update", BUDGET, "budgets.spend", sid, d.household,
                f"{reference}: refused",
            )  # fmt: skip
            return None
        override = amount > account.balance
        when = decided_at or at
        entry = ctx.take(T.LEDGER_ENTRY)
        ctx.add(
            T.LEDGER_ENTRY,
            (entry, account.id, sid, "spend", on, amount, "", override, booked_by.id, when),
        )
        if override:
            ctx.log(
                when, booked_by, "update", BUDGET, "budgets.ledgerentry", entry, d.household,
                f"{reference}: negative balance allowed ({euro(account.balance)} → "
                f"{euro(account.balance - amount)})",
            )  # fmt: skip
        account.balance -= amount
        if decided_by is not None:
            ctx.log(
                when, holder, "update", BUDGET, "budgets.spend", sid, d.household,
                f"{reference}: approved",
            )  # fmt: skip
        self._afterwards(rng, d, sid, reference, on, amount, bridging, candidates, account)
        return reference, booked_by

    def _afterwards(self, rng, d, sid, reference, on, amount, bridging, candidates, account):
        """A reversal (rarely), or — for a bridging spend — the settlement."""
        ctx = self.ctx
        holder = d.team.holders[-1]
        if not bridging and rng.random() < 0.03:
            day = on + timedelta(days=rng.randint(5, 60))
            if day <= ctx.today and day.year == on.year:
                at = d.clock.at(day)
                entry = ctx.take(T.LEDGER_ENTRY)
                ctx.add(
                    T.LEDGER_ENTRY,
                    (entry, account.id, sid, "reversal", day, amount,
                     rng.choice(W.REVERSAL_REASONS), False, holder.id, at),
                )  # fmt: skip
                ctx.log(
                    at, holder, "update", BUDGET, "budgets.ledgerentry", entry, d.household,
                    f"{reference}: reversal {euro(amount)}",
                )  # fmt: skip
                account.balance += amount
        if bridging and candidates and rng.random() < 0.5:
            day = on + timedelta(days=rng.randint(20, 200))
            if day <= ctx.today:
                final = rng.random() < 0.6
                paid = amount if final else (amount / 2).quantize(CENT)
                responsible = rng.choice(candidates)
                at = d.clock.at(day)
                settlement = ctx.take(T.SETTLEMENT)
                ctx.add(
                    T.SETTLEMENT,
                    (settlement, sid, responsible.id, paid, day, final,
                     rng.choice(W.SETTLEMENT_NOTES), holder.id, at),
                )  # fmt: skip
                ctx.log(
                    at, holder, "update", BUDGET, "budgets.settlement", settlement, d.household,
                    f"{reference}: {euro(paid)} reimbursed by {responsible.name}"
                    + (" (settled in full)" if final else ""),
                )  # fmt: skip

    def solving(self, ctx, rng, d, result, day: date):
        """Book the spend that solves request ``result`` on ``day`` (journeys asks):
        returns (spend reference, intervention, booked by), or None when it was not
        booked (then the request stays as it was)."""
        bridging = rng.random() < 0.25
        candidates = [result.org, d.municipality] if bridging else []
        candidates = list(dict.fromkeys(candidates))
        purpose = PURPOSE_FOR.get(result.org.type, rng.randrange(len(W.SPEND_PURPOSES)))
        booked = self.spend(
            rng, d, day, purpose=purpose, bridging=bridging, candidates=candidates, solves=result
        )
        if booked is None:
            return None
        reference, by = booked
        return reference, "bridging_procedure" if bridging else "budget_payment", by

    def other_spends(self, rng, d) -> None:
        """Quick help for some cases with a plan, besides solving requests."""
        if d.plan_on is None or rng.random() >= 0.12:
            return
        for _ in range(rng.choice((1, 1, 2))):
            day = d.plan_on + timedelta(days=rng.randint(0, 200))
            if day > self.ctx.today:
                continue
            bridging = rng.random() < 0.12
            candidates = []
            if bridging:
                candidates = list(dict.fromkeys([d.municipality, *d.deciding[:1]]))
            self.spend(
                rng, d, day, purpose=rng.randrange(len(W.SPEND_PURPOSES)), bridging=bridging,
                candidates=candidates,
            )  # fmt: skip
            d.last_day = max(d.last_day, day)


def _now(ctx, at):
    """The latest moment a decision can be dated: this morning (but not before ``at``)."""
    return max(at, Clock.midnight(ctx.today) + timedelta(hours=8))
