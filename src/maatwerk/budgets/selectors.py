"""Reads of budgets: figures computed in SQL. Which budgets and spends a user may see
is decided by the one access policy (maatwerk.cases.selectors: visible_budgets,
visible_spends); everything here starts from a queryset that policy produced.

Definitions (also in docs/budgets.md):

- spent: Σ spend entries in the ledger; reversed: Σ reversal entries;
- balance = budget − spent + reversed;
- committed: Σ spends awaiting approval (not in the ledger yet);
- remaining = balance − committed (what can still be promised);
- open receivable of a bridging spend = booked − reversed − reimbursed, unless a
  settlement closed it (then 0).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints
from maatwerk.audit.models import ProcessingActivity
from maatwerk.cases.selectors import visible_cases

from .models import MONEY, Budget, LedgerEntry, PurposeCategory, Settlement, Spend

ZERO = Value(Decimal("0.00"), output_field=DecimalField(**MONEY))
MONEY_FIELD = DecimalField(**MONEY)
K = LedgerEntry.Kind


def visible_budgets(user):
    """The budgets whose figures this user may see: every team's with
    ``budgets.view_all_budgets`` (coordinators), otherwise those of the user's own
    active teams (with ``budgets.view_budget``). Figures only: which case a spend was
    for stays behind ``visible_cases``."""
    if not user.is_authenticated or not user.is_active:
        return Budget.objects.none()
    if user.has_perm("budgets.view_all_budgets"):
        return Budget.objects.all()
    if not user.has_perm("budgets.view_budget"):
        return Budget.objects.none()
    return Budget.objects.filter(team__in=user.teams.filter(active=True).values("pk"))


def visible_spends(user):
    """The spends this user may see one by one: those of the cases the user may see,
    and — for whoever approves, corrects or settles spends — those of the budgets the
    user may see (amount, purpose, payee; the case itself only under ``visible_cases``)."""
    if not user.is_authenticated or not user.is_active:
        return Spend.objects.none()
    mine = Q(case__in=visible_cases(user).values("pk"))
    if any(
        user.has_perm(f"budgets.{perm}")
        for perm in ("approve_spend", "reverse_spend", "settle_spend")
    ):
        mine |= Q(budget__in=visible_budgets(user).values("pk"))
    return Spend.objects.filter(mine)


def may_see_receipt(user, spend) -> bool:
    """A receipt may name the household, so fewer people see it than the spend: those
    who may see the case, and the budget holders of the spend's own team who approve
    or correct its spends — not everyone who may read or settle the figures."""
    if visible_cases(user).filter(pk=spend.case_id).exists():
        return True
    return (
        user.has_perm("budgets.approve_spend") or user.has_perm("budgets.reverse_spend")
    ) and user.teams.filter(pk=spend.budget.team_id, active=True).exists()


def _cents(expression):
    """``expression`` rounded to whole cents in SQL. SQLite computes decimals as floating
    point (1000 − 999.99 = 0.00999999999999091 there); PostgreSQL's numeric is exact."""
    return Round(expression, 2, output_field=MONEY_FIELD)


def _sum(queryset, column: str = "amount"):
    """A correlated subquery summing ``column`` over ``queryset`` (0 without rows)."""
    total = queryset.order_by().annotate(total=Func(F(column), function="SUM")).values("total")
    return _cents(Coalesce(Subquery(total[:1], output_field=MONEY_FIELD), ZERO))


def with_figures(budgets: QuerySet[Budget]) -> QuerySet[Budget]:
    """Annotate spent, reversed, committed, balance and remaining on each budget."""
    entries = LedgerEntry.objects.filter(budget=OuterRef("pk"))
    pending = Spend.objects.filter(budget=OuterRef("pk"), state=Spend.State.AWAITING_APPROVAL)
    return budgets.annotate(
        spent=_sum(entries.filter(kind=K.SPEND)),
        reversed=_sum(entries.filter(kind=K.REVERSAL)),
        committed=_sum(pending),
    ).annotate(
        balance=_cents(F("amount") - F("spent") + F("reversed")),
        remaining=_cents(F("amount") - F("spent") + F("reversed") - F("committed")),
    )


def balance_of(budget_id: int) -> Decimal:
    """The balance by its definition, in one SQL query. Not scoped: used by the services
    (under the budget's lock) after they checked who may act on the budget."""
    return with_figures(Budget.objects.filter(pk=budget_id)).values_list("balance", flat=True)[0]


def budget_refused(pk) -> Refused:
    """The refusal of budget ``pk`` (a 404, logged; a budget is a team's, not a
    household's)."""
    exists = Budget.objects.filter(pk=pk).exists()
    return Refused(
        object_type=Budget._meta.label_lower,
        object_id=pk,
        detail=NOT_VISIBLE if exists else NO_SUCH_OBJECT,
        processing_activity=ProcessingActivity.BUDGET,
    )


def spend_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    """The refusal of spend ``pk`` (a 404), logged with its household's pseudonym."""
    pseudonym = (
        Spend.objects.filter(pk=pk).values_list("case__household__pseudonym", flat=True).first()
    )
    return Refused(
        object_type=Spend._meta.label_lower,
        object_id=pk,
        household=pseudonym or "",
        detail=detail if pseudonym is not None else NO_SUCH_OBJECT,
        processing_activity=ProcessingActivity.BUDGET,
    )


