"""The report as people read it: the report object (``services.build_report``, the
``maatwerk-report/1`` dict) turned into sections of labelled rows, the same for the
page, the standalone HTML, the PDF, the spreadsheet and the CSV.

Nothing here computes a figure or decides what is suppressed: that is the report
object's (``disclosure.protect``). A suppressed figure arrives as ``None`` with its
dotted path in ``report["suppressed"]``; it is shown as a mark ("< 5" or "—", see
``Cell``), never as a number, and the legend says what the mark means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# The keys of the report object that are not figures.
META_KEYS = (
    "format",
    "period",
    "team",
    "min_cell",
    "generated_at",
    "suppressed",
    "previous",
    "method",
)

# The mark for a figure that is not shown. A suppressed count below the threshold is
# "< N"; a figure suppressed to protect another one (secondary suppression), or a
# median/mean/share over too few cases, is "—" (its size says nothing).
NOT_SHOWN = "—"


def below(min_cell: int) -> str:
    return f"< {min_cell}"


# --- labels -------------------------------------------------------------------------


def _choices(enum) -> dict[str, Promise]:
    return dict(enum.choices)


def life_domain_labels() -> dict[str, str]:
    """The life domains' names in the current language: the editable reference list
    (register.LifeDomain, one query), else the names it is seeded with."""
    from maatwerk.register.models import LifeDomain
    from maatwerk.register.seed import LIFE_DOMAINS

    english = (get_language() or "nl").startswith("en")
    labels = {code: (name_en if english else name_nl) for code, name_nl, name_en in LIFE_DOMAINS}
    for code, name_nl, name_en in LifeDomain.objects.values_list("code", "name_nl", "name_en"):
        labels[code] = name_en if english else name_nl
    return labels


def label_sets() -> dict[str, dict]:
    """Per kind of key, its label (the existing choices of the apps)."""
    from maatwerk.cases.models import Case
    from maatwerk.journeys.models import Intervention, RefusalReason
    from maatwerk.learning.models import BottleneckCategory, LearningPoint, LearningStatus

    domains = life_domain_labels()
    outcomes = _choices(Case.Outcome)
    outcomes["open"] = gettext_lazy("still open")
    orders = {str(value): label for value, label in LearningPoint.Order.choices}
    return {
        "life_domains": domains,
        "bottleneck_categories": _choices(BottleneckCategory),
        "interventions": _choices(Intervention),
        "refusals": _choices(RefusalReason),
        "outcomes": outcomes,
        "learning_order": orders,
        "learning_status": _choices(LearningStatus),
        "problems_start": {
            **domains,
            "other": gettext_lazy("other"),
            "": gettext_lazy("not recorded"),
        },
    }


def pair_label(pair: str, domains: dict) -> str:
    first, _sep, second = pair.partition("+")
    return f"{domains.get(first, first)} + {domains.get(second, second)}"


# --- cells --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure as shown: ``value`` (a number, or None when not shown), ``mark`` (the
    text shown instead of a number, else ''), ``suppressed`` (by disclosure control)."""

    value: object
    mark: str = ""
    suppressed: bool = False
    kind: str = "count"  # count, share (0-1), days, money (a decimal string)

    @property
    def shown(self) -> bool:
        return self.value is not None

    def text(self) -> str:
        if self.value is None:
            return self.mark or NOT_SHOWN
        return display(self.value, self.kind)


def display(value, kind: str = "count") -> str:
    """A figure in the reader's language (Dutch: 1.234 and 12,5%)."""
    if value is None:
        return NOT_SHOWN
    if kind == "share":
        return formats.number_format(Decimal(str(value)) * 100, 1, use_l10n=True) + "%"
    if kind == "money":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return "€ " + formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    if kind == "days":
        return formats.number_format(value, 1 if value != int(value) else 0, use_l10n=True)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _number(value, kind):
    if value is None:
        return None
    if kind == "money":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return value


