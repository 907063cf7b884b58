"""Every figure of the yearly system-learning report, by database aggregation.

The definitions are those of ``../shared/docs/exchange-format.md`` ("Report figures");
docs/reports.md says each in plain words, and how the app's own data (corrections,
app-only journey steps, forwarded requests, spends) counts. Nothing here loads cases
into Python: each figure is one GROUP BY (or conditional aggregate) over the cases
whose ``opened_on`` falls in the period; only small grouped results come back (a
histogram of lead times, for the median). The result is raw: it has not been through
disclosure control (``maatwerk.reports.disclosure.protect``), so it never leaves the
reports module as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, Trim

from maatwerk.budgets.models import LedgerEntry, Spend
from maatwerk.cases.models import Case, Perspective
from maatwerk.journeys.models import (
    CaseIntervention,
    EventType,
    Intervention,
    JourneyEvent,
    RefusalReason,
    Request,
)
from maatwerk.learning.models import Bottleneck, BottleneckCategory, LearningPoint, LearningStatus
from maatwerk.learning.patterns import approved_exceptions

# The codes of maatwerk-case/1: every table keyed by an enum has every code, 0 included.
LIFE_DOMAINS = (
    "finances",
    "income_work",
    "housing",
    "physical_health",
    "mental_health",
    "addiction",
    "parenting_family",
    "safety",
    "justice",
    "education",
    "residence_status",
)
OUTCOMES = tuple(Case.Outcome.values)
OPEN = "open"
REFUSAL_REASONS = tuple(RefusalReason.values)
BOTTLENECK_CATEGORIES = tuple(BottleneckCategory.values)
INTERVENTIONS = tuple(Intervention.values)
LEARNING_ORDERS = ("1", "2", "3")
LEARNING_STATUSES = tuple(LearningStatus.values)
NO_ADDRESSEE = "–"
NO_RULE = "–"

# The lead-time buckets of the approval chart: (label, first day, last day or None).
APPROVAL_BUCKETS = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("366+", 366, None),
)

# Budget spends that count: approved and booked. Awaiting approval and refused ones do
# not; a booked spend later corrected by a reversal counts with what is left of it.
COUNTED_SPENDS = (Spend.State.BOOKED,)


def _money_field():
    return DecimalField(max_digits=12, decimal_places=2)


def half_up(value: Decimal, places: int) -> Decimal:
    """Rounded half away from zero (the figures are never negative)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value) -> str:
    return str(half_up(Decimal(value or 0), 2))


def _table(keys: Iterable[str], rows: Iterable[tuple]) -> dict[str, int]:
    """Every key with 0, then the grouped counts (codes outside ``keys`` added)."""
    table = dict.fromkeys(keys, 0)
    for key, n in rows:
        if key in (None, ""):
            continue
        table[str(key)] = table.get(str(key), 0) + n
    return table


def current_events():
    """Journey events as they stand: an event superseded by a correction (a later event
    whose ``corrects`` points at it) is not counted; the correction is."""
    return JourneyEvent.objects.exclude(pk__in=corrected_events())


def corrected_events():
    """The ids of the events some correction supersedes: a NOT IN over the few
    corrections (read from the index on ``corrects``) is cheaper than joining every
    event to its corrections."""
    return JourneyEvent.objects.filter(corrects__isnull=False).order_by().values("corrects_id")


def sent_requests(ids):
    """The requests that count: those ever submitted. A draft never sent, or withdrawn
    before it was sent, is no request to an organisation (and is not exported)."""
    return Request.objects.filter(case__in=ids).filter(
        Exists(current_events().filter(request=OuterRef("pk"), type=EventType.SUBMITTED))
    )


def period_cases(date_from: date, date_to: date, team=None):
    cases = Case.objects.filter(opened_on__gte=date_from, opened_on__lte=date_to)
    if team is not None:
        cases = cases.filter(team=team)
    return cases.order_by()


