"""Disclosure control of the report: the ONE function every figure passes through
before it leaves the reports module (``protect``). The rule is
``maatwerk.core.disclosure``'s (primary suppression of 1..threshold-1, zero shown,
secondary suppression along the relations of the tables); this module says which
cells of the report are counts, which tables are parts of which whole, and which
figures are derived from how many cases. docs/reports.md, "Disclosure control".
"""

from __future__ import annotations

import copy

from maatwerk.core.disclosure import DEFAULT_THRESHOLD, Relation, is_small, protect_cells

__all__ = ["DEFAULT_THRESHOLD", "count_cells", "protect", "relations"]

# Tables of counts: {key: n}. Each cell is a count and suppressed when small.
TABLES = (
    "life_domains",
    "primary_domains",
    "domain_pairs",
    "bottleneck_categories",
    "interventions",
    "refusals",
    "outcomes",
    "problems_start",
    "exceptions_by_rule",
    "approval_days_distribution",
)
SCALARS = ("cases", "requests", "redirects", "escalations")
# Internal keys of compute() that are never published.
INTERNAL = ("_bridging_spends",)

SECONDARY_RULE = (
    "Where a shown total minus the shown parts, or the sum of shown parts, would reveal "
    "a suppressed count, the smallest shown non-zero part is suppressed as well (the "
    "total itself when there is none), repeated until no suppressed count can be "
    "derived. Wholes and parts: cases = primary domains = outcomes; the learning points "
    "by order = by status (their total is not printed but one table reveals it for the "
    "other); plan_approval_days.n = the lead-time buckets; each learning-point status = "
    "its follow-up by addressee. Medians, means and shares over fewer cases than the "
    "threshold are suppressed, and the budget amounts over fewer spends."
)


def _path(*parts) -> tuple:
    return tuple(str(p) for p in parts)


def count_cells(figures: dict) -> dict[tuple, int]:
    """Every published count of ``figures`` (raw, as ``figures.compute`` returns them),
    keyed by its path (a tuple of keys)."""
    cells: dict[tuple, int] = {}
    for key in SCALARS:
        if key in figures:
            cells[_path(key)] = figures[key]
    for table in TABLES:
        for key, n in figures.get(table, {}).items():
            cells[_path(table, key)] = n
    if "conditions_added" in figures:
        for key, n in figures["conditions_added"].items():
            cells[_path("conditions_added", key)] = n
    if "plan_approval_days" in figures:
        cells[_path("plan_approval_days", "n")] = figures["plan_approval_days"]["n"]
    for margin in ("by_order", "by_status"):
        for key, n in figures.get("learning_points", {}).get(margin, {}).items():
            cells[_path("learning_points", margin, key)] = n
    for addressee, statuses in figures.get("learning_follow_up", {}).items():
        for status, n in statuses.items():
            cells[_path("learning_follow_up", addressee, status)] = n
    if "budget" in figures:
        cells[_path("budget", "spends")] = figures["budget"]["spends"]
    return cells


def relations(figures: dict) -> list[Relation]:
    """The wholes and their parts among the cells of ``figures``."""
    rels = []

    def parts(*prefix, keys):
        return tuple(_path(*prefix, key) for key in keys)

    if "cases" in figures:
        for table in ("primary_domains", "outcomes"):
            if table in figures:
                rels.append(Relation(_path("cases"), parts(table, keys=figures[table])))
    learning = figures.get("learning_points", {})
    for margin in ("by_order", "by_status"):
        if margin in learning:
            # The number of learning points is not printed, but each margin adds up to
            # it: treated as shown.
            rels.append(Relation(None, parts("learning_points", margin, keys=learning[margin])))
    if "plan_approval_days" in figures and "approval_days_distribution" in figures:
        rels.append(
            Relation(
                _path("plan_approval_days", "n"),
                parts("approval_days_distribution", keys=figures["approval_days_distribution"]),
            )
        )
    follow_up = figures.get("learning_follow_up", {})
    statuses = {status for row in follow_up.values() for status in row}
    for status in sorted(statuses):
        column = tuple(
            _path("learning_follow_up", addressee, status)
            for addressee, row in follow_up.items()
            if status in row
        )
        whole = _path("learning_points", "by_status", status)
        rels.append(Relation(whole if status in learning.get("by_status", {}) else None, column))
    return rels


def _set(report: dict, path: tuple, value) -> None:
    node = report
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def protect(figures: dict, min_cell: int = DEFAULT_THRESHOLD) -> dict:
    """A copy of ``figures`` fit to leave the reports module: the internal keys gone,
    every count from 1 to ``min_cell - 1`` None, the secondary suppression applied, the
    figures derived from too few cases None, and ``suppressed`` listing the dotted paths
    of everything made None (sorted). ``previous``, when it is a dict of figures, is
    protected the same way on its own (its own ``suppressed``). ``min_cell`` 0 or 1:
    nothing is suppressed."""
    report = copy.deepcopy(figures)
    previous = report.pop("previous", None)
    internal = {key: report.get("budget", {}).pop(key, None) for key in INTERNAL}
    cells = count_cells(report)
    hidden = protect_cells(cells, relations(report), threshold=min_cell)
    derived: list[tuple] = []

    approval = report.get("plan_approval_days")
    if approval is not None and _path("plan_approval_days", "n") in hidden:
        for key in ("median", "mean"):
            if approval.get(key) is not None:
                derived.append(_path("plan_approval_days", key))
        if report.get("approved_within_two_months") is not None:
            derived.append(_path("approved_within_two_months"))

    budget = report.get("budget")
    if budget is not None:
        spends = budget["spends"]
        bridging = internal.get("_bridging_spends")
        if _path("budget", "spends") in hidden:
            derived += [_path("budget", "total"), _path("budget", "bridging_total")]
        elif bridging is not None and (
            is_small(bridging, min_cell) or is_small(spends - bridging, min_cell)
        ):
            # The bridging total is an amount over few spends, or the total minus it
            # is one over few non-bridging spends.
            derived.append(_path("budget", "bridging_total"))

    for path in [*hidden, *derived]:
        _set(report, path, None)
    report["suppressed"] = sorted(".".join(path) for path in {*hidden, *derived})
    if "previous" in figures:
        report["previous"] = protect(previous, min_cell) if isinstance(previous, dict) else previous
    return report