def hidden_spend(kwarg: str):
    """For ``permission_required(..., hide=hidden_spend("pk"))``."""
    return lambda kwargs: spend_refused(kwargs[kwarg])


def budget_for(user, pk) -> Budget:
    budget = (
        with_figures(visible_budgets(user))
        .select_related("team__organisation", "professional")
        .filter(pk=pk)
        .first()
    )
    if budget is None:
        raise budget_refused(pk)
    return budget


def spend_for(user, pk) -> Spend:
    spend = (
        with_receivable(visible_spends(user))
        .select_related("budget__team", "case__household", "requested_by", "decided_by", "request")
        .filter(pk=pk)
        .first()
    )
    if spend is None:
        raise spend_refused(pk)
    return spend


def spendable_budgets(user, case) -> QuerySet[Budget]:
    """The budgets a professional may spend from for this case: the case team's budget
    and the professional's own budget in that team. Not scoped through
    ``visible_budgets`` on purpose: a professional spends from the case team's budget
    without seeing its figures; the case comes from ``visible_cases`` and
    ``services.spend_create`` checks again who may spend."""
    return (
        Budget.objects.filter(team_id=case.team_id)
        .filter(Q(professional__isnull=True) | Q(professional=user))
        .select_related("team", "professional")
        .order_by("-year", "professional")
    )


# --- Receivables (bridging) ----------------------------------------------------------


def _receivable(spend: OuterRef) -> dict:
    """The receivable of the spend ``spend`` refers to, as SQL expressions: booked,
    reversed, reimbursed, closed and open (0 once a final settlement closed it)."""
    entries = LedgerEntry.objects.filter(spend=spend)
    settlements = Settlement.objects.filter(spend=spend)
    booked = _sum(entries.filter(kind=K.SPEND))
    reversed_ = _sum(entries.filter(kind=K.REVERSAL))
    reimbursed = _sum(settlements)
    closed = Exists(settlements.filter(final=True))
    return {
        "booked": booked,
        "reversed": reversed_,
        "reimbursed": reimbursed,
        "closed": closed,
        "open_amount": CaseWhen(
            When(closed, then=ZERO),
            default=_cents(booked - reversed_ - reimbursed),
            output_field=MONEY_FIELD,
        ),
    }


def with_receivable(spends: QuerySet[Spend]) -> QuerySet[Spend]:
    """Annotate booked, reversed, reimbursed, closed and open (the open receivable)."""
    return spends.annotate(**_receivable(OuterRef("pk")))


def open_receivables(user) -> QuerySet[Spend]:
    """Bridging spends of the budgets the user may see that are still open."""
    spends = Spend.objects.filter(
        bridging=True,
        state=Spend.State.BOOKED,
        budget__in=visible_budgets(user).values("pk"),
    )
    return (
        with_receivable(spends)
        .filter(closed=False, open_amount__gt=0)
        .select_related("budget__team")
        .prefetch_related("responsible_candidates")
        .order_by("on", "id")
    )


def receivables_by_organisation(user) -> list[dict]:
    """Per organisation that may be responsible: number of open receivables, the
    open total and the oldest date — grouped in SQL. A receivable with several
    candidate organisations counts under each of them."""
    links = Spend.responsible_candidates.through.objects.filter(
        spend_id__in=open_receivables(user).values("pk")
    )
    rows = (
        links.annotate(open_amount=_receivable(OuterRef("spend_id"))["open_amount"])
        .values("organisation_id", "organisation__name")
        .annotate(count=Count("spend_id"), oldest=Min("spend__on"), open_total=Sum("open_amount"))
        .order_by("organisation__name")
    )
    today = timezone.localdate()
    return [
        {
            "organisation": row["organisation__name"],
            "count": row["count"],
            "open_total": row["open_total"],
            "oldest_days": (today - row["oldest"]).days,
        }
        for row in rows
    ]


# --- Overviews per team ------------------------------------------------------------


@dataclass
class Figures:
    budget: Decimal = Decimal("0.00")
    spent: Decimal = Decimal("0.00")
    reversed: Decimal = Decimal("0.00")
    committed: Decimal = Decimal("0.00")

    @property
    def net_spent(self) -> Decimal:
        return self.spent - self.reversed

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent + self.reversed

    @property
    def remaining(self) -> Decimal:
        return self.balance - self.committed


@dataclass
class TeamOverview:
    team_id: int
    team: str
    year: int
    totals: Figures
    by_month: list[tuple[int, Figures]] = field(default_factory=list)
    by_purpose: list[tuple[str, Figures]] = field(default_factory=list)
    bridging_open: Decimal = Decimal("0.00")


def _ledger_sums(entries: QuerySet[LedgerEntry], *group) -> QuerySet:
    return (
        entries.order_by()
        .values(*group)
        .annotate(
            spent=Coalesce(Sum("amount", filter=Q(kind=K.SPEND)), ZERO),
            reversed=Coalesce(Sum("amount", filter=Q(kind=K.REVERSAL)), ZERO),
        )
    )


