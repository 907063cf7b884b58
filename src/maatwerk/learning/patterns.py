"""The patterns behind the cases, aggregated in SQL, for order-3 work (docs/learning.md):

- ``bottleneck_patterns``: bottlenecks grouped by category, by regulation and by
  organisation, each with the number of cases and the trend per quarter;
- ``exceptions_register``: every approved exception, grouped by rule, by organisation
  and per quarter, with the rules that keep needing the same exception flagged as
  candidates for an order-3 learning point.

Only counts leave these functions: never a case, a pseudonym or a text. The pages put
them through disclosure control (``maatwerk.core.disclosure``): for an analyst and in
anything published, every count under the threshold is suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf, Trim, TruncQuarter

from maatwerk.core.disclosure import is_small
from maatwerk.journeys.models import EventType, JourneyEvent, Request

from .models import Bottleneck, BottleneckCategory

QUARTERS_SHOWN = 8


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def last_quarters(today: date, count: int = QUARTERS_SHOWN) -> list[date]:
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        first = quarters[0]
        previous = first - timedelta(days=1)
        quarters.insert(0, quarter_of(previous))
    return quarters


def quarter_label(quarter: date) -> str:
    return f"{quarter.year}-K{(quarter.month - 1) // 3 + 1}"


@dataclass
class PatternRow:
    key: object
    label: str
    cases: int | None
    per_quarter: list[int | None] = field(default_factory=list)
    candidate: bool = False
    extra: dict = field(default_factory=dict)


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _suppress_row(row: PatternRow, threshold: int) -> PatternRow:
    if is_small(row.cases or 0, threshold):
        row.cases = None
    row.per_quarter = [None if is_small(n or 0, threshold) else n for n in row.per_quarter]
    return row


def _rows(totals, per_quarter, quarters, *, labels, threshold, limit) -> list[PatternRow]:
    """``totals``: {key: cases}; ``per_quarter``: {(key, quarter): cases}."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], str(labels(item[0]))))[:limit]
    rows = []
    for key, cases in ordered:
        row = PatternRow(
            key=key,
            label=labels(key),
            cases=cases,
            per_quarter=[per_quarter.get((key, q), 0) for q in quarters],
        )
        rows.append(_suppress_row(row, threshold))
    return rows


def _grouped(queryset, key: str, quarter: str) -> tuple[dict, dict]:
    """Distinct cases per key, and per (key, quarter), in two GROUP BY queries."""
    totals = {
        row["k"]: row["n"]
        for row in queryset.values(k=F(key)).annotate(n=Count("case", distinct=True))
        if row["k"] not in (None, "")
    }
    per_quarter = {
        (row["k"], _as_date(row["q"])): row["n"]
        for row in queryset.annotate(q=TruncQuarter(quarter))
        .values(k=F(key), q=F("q"))
        .annotate(n=Count("case", distinct=True))
        if row["k"] not in (None, "")
    }
    return totals, per_quarter


def bottleneck_patterns(
    cases, *, today: date, threshold: int, limit: int = 25
) -> dict[str, list[PatternRow]]:
    """Bottlenecks of ``cases`` (a queryset of cases the caller chose: every case for
    the national view, one team's for a municipality) by category, regulation and
    organisation. Regulations are grouped as written, ignoring case and spaces around
    them."""
    quarters = last_quarters(today)
    since = quarters[0]
    bottlenecks = Bottleneck.objects.filter(case__in=cases.values("pk"))
    recent = bottlenecks.filter(case__opened_on__gte=since)
    categories = dict(BottleneckCategory.choices)

    totals, _ = _grouped(bottlenecks, "category", "case__opened_on")
    _, per_quarter = _grouped(recent, "category", "case__opened_on")
    by_category = _rows(
        totals,
        per_quarter,
        quarters,
        labels=lambda k: str(categories.get(k, k)),
        threshold=threshold,
        limit=limit,
    )

    normalised = bottlenecks.annotate(reg=Lower(Trim("regulation")))
    totals, _ = _grouped(normalised, "reg", "case__opened_on")
    _, per_quarter = _grouped(
        normalised.filter(case__opened_on__gte=since), "reg", "case__opened_on"
    )
    written = dict(
        normalised.exclude(regulation="").values_list("reg").annotate(first=Min(Trim("regulation")))
    )
    by_regulation = _rows(
        totals,
        per_quarter,
        quarters,
        labels=lambda k: written.get(k, k),
        threshold=threshold,
        limit=limit,
    )

    through = Bottleneck.organisations.through.objects.filter(
        bottleneck__case__in=cases.values("pk")
    )
    totals = {
        row["k"]: row["n"]
        for row in through.values(k=F("organisation_id")).annotate(
            n=Count("bottleneck__case", distinct=True)
        )
    }
    per_quarter = {
        (row["k"], _as_date(row["q"])): row["n"]
        for row in through.filter(bottleneck__case__opened_on__gte=since)
        .annotate(q=TruncQuarter("bottleneck__case__opened_on"))
        .values(k=F("organisation_id"), q=F("q"))
        .annotate(n=Count("bottleneck__case", distinct=True))
    }
    names = dict(through.values_list("organisation_id", "organisation__name").distinct())
    by_organisation = _rows(
        totals,
        per_quarter,
        quarters,
        labels=lambda k: names.get(k, str(k)),
        threshold=threshold,
        limit=limit,
    )
    return {
        "quarters": [quarter_label(q) for q in quarters],
        "by_category": by_category,
        "by_regulation": by_regulation,
        "by_organisation": by_organisation,
    }