def compute(date_from: date, date_to: date, *, team=None) -> dict:
    """The raw figures (not disclosure-controlled) for the cases opened in the period,
    optionally of one team. A fixed number of queries, whatever the number of cases."""
    cases = period_cases(date_from, date_to, team)
    ids = cases.values("pk")
    figures: dict = {}

    figures.update(_cases_and_outcomes(cases))
    through = Case.life_domains.through.objects.filter(case__in=ids)
    figures["life_domains"] = _table(
        LIFE_DOMAINS,
        through.values_list("lifedomain__code").annotate(n=Count("pk")).order_by(),
    )
    figures["primary_domains"] = _table(
        LIFE_DOMAINS,
        cases.values_list("primary_domain__code").annotate(n=Count("pk")).order_by(),
    )
    figures["domain_pairs"] = _domain_pairs(through)
    figures["bottleneck_categories"] = _table(
        BOTTLENECK_CATEGORIES,
        Bottleneck.objects.filter(case__in=ids)
        .values_list("category")
        .annotate(n=Count("case", distinct=True))
        .order_by(),
    )
    figures["interventions"] = _interventions(ids)
    figures["requests"] = sent_requests(ids).count()
    figures.update(_events(ids))
    approval = _approval(ids)
    figures["plan_approval_days"] = approval["plan_approval_days"]
    figures["approved_within_two_months"] = approval["approved_within_two_months"]
    figures["outcomes"] = figures.pop("_outcomes")
    figures["learning_points"] = _learning_points(ids)
    figures["budget"] = _budget(ids)
    # Beyond the spec.
    figures["problems_start"] = _problems_start(ids)
    figures["exceptions_by_rule"] = _exceptions_by_rule(cases)
    figures["learning_follow_up"] = _learning_follow_up(ids)
    figures["approval_days_distribution"] = approval["distribution"]
    return figures


def _cases_and_outcomes(cases) -> dict:
    closed = Q(closed_on__isnull=False)  # closed iff it has a closing date (status closed)
    counts = cases.aggregate(
        cases=Count("pk"),
        open=Count("pk", filter=~closed),
        **{code: Count("pk", filter=closed & Q(outcome=code)) for code in OUTCOMES},
    )
    outcomes = {code: counts[code] for code in OUTCOMES}
    outcomes[OPEN] = counts["open"]
    return {"cases": counts["cases"], "_outcomes": outcomes}


def _domain_pairs(through) -> dict[str, int]:
    """Cases having both domains, for every pair with a count: the through table joined
    to itself on the case (the ORM's second join of ``case__life_domains``), each pair
    once (by id; the key orders the codes alphabetically)."""
    rows = (
        through.filter(lifedomain_id__lt=F("case__life_domains__id"))
        .values_list("lifedomain__code", "case__life_domains__code")
        .annotate(n=Count("case_id"))
        .order_by()
    )
    pairs = {"+".join(sorted((a, b))): n for a, b, n in rows if n > 0}
    return dict(sorted(pairs.items()))


def _interventions(ids) -> dict[str, int]:
    """Cases using each intervention: recorded for the case (CaseIntervention) or on a
    journey step of one of its requests (a ``solved`` step's intervention), counted once
    per case. One query: the two sets UNIONed, then grouped."""
    recorded = (
        CaseIntervention.objects.filter(case__in=ids)
        .order_by()
        .values_list("case_id", "intervention")
    )
    on_steps = (
        current_events()
        .filter(request__case__in=ids)
        .filter(type=EventType.SOLVED)
        .exclude(intervention="")
        .order_by()
        .values_list("request__case_id", "intervention")
    )
    union = recorded.union(on_steps)  # UNION drops the duplicates: once per case
    sql, params = union.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # The inner SQL is the ORM's own (parameters apart); nothing is interpolated.
            f"SELECT u.intervention, COUNT(*) FROM ({sql}) u GROUP BY u.intervention",  # noqa: S608
            params,
        )
        return _table(INTERVENTIONS, cursor.fetchall())


def _events(ids) -> dict:
    """Refusals by reason, redirects, escalations and conditions in one GROUP BY."""
    rows = (
        current_events()
        .filter(
            request__case__in=ids,
            type__in=(
                EventType.REFUSED,
                EventType.REDIRECTED,
                EventType.ESCALATED,
                EventType.CONDITION_ADDED,
            ),
        )
        .values_list("type", "reason")
        .annotate(
            n=Count("pk"),
            disagrees=Count("pk", filter=Q(household_agrees=False)),
        )
        .order_by()
    )
    refusals = dict.fromkeys(REFUSAL_REASONS, 0)
    redirects = escalations = conditions = disagrees = 0
    for event_type, reason, n, disagreeing in rows:
        if event_type == EventType.REFUSED:
            key = reason or RefusalReason.OTHER
            refusals[key] = refusals.get(key, 0) + n
        elif event_type == EventType.REDIRECTED:
            redirects += n
        elif event_type == EventType.ESCALATED:
            escalations += n
        else:
            conditions += n
            disagrees += disagreeing
    return {
        "refusals": refusals,
        "redirects": redirects,
        "escalations": escalations,
        "conditions_added": {"total": conditions, "household_disagrees": disagrees},
    }