def _pending_sums(spends: QuerySet[Spend], *group) -> QuerySet:
    return (
        spends.filter(state=Spend.State.AWAITING_APPROVAL)
        .order_by()
        .values(*group)
        .annotate(committed=Coalesce(Sum("amount"), ZERO))
    )


def team_overviews(user, year: int, team_id: int | None = None) -> list[TeamOverview]:
    """Per team the user may see: budget, spent, committed and remaining for the year,
    by month and by purpose. A fixed number of grouped SQL queries, whatever the number
    of teams or spends."""
    budgets = visible_budgets(user).filter(year=year)
    if team_id is not None:
        budgets = budgets.filter(team_id=team_id)
    teams = {
        row["team_id"]: row
        for row in budgets.order_by().values("team_id", "team__name").annotate(total=Sum("amount"))
    }
    overviews = {
        team: TeamOverview(
            team_id=team,
            team=row["team__name"],
            year=year,
            totals=Figures(budget=row["total"]),
        )
        for team, row in teams.items()
    }
    entries = LedgerEntry.objects.filter(budget__in=budgets.values("pk"))
    spends = Spend.objects.filter(budget__in=budgets.values("pk"))
    months: dict[tuple[int, int], Figures] = {}
    purposes: dict[tuple[int, str], Figures] = {}
    for row in _ledger_sums(entries, "budget__team_id"):
        totals = overviews[row["budget__team_id"]].totals
        totals.spent, totals.reversed = row["spent"], row["reversed"]
    for row in _pending_sums(spends, "budget__team_id"):
        overviews[row["budget__team_id"]].totals.committed = row["committed"]
    for row in _ledger_sums(entries.annotate(month=ExtractMonth("on")), "budget__team_id", "month"):
        figures = months.setdefault((row["budget__team_id"], row["month"]), Figures())
        figures.spent, figures.reversed = row["spent"], row["reversed"]
    for row in _pending_sums(spends.annotate(month=ExtractMonth("on")), "budget__team_id", "month"):
        months.setdefault((row["budget__team_id"], row["month"]), Figures()).committed = row[
            "committed"
        ]
    for row in _ledger_sums(entries, "budget__team_id", "spend__purpose_category"):
        figures = purposes.setdefault(
            (row["budget__team_id"], row["spend__purpose_category"]), Figures()
        )
        figures.spent, figures.reversed = row["spent"], row["reversed"]
    for row in _pending_sums(spends, "budget__team_id", "purpose_category"):
        purposes.setdefault(
            (row["budget__team_id"], row["purpose_category"]), Figures()
        ).committed = row["committed"]
    for (team, month), figures in sorted(months.items()):
        overviews[team].by_month.append((month, figures))
    labels = dict(PurposeCategory.choices)
    for (team, purpose), figures in sorted(purposes.items()):
        overviews[team].by_purpose.append((str(labels.get(purpose, purpose)), figures))
    open_bridging = (
        with_receivable(spends.filter(bridging=True, state=Spend.State.BOOKED))
        .filter(closed=False)
        .order_by()
        .values("budget__team_id")
        .annotate(total=Sum("open_amount"))
    )
    for row in open_bridging:
        overviews[row["budget__team_id"]].bridging_open = row["total"] or Decimal("0.00")
    return sorted(overviews.values(), key=lambda overview: overview.team)


def awaiting_approval(user) -> QuerySet[Spend]:
    """Spends waiting for a budget holder's approval in the budgets the user may see."""
    return (
        Spend.objects.filter(
            state=Spend.State.AWAITING_APPROVAL, budget__in=visible_budgets(user).values("pk")
        )
        .select_related("budget__team", "requested_by")
        .order_by("on", "id")
    )


def case_spends(case) -> QuerySet[Spend]:
    """The spends of one case (the caller already passed the case access check)."""
    return (
        with_receivable(Spend.objects.filter(case=case))
        .select_related("budget__team", "requested_by", "request__organisation")
        .prefetch_related("responsible_candidates")
        .order_by("-on", "-id")
    )


def years_with_budgets(user) -> list[int]:
    return list(visible_budgets(user).order_by("-year").values_list("year", flat=True).distinct())


# --- Names for the access log's page (audit.labels) ----------------------------------
# Unscoped on purpose: they name the objects of log rows for the privacy officer.


def log_labels_spend(ids: list[str]) -> dict[str, str]:
    spends = Spend.objects.filter(pk__in=ids_as_ints(ids)).only("pk", "on")
    return {str(s.pk): _("spend %(reference)s") % {"reference": s.reference} for s in spends}


def log_labels_budget(ids: list[str]) -> dict[str, str]:
    rows = Budget.objects.filter(pk__in=ids_as_ints(ids)).values_list(
        "pk", "team__name", "year", "professional__username"
    )
    labels = {}
    for pk, team, year, professional in rows:
        label = _("budget %(team)s %(year)s") % {"team": team, "year": year}
        labels[str(pk)] = f"{label} ({professional})" if professional else label
    return labels