def approved_exceptions(cases):
    """The approved exception requests of ``cases`` (once each, however often they were
    approved), each with its rule (the register's regulation, else the rule as written)
    and the date of its first approval. A plain queryset over their ids, so it can be
    grouped (GROUP BY and DISTINCT do not mix)."""
    ids = Request.objects.filter(
        case__in=cases.values("pk"), kind=Request.Kind.EXCEPTION, events__type=EventType.APPROVED
    ).values("pk")
    first_approval = (
        JourneyEvent.objects.filter(request=OuterRef("pk"), type=EventType.APPROVED)
        .order_by("on", "id")
        .values("on")[:1]
    )
    return Request.objects.filter(pk__in=ids).annotate(
        approved_on=Subquery(first_approval),
        rule=Coalesce(F("regulation__name"), NullIf(Trim("rule_text"), Value("")), Value("")),
    )


def exceptions_register(cases, *, today: date, threshold: int, limit: int = 50) -> dict:
    """Approved exceptions per rule, per organisation and per quarter, with the rules
    approved at least ``MAATWERK_EXCEPTION_CANDIDATE_APPROVALS`` times in the last year
    flagged (``candidate``)."""
    quarters = last_quarters(today)
    since = quarters[0]
    year_ago = today - timedelta(days=365)
    base = approved_exceptions(cases)

    def grouped(key: str):
        totals = {row["k"]: row["n"] for row in base.values(k=F(key)).annotate(n=Count("pk"))}
        last_year = {
            row["k"]: row["n"]
            for row in base.filter(approved_on__gte=year_ago)
            .values(k=F(key))
            .annotate(n=Count("pk"))
        }
        per_quarter = {
            (row["k"], _as_date(row["q"])): row["n"]
            for row in base.filter(approved_on__gte=since)
            .annotate(q=TruncQuarter("approved_on"))
            .values(k=F(key), q=F("q"))
            .annotate(n=Count("pk"))
        }
        return totals, last_year, per_quarter

    candidates_from = settings.EXCEPTION_CANDIDATE_APPROVALS
    totals, last_year, per_quarter = grouped("rule")
    by_rule = _rows(
        totals,
        per_quarter,
        quarters,
        labels=lambda k: k or "–",
        threshold=threshold,
        limit=limit,
    )
    regulation_ids = dict(
        base.exclude(regulation=None).values_list("regulation__name", "regulation_id").distinct()
    )
    for row in by_rule:
        row.candidate = bool(row.key) and last_year.get(row.key, 0) >= candidates_from
        row.extra = {
            "last_year": last_year.get(row.key, 0),
            "regulation_id": regulation_ids.get(row.key),
        }
        if is_small(row.extra["last_year"], threshold):
            row.extra["last_year"] = None

    totals, _, per_quarter = grouped("organisation__name")
    by_organisation = _rows(
        totals,
        per_quarter,
        quarters,
        labels=lambda k: k,
        threshold=threshold,
        limit=limit,
    )
    grounds = {
        row["k"]: row["n"]
        for row in base.values(k=F("legal_ground__title")).annotate(n=Count("pk"))
    }
    by_ground = [
        _suppress_row(PatternRow(key=k, label=k or "–", cases=n), threshold)
        for k, n in sorted(grounds.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
    ]
    total = base.count()
    return {
        "quarters": [quarter_label(q) for q in quarters],
        "total": None if is_small(total, threshold) else total,
        "by_rule": by_rule,
        "by_organisation": by_organisation,
        "by_ground": by_ground,
        "candidates_from": candidates_from,
    }


def register_csv_rows(cases, *, threshold: int):
    """The publishable exceptions register: one row per rule, organisation and quarter
    of approval, with the number of approved exceptions; counts under the threshold
    suppressed (empty). No case detail."""
    base = approved_exceptions(cases)
    rows = (
        base.annotate(q=TruncQuarter("approved_on"))
        .values("rule", "organisation__name", "legal_ground__title", "q")
        .annotate(n=Count("pk"))
        .order_by("q", "rule", "organisation__name")
    )
    for row in rows:
        yield [
            quarter_label(_as_date(row["q"])) if row["q"] else "",
            row["rule"] or "",
            row["organisation__name"],
            row["legal_ground__title"] or "",
            "" if is_small(row["n"], threshold) else row["n"],
        ]