def difference(current: Cell, previous: Cell | None) -> Cell | None:
    """This period minus the previous one, only when both are shown."""
    if previous is None:
        return None
    if not (current.shown and previous.shown):
        return Cell(None, NOT_SHOWN, kind=current.kind)
    a, b = _number(current.value, current.kind), _number(previous.value, previous.kind)
    if a is None or b is None:
        return Cell(None, NOT_SHOWN, kind=current.kind)
    return Cell(a - b, kind=current.kind)


def signed(cell: Cell | None) -> str:
    """A difference with its sign; a share's difference in percentage points."""
    if cell is None:
        return ""
    if not cell.shown:
        return cell.text()
    if cell.kind == "share":
        text = formats.number_format(Decimal(str(abs(cell.value))) * 100, 1, use_l10n=True)
        text += " " + _("pp")
    else:
        text = display(abs(cell.value), cell.kind)
    if cell.value > 0:
        return "+" + text
    if cell.value < 0:
        return "−" + text
    return text


class Figures:
    """Reads one report object (or its ``previous``) by dotted path."""

    def __init__(self, report: dict, *, root: dict | None = None):
        self.root = root or report
        self.data = report
        self.min_cell = self.root.get("min_cell") or 0
        self.suppressed = set(report.get("suppressed") or ())
        method = self.root.get("method") or {}
        # Only when the report says which suppressions were secondary can a primary one
        # be shown as "< N"; otherwise every suppressed figure is "—".
        secondary = method.get("secondary") if isinstance(method, dict) else None
        self.secondary = set(secondary) if isinstance(secondary, list) else None

    def raw(self, path: str):
        node = self.data
        for part in _split(path):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def has(self, path: str) -> bool:
        node = self.data
        for part in _split(path):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def cell(self, path: str, kind: str = "count") -> Cell:
        value = self.raw(path)
        if isinstance(value, dict):
            value = None
        suppressed = path in self.suppressed
        if value is not None:
            return Cell(value, kind=kind)
        primary = self.secondary is not None and path not in self.secondary
        if suppressed and primary and kind == "count" and self.min_cell:
            return Cell(None, below(self.min_cell), suppressed=True, kind=kind)
        return Cell(None, NOT_SHOWN, suppressed=suppressed, kind=kind)


def _split(path: str) -> list[str]:
    """A dotted path's parts: ``learning_follow_up.Gemeente X.sent`` → 3 parts; the
    first part is a report key (no dots), the last a status or code (no dots); the
    middle may hold dots (an addressee's name)."""
    parts = path.split(".")
    if len(parts) <= 2:
        return parts
    return [parts[0], ".".join(parts[1:-1]), parts[-1]]


# --- sections -----------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    path: str
    cell: Cell
    previous: Cell | None = None
    diff: Cell | None = None

    @property
    def diff_text(self) -> str:
        return signed(self.diff)


@dataclass
class Section:
    key: str
    title: str
    intro: str
    rows: list[Row] = field(default_factory=list)
    chart: str = ""  # kind of chart: bars, matrix, heat
    matrix: dict | None = None  # for matrix/heat charts: rows, columns, cells
    note: str = ""

    @property
    def has_previous(self) -> bool:
        return any(row.previous is not None for row in self.rows)

    @property
    def table_id(self) -> str:
        return f"table-{self.key}"


# Figures whose dict lists only the keys with a count above zero (the spec's
# ``domain_pairs``; the learning follow-up per addressee): a key that is absent is 0.
ABSENT_IS_ZERO = ("domain_pairs", "learning_follow_up", "exceptions_by_rule")


def _row(current: Figures, previous: Figures | None, key, label, path, kind="count") -> Row:
    cell = current.cell(path, kind)
    before = None
    top = path.split(".")[0]
    if previous is not None and previous.has(top):
        if previous.has(path):
            before = previous.cell(path, kind)
        elif top in ABSENT_IS_ZERO:
            before = Cell(0, kind=kind)
        else:
            before = Cell(None, NOT_SHOWN, kind=kind)
    return Row(str(key), str(label), path, cell, before, difference(cell, before))


def _dict_rows(current, previous, name, labels, *, order=None, kind="count") -> list[Row]:
    values = current.raw(name) or {}
    keys = list(order) if order is not None else []
    keys += [key for key in values if key not in keys]
    keys = [key for key in keys if key in values or order is not None]
    return [
        _row(current, previous, key, labels.get(key, key), f"{name}.{key}", kind) for key in keys
    ]


