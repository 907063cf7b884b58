"""The report as one JSON-ready object (``build_report``): the figures of the period
(``figures.compute``), those of the period just before for the comparison, the method
note, all through disclosure control (``disclosure.protect``) before it is returned.
The layout is the contract of /work/notes/briefs/shared-report.md and docs/reports.md.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils import timezone

from . import figures as figs
from .disclosure import DEFAULT_THRESHOLD, SECONDARY_RULE, protect

FORMAT = "maatwerk-report/1"

SOURCES = (
    "cases: cases.Case (opened_on in the period), its life domains and primary domain",
    "requests and journey steps: journeys.Request, journeys.JourneyEvent (a corrected "
    "step counts as its correction)",
    "interventions: journeys.CaseIntervention and the intervention of a journey step",
    "bottlenecks and learning points: learning.Bottleneck, learning.LearningPoint",
    "budget: budgets.Spend (booked spends, less their reversals)",
    "where problems start: cases.Perspective (the household's current version)",
    "exceptions per rule: the exceptions register (learning.patterns)",
)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_back(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period of equal length just before: whole calendar months (a year, a
    quarter) shift by their number of months (2024 → 2023, Q1 → Q4 of the year
    before); any other period by its number of days."""
    if date_from.day == 1 and date_to == _last_day(date_to.year, date_to.month):
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        year, month = _months_back(date_from, months)
        start = date(year, month, 1)
        end = date_from - timedelta(days=1)
        return start, end
    days = (date_to - date_from).days + 1
    end = date_from - timedelta(days=1)
    return end - timedelta(days=days - 1), end


def _method(date_from, date_to, team, min_cell, previous_span) -> dict:
    return {
        "threshold": min_cell,
        "suppression": (
            "off"
            if min_cell <= 1
            else f"every count from 1 to {min_cell - 1} is shown as null; zero is shown"
        ),
        "secondary_suppression": SECONDARY_RULE if min_cell > 1 else "off",
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "population": (
            "the cases whose opening date falls in the period (both ends inclusive)"
            + (f", of team {team.name}" if team is not None else "")
        ),
        "previous_period": (
            {"from": previous_span[0].isoformat(), "to": previous_span[1].isoformat()}
            if previous_span
            else None
        ),
        "sources": list(SOURCES),
        "definitions": "docs/reports.md and the exchange format maatwerk-case/1",
    }


def build_report(
    date_from: date,
    date_to: date,
    *,
    team=None,
    min_cell: int = DEFAULT_THRESHOLD,
    previous: bool = True,
) -> dict:
    """The report for the cases opened from ``date_from`` to ``date_to`` (inclusive),
    of ``team`` (an accounts.Team) or all, disclosure-controlled at ``min_cell``.
    ``previous``: also the same figures for the period of equal length just before
    (None when it has no cases). A fixed number of queries, whatever the data."""
    if date_to < date_from:
        raise ValueError("The period ends before it starts.")
    report = {
        "format": FORMAT,
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "team": team.name if team is not None else None,
        "min_cell": min_cell,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
    report.update(figs.compute(date_from, date_to, team=team))
    span = previous_period(date_from, date_to) if previous else None
    report["previous"] = None
    if span is not None:
        before = figs.compute(*span, team=team)
        report["previous"] = (
            {"period": {"from": span[0].isoformat(), "to": span[1].isoformat()}, **before}
            if before["cases"]
            else None
        )
    report["method"] = _method(date_from, date_to, team, min_cell, span)
    protected = protect(report, min_cell)
    protected["method"]["suppressed"] = list(protected["suppressed"])
    return protected