# The case-level step of the approval figures, per database: the days between two
# dates, and "on or before the first date plus two calendar months, clamped to the end
# of the month" (PostgreSQL's interval arithmetic clamps: 31 Jan + 2 months = 31 Mar,
# 31 Dec + 2 months = 28/29 Feb; SQLite's '+2 months' overflows into the next month,
# so the last day of the month two months on caps it; ISO dates compare as text).
_APPROVAL_SQL = {
    "postgresql": (
        "(c.approved - c.submitted)",
        "c.approved <= CAST(c.submitted + INTERVAL '2 months' AS date)",
    ),
    "sqlite": (
        "CAST(julianday(c.approved) - julianday(c.submitted) AS INTEGER)",
        "c.approved <= min(date(c.submitted, '+2 months'),"
        " date(c.submitted, 'start of month', '+3 months', '-1 day'))",
    ),
}


def _approval(ids) -> dict:
    """The cases whose every request (at least one) has an ``approved`` step: the days
    from the earliest ``submitted`` over its requests to the latest first approval over
    its requests. One query, set-based: per request its first submission and first
    approval (GROUP BY request, the ORM's), per case the earliest and the latest of
    those and the number of requests without an approval (GROUP BY case), then a
    histogram of (days, within two months), from which n, median, mean, the share and
    the buckets follow in Python."""
    current = ~Q(events__pk__in=corrected_events())
    per_request = (
        Request.objects.filter(case__in=ids)
        .annotate(
            first_submitted=Min("events__on", filter=current & Q(events__type=EventType.SUBMITTED)),
            first_approved=Min("events__on", filter=current & Q(events__type=EventType.APPROVED)),
        )
        .filter(first_submitted__isnull=False)  # a draft never sent does not count
        .values("case_id", "first_submitted", "first_approved")
    )
    sql, params = per_request.query.sql_with_params()
    days, within = _APPROVAL_SQL[connection.vendor]
    query = (
        f"SELECT {days}, CASE WHEN {within} THEN 1 ELSE 0 END, COUNT(*) FROM ("  # noqa: S608
        " SELECT r.case_id, MIN(r.first_submitted) AS submitted,"
        " MAX(r.first_approved) AS approved,"
        " COUNT(*) - COUNT(r.first_approved) AS unapproved"
        f" FROM ({sql}) r GROUP BY r.case_id"
        ") c WHERE c.unapproved = 0 AND c.submitted IS NOT NULL"
        " GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    histogram: dict[int, int] = {}
    within_count = 0
    for day_count, is_within, n in rows:
        histogram[int(day_count)] = histogram.get(int(day_count), 0) + n
        within_count += n if is_within else 0
    return {
        "plan_approval_days": lead_times(histogram),
        "approved_within_two_months": share(within_count, sum(histogram.values())),
        "distribution": buckets(histogram),
    }


def lead_times(histogram: dict[int, int]) -> dict:
    """n, median (the usual midpoint: the mean of the two middle values of an even
    count, so it may end in .5) and mean (half away from zero, one decimal) of a
    histogram {days: cases}."""
    n = sum(histogram.values())
    if n == 0:
        return {"n": 0, "median": None, "mean": None}
    ordered = sorted(histogram.items())

    def at(position: int) -> int:  # the value at 0-based position in sorted order
        seen = 0
        for days, count in ordered:
            seen += count
            if position < seen:
                return days
        raise IndexError(position)

    middle = (Decimal(at((n - 1) // 2)) + Decimal(at(n // 2))) / 2
    total = sum(days * count for days, count in ordered)
    mean = half_up(Decimal(total) / Decimal(n), 1)
    return {"n": n, "median": number(middle), "mean": number(mean)}


def number(value: Decimal) -> int | float:
    """A JSON number: an integer when whole (12), else the decimal as written (12.5)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def share(part: int, whole: int) -> float | None:
    if whole == 0:
        return None
    return float(half_up(Decimal(part) / Decimal(whole), 3))


def buckets(histogram: dict[int, int]) -> dict[str, int]:
    table = {label: 0 for label, _first, _last in APPROVAL_BUCKETS}
    for days, count in histogram.items():
        for label, first, last in APPROVAL_BUCKETS:
            if days >= first and (last is None or days <= last):
                table[label] += count
                break
    return table


def _learning_points(ids) -> dict:
    """Learning points of the period's cases, once per case that names them (as the
    exchange format lists them per case), by order and by status."""
    through = LearningPoint.cases.through.objects.filter(case__in=ids)
    rows = (
        through.values_list("learningpoint__order", "learningpoint__status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_order = dict.fromkeys(LEARNING_ORDERS, 0)
    by_status = dict.fromkeys(LEARNING_STATUSES, 0)
    for order, status, n in rows:
        by_order[str(order)] = by_order.get(str(order), 0) + n
        by_status[status] = by_status.get(status, 0) + n
    return {"by_order": by_order, "by_status": by_status}


def _learning_follow_up(ids) -> dict[str, dict[str, int]]:
    """The learning points (as counted above) by addressee (the register's name, else the
    name written, else "–") and status."""
    through = LearningPoint.cases.through.objects.filter(case__in=ids)
    rows = (
        through.values_list(
            Coalesce(
                F("learningpoint__addressee__name"),
                NullIf(Trim("learningpoint__addressee_name"), Value("")),
                Value(NO_ADDRESSEE),
            ),
            "learningpoint__status",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[str, dict[str, int]] = {}
    for addressee, status, n in rows:
        statuses = table.setdefault(addressee, dict.fromkeys(LEARNING_STATUSES, 0))
        statuses[status] = statuses.get(status, 0) + n
    return dict(sorted(table.items()))


def _budget(ids) -> dict:
    """Approved (booked) spends of the period's cases: how many, their total, and the
    total of the bridging ones. A reversal (the correction of a booked spend, possibly
    partial) is subtracted from its spend; a spend reversed in full no longer counts."""
    reversed_amount = (
        LedgerEntry.objects.filter(spend=OuterRef("pk"), kind=LedgerEntry.Kind.REVERSAL)
        .values("spend")
        .annotate(back=Sum("amount"))
        .values("back")
    )
    net = (
        Spend.objects.filter(case__in=ids, state__in=COUNTED_SPENDS)
        .annotate(
            net=ExpressionWrapper(
                F("amount")
                - Coalesce(
                    Subquery(reversed_amount, output_field=_money_field()),
                    Value(Decimal("0.00"), output_field=_money_field()),
                ),
                output_field=_money_field(),
            )
        )
        .filter(net__gt=0)
    )
    totals = net.aggregate(
        spends=Count("pk"),
        total=Sum("net"),
        bridging_total=Sum("net", filter=Q(bridging=True)),
        bridging=Count("pk", filter=Q(bridging=True)),
    )
    return {
        "spends": totals["spends"],
        "total": money(totals["total"]),
        "bridging_total": money(totals["bridging_total"]),
        # Not published: what disclosure control needs to judge the bridging amount.
        "_bridging_spends": totals["bridging"],
    }


def _problems_start(ids) -> dict[str, int]:
    """Where the household says its problems start (the household's own current
    perspective, for cases entered in the app: imported cases do not have it)."""
    later = Perspective.objects.filter(
        case=OuterRef("case"), member="", version__gt=OuterRef("version")
    )
    rows = (
        Perspective.objects.filter(case__in=ids, member="")
        .exclude(problems_start_domain=None)
        .filter(~Exists(later))  # the current version: no later one (unique index)
        .values_list("problems_start_domain__code")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    return _table(LIFE_DOMAINS, rows)


def _exceptions_by_rule(cases) -> dict[str, int]:
    """Approved exceptions per rule: the exceptions register's own query
    (``learning.patterns.approved_exceptions``) over the period's cases."""
    rows = approved_exceptions(cases).values_list("rule").annotate(n=Count("pk")).order_by()
    table = {(rule or NO_RULE): n for rule, n in rows}
    return dict(sorted(table.items(), key=lambda item: (-item[1], item[0])))