def _sorted_by_value(current: Figures, name: str) -> list[str]:
    values = current.raw(name) or {}
    return sorted(values, key=lambda key: (-(values[key] or 0), key))


def sections(report: dict) -> list[Section]:
    """The report's sections in reading order (the page, the HTML, the PDF, the
    spreadsheet's sheets)."""
    labels = label_sets()
    domains = labels["life_domains"]
    current = Figures(report)
    previous = Figures(report["previous"], root=report) if report.get("previous") else None
    result = []

    overview = Section(
        "overview",
        _("Cases and requests"),
        _(
            "How many households were helped in this period, how many requests the "
            "teams sent to organisations, and how often a request was sent on, "
            "escalated or approved only under a condition."
        ),
    )
    for key, label, path in (
        ("cases", _("cases opened in the period"), "cases"),
        ("requests", _("requests to organisations"), "requests"),
        ("redirects", _("requests redirected to another desk"), "redirects"),
        ("escalations", _("escalations"), "escalations"),
        ("conditions_added", _("conditions added to an approval"), "conditions_added.total"),
        (
            "household_disagrees",
            _("… of which the household did not agree with"),
            "conditions_added.household_disagrees",
        ),
    ):
        if current.has(path):
            overview.rows.append(_row(current, previous, key, label, path))
    result.append(overview)

    life = Section(
        "life_domains",
        _("Life domains"),
        _(
            "The life domains on which households needed help. A case usually touches "
            "several domains, so the numbers add up to more than the number of cases."
        ),
        chart="bars",
    )
    life.rows = _dict_rows(current, previous, "life_domains", domains, order=list(domains))
    life.rows = [r for r in life.rows if current.has(r.path)]
    result.append(life)

    primary = Section(
        "primary_domains",
        _("Primary life domain"),
        _("The one domain the team saw as the heart of the problem, one per case."),
        chart="bars",
    )
    primary.rows = [
        r
        for r in _dict_rows(current, previous, "primary_domains", domains, order=list(domains))
        if current.has(r.path)
    ]
    result.append(primary)

    pairs = Section(
        "domain_pairs",
        _("Combinations of life domains"),
        _(
            "How often two life domains came together in one case. The darker the cell, "
            "the more cases; the problems of these households rarely come alone."
        ),
        chart="matrix",
    )
    pairs.rows = [
        _row(current, previous, key, pair_label(key, domains), f"domain_pairs.{key}")
        for key in _sorted_by_value(current, "domain_pairs")
    ]
    used = sorted({code for key in (current.raw("domain_pairs") or {}) for code in key.split("+")})
    order = [code for code in domains if code in used] + [c for c in used if c not in domains]
    pairs.matrix = {
        "rows": [(code, domains.get(code, code)) for code in order],
        "columns": [(code, domains.get(code, code)) for code in order],
        "cells": {
            (a, b): current.cell(f"domain_pairs.{'+'.join(sorted((a, b)))}")
            if "+".join(sorted((a, b))) in (current.raw("domain_pairs") or {})
            else Cell(0)
            for a in order
            for b in order
            if order.index(a) < order.index(b)
        },
        "known": set(current.raw("domain_pairs") or {}),
    }
    result.append(pairs)

    if current.has("problems_start"):
        start = Section(
            "problems_start",
            _("Where the problems started, in the household's words"),
            _(
                "For the cases entered in this application: the life domain where, in "
                "the household's own perspective, the problems started."
            ),
            chart="bars",
        )
        start.rows = _dict_rows(
            current,
            previous,
            "problems_start",
            labels["problems_start"],
            order=_sorted_by_value(current, "problems_start"),
        )
        result.append(start)

    bottlenecks = Section(
        "bottleneck_categories",
        _("Bottlenecks"),
        _(
            "The number of cases in which the team recorded at least one bottleneck of "
            "each kind: what stood in the way of a solution."
        ),
        chart="bars",
    )
    bottlenecks.rows = _dict_rows(
        current,
        previous,
        "bottleneck_categories",
        labels["bottleneck_categories"],
        order=list(labels["bottleneck_categories"]),
    )
    bottlenecks.rows = [r for r in bottlenecks.rows if current.has(r.path)]
    result.append(bottlenecks)

    interventions = Section(
        "interventions",
        _("Interventions"),
        _("What the teams did besides sending requests: the number of cases using each."),
        chart="bars",
    )
    interventions.rows = [
        r
        for r in _dict_rows(
            current,
            previous,
            "interventions",
            labels["interventions"],
            order=list(labels["interventions"]),
        )
        if current.has(r.path)
    ]
    result.append(interventions)

    refusals = Section(
        "refusals",
        _("Reasons for refusal"),
        _(
            "Why organisations said no: the number of refusals per reason. One request "
            "can be refused more than once before it is approved."
        ),
        chart="bars",
    )
    refusals.rows = [
        r
        for r in _dict_rows(
            current, previous, "refusals", labels["refusals"], order=list(labels["refusals"])
        )
        if current.has(r.path)
    ]
    result.append(refusals)

    approval = Section(
        "approval",
        _("Lead time to an approved plan"),
        _(
            "For the cases in which every request was approved: the days from the first "
            "request to the last approval, and the share approved within two calendar "
            "months."
        ),
        chart="bars",
    )
    for key, label, path, kind in (
        ("n", _("cases with every request approved"), "plan_approval_days.n", "count"),
        ("median", _("median number of days"), "plan_approval_days.median", "days"),
        ("mean", _("mean number of days"), "plan_approval_days.mean", "days"),
        ("within", _("approved within two months"), "approved_within_two_months", "share"),
    ):
        if current.has(path):
            approval.rows.append(_row(current, previous, key, label, path, kind))
    approval.matrix = {
        "distribution": [
            _row(
                current,
                previous,
                key,
                _("%(range)s days") % {"range": key},
                f"approval_days_distribution.{key}",
            )
            for key in (current.raw("approval_days_distribution") or {})
        ]
    }
    result.append(approval)

    outcomes = Section(
        "outcomes",
        _("Outcomes"),
        _("How the cases ended, and how many were still open at the time of the report."),
        chart="bars",
    )
    outcomes.rows = [
        r
        for r in _dict_rows(
            current, previous, "outcomes", labels["outcomes"], order=list(labels["outcomes"])
        )
        if current.has(r.path)
    ]
    result.append(outcomes)

    learning = Section(
        "learning_points",
        _("Learning points"),
        _(
            "What the cases taught: learning points of the first order (this case), the "
            "second (the organisation's way of working) and the third (the rule itself), "
            "and how far their follow-up has come."
        ),
        chart="bars",
    )
    learning.rows = [
        _row(
            current,
            previous,
            key,
            _("order %(order)s: %(label)s") % {"order": key, "label": label},
            f"learning_points.by_order.{key}",
        )
        for key, label in labels["learning_order"].items()
        if current.has(f"learning_points.by_order.{key}")
    ] + [
        _row(current, previous, key, label, f"learning_points.by_status.{key}")
        for key, label in labels["learning_status"].items()
        if current.has(f"learning_points.by_status.{key}")
    ]
    follow_up = current.raw("learning_follow_up") or {}
    if follow_up:
        statuses = [
            (code, label)
            for code, label in labels["learning_status"].items()
            if any(code in per for per in follow_up.values())
        ]
        learning.matrix = {
            "rows": [(name, name) for name in sorted(follow_up)],
            "columns": statuses,
            "cells": {
                (name, code): current.cell(f"learning_follow_up.{name}.{code}")
                if code in follow_up[name]
                else Cell(0)
                for name in follow_up
                for code, _label in statuses
            },
        }
        learning.matrix["table"] = [
            (name, [learning.matrix["cells"][(name, code)] for code, _label in statuses])
            for name, _name in learning.matrix["rows"]
        ]
    result.append(learning)

    if current.has("exceptions_by_rule"):
        exceptions = Section(
            "exceptions_by_rule",
            _("Exceptions per rule"),
            _(
                "The exceptions register: how often an organisation made an exception "
                "to each rule. A rule that keeps needing exceptions is a candidate for "
                "a third-order learning point."
            ),
            chart="bars",
        )
        exceptions.rows = [
            _row(current, previous, key, key, f"exceptions_by_rule.{key}")
            for key in _sorted_by_value(current, "exceptions_by_rule")
        ]
        result.append(exceptions)

    budget = Section(
        "budget",
        _("Maatwerk budget"),
        _("The approved spends from the maatwerk budget for these cases."),
    )
    for key, label, path, kind in (
        ("spends", _("approved spends"), "budget.spends", "count"),
        ("total", _("total amount"), "budget.total", "money"),
        (
            "bridging_total",
            _("of which bridging (to be paid back)"),
            "budget.bridging_total",
            "money",
        ),
    ):
        if current.has(path):
            budget.rows.append(_row(current, previous, key, label, path, kind))
    result.append(budget)
    return result


def flat_figures(report: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Every figure of the report as (dotted path, value), in key order: the CSV's rows."""
    rows = []
    for key in sorted(report):
        if not prefix and key in META_KEYS:
            continue
        value = report[key]
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flat_figures(value, prefix=f"{path}.")
        else:
            rows.append((path, value))
    return rows


def team_name(report: dict) -> str:
    team = report.get("team")
    if team in (None, ""):
        return _("all teams")
    if isinstance(team, dict):
        return str(team.get("name") or team.get("id"))
    return str(team)


def method_lines(report: dict) -> list[tuple[str, str]]:
    """The method note, the way a statistical office prints it."""
    method = report.get("method") or {}
    period = report.get("period") or {}
    threshold = report.get("min_cell")
    if threshold is None:
        threshold = method.get("threshold")
    lines = [
        (
            _("Period"),
            _("Cases opened from %(from)s up to and including %(to)s.")
            % {"from": _date(period.get("from")), "to": _date(period.get("to"))},
        ),
        (_("Team"), team_name(report)),
    ]
    if threshold and threshold > 1:
        lines.append(
            (
                _("Disclosure control"),
                _(
                    "Every count from 1 up to %(below)s is not shown (threshold %(threshold)s), "
                    "and so is every median, mean or share computed over fewer than "
                    "%(threshold)s cases."
                )
                % {"below": threshold - 1, "threshold": threshold},
            )
        )
        lines.append(
            (
                _("Secondary suppression"),
                _(
                    "Where a total minus the shown parts would reveal a suppressed count, the "
                    "next-smallest part is not shown either."
                ),
            )
        )
        secondary = method.get("secondary_suppression")
        if isinstance(secondary, str) and secondary and secondary != "off":
            lines.append((_("The rule as applied"), secondary))
    else:
        lines.append(
            (
                _("Disclosure control"),
                _("Switched off (threshold 0): every count is shown. Not for publication."),
            )
        )
    population = method.get("population")
    if isinstance(population, str) and population:
        lines.append((_("Population"), population))
    sources = method.get("sources") or []
    if sources:
        lines.append((_("Data sources"), "; ".join(str(s) for s in sources)))
    definitions = method.get("definitions")
    if isinstance(definitions, str) and definitions:
        lines.append((_("Definitions"), definitions))
    suppressed = report.get("suppressed") or []
    lines.append(
        (
            _("Not shown"),
            _("%(count)s figures: %(paths)s")
            % {"count": len(suppressed), "paths": ", ".join(suppressed)}
            if suppressed
            else _("No figure had to be suppressed."),
        )
    )
    previous = report.get("previous")
    if previous:
        before = previous.get("period") or {}
        text = _("Compared with the period of the same length just before it")
        if before:
            text += f" ({_date(before.get('from'))} – {_date(before.get('to'))})"
        lines.append((_("Comparison"), text + "."))
    else:
        lines.append((_("Comparison"), _("No previous period to compare with.")))
    return lines


def _date(value) -> str:
    from datetime import date

    if not value:
        return "?"
    try:
        return formats.date_format(date.fromisoformat(str(value)), "j F Y")
    except ValueError:
        return str(value)
