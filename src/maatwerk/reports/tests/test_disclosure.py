"""Disclosure control of the report (reports.disclosure.protect): exact cases, and
properties (hypothesis): nothing small is shown, zero is, and no suppressed cell is a
shown whole minus its shown parts, or the sum of shown parts, in any table or margin."""

from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.core.disclosure import Relation, protect_cells
from maatwerk.reports.disclosure import count_cells, protect, relations
from maatwerk.reports.figures import LEARNING_STATUSES, LIFE_DOMAINS, OUTCOMES


def _get(report, path):
    node = report
    for key in path:
        node = node[key]
    return node


def raw(cases=40, **overrides):
    """A raw figures dict with consistent wholes (primary domains and outcomes add up
    to cases, the two learning margins to the same total)."""
    figures = {
        "cases": cases,
        "life_domains": dict.fromkeys(LIFE_DOMAINS, 0),
        "primary_domains": {**dict.fromkeys(LIFE_DOMAINS, 0), "finances": cases},
        "domain_pairs": {},
        "bottleneck_categories": {},
        "interventions": {},
        "requests": 10,
        "refusals": {},
        "redirects": 0,
        "escalations": 3,
        "conditions_added": {"total": 9, "household_disagrees": 2},
        "plan_approval_days": {"n": 20, "median": 30, "mean": 31.5},
        "approved_within_two_months": 0.5,
        "outcomes": {**dict.fromkeys(OUTCOMES, 0), "open": cases},
        "learning_points": {"by_order": {"1": 0, "2": 0, "3": 0}, "by_status": {}},
        "budget": {"spends": 8, "total": "10.00", "bridging_total": "4.00", "_bridging_spends": 6},
        "learning_follow_up": {},
        "approval_days_distribution": {"0-30": 20, "31-60": 0},
    }
    figures.update(overrides)
    return figures


def test_small_counts_null_and_listed_zero_shown_derived_figures_too():
    report = protect(
        raw(
            cases=40,
            escalations=3,
            plan_approval_days={"n": 4, "median": 3, "mean": 3.5},
            approval_days_distribution={"0-30": 4, "31-60": 0},
        ),
        5,
    )
    assert report["escalations"] is None and report["redirects"] == 0
    assert report["conditions_added"] == {"total": 9, "household_disagrees": None}
    assert report["plan_approval_days"] == {"n": None, "median": None, "mean": None}
    assert report["approved_within_two_months"] is None
    for path in (
        "escalations",
        "conditions_added.household_disagrees",
        "plan_approval_days.n",
        "plan_approval_days.median",
        "plan_approval_days.mean",
        "approved_within_two_months",
        "approval_days_distribution.0-30",
    ):
        assert path in report["suppressed"]
    assert "_bridging_spends" not in report["budget"]
    assert report["budget"]["bridging_total"] is None  # 8 - 6 = 2 non-bridging spends


def test_one_small_part_of_cases_takes_the_next_smallest_with_it():
    primary = {**dict.fromkeys(LIFE_DOMAINS, 0), "finances": 30, "housing": 7, "safety": 3}
    report = protect(raw(cases=40, primary_domains=primary), 5)
    assert report["primary_domains"]["safety"] is None
    assert report["primary_domains"]["housing"] is None  # else 40 − 30 − 0… = 3
    assert report["primary_domains"]["finances"] == 30
    assert report["primary_domains"]["addiction"] == 0


def test_two_learning_margins_protect_each_other():
    learning = {
        "by_order": {"1": 2, "2": 10, "3": 8},
        "by_status": {**dict.fromkeys(LEARNING_STATUSES, 0), "sent": 20},
    }
    report = protect(raw(learning_points=learning), 5)
    assert report["learning_points"]["by_order"] == {"1": None, "2": 10, "3": None}
    assert sorted(p for p in report["suppressed"] if p.startswith("learning")) == [
        "learning_points.by_order.1",
        "learning_points.by_order.3",
    ]


def test_min_cell_zero_turns_it_off_and_previous_is_protected_on_its_own():
    figures = raw(escalations=1)
    figures["previous"] = raw(escalations=2)
    report = protect(figures, 0)
    assert report["escalations"] == 1 and report["suppressed"] == []
    report = protect(figures, 5)
    assert report["previous"]["escalations"] is None
    assert "escalations" in report["previous"]["suppressed"]
    assert "previous.escalations" not in report["suppressed"]


# --- properties ----------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=30)


@st.composite
def reports(draw):
    primary = draw(st.dictionaries(st.sampled_from(LIFE_DOMAINS), counts, min_size=1))
    cases = sum(primary.values())
    outcome_parts = draw(st.lists(counts, min_size=4, max_size=4))
    open_ = cases - sum(outcome_parts)
    if open_ < 0:
        outcome_parts = [0, 0, 0, 0]
        open_ = cases
    addressees = draw(st.lists(st.sampled_from(["UWV", "CJIB", "–", "SVB"]), unique=True))
    follow_up = {a: {s: draw(counts) for s in LEARNING_STATUSES[:4]} for a in addressees}
    by_status = dict.fromkeys(LEARNING_STATUSES, 0)
    for row in follow_up.values():
        for s, n in row.items():
            by_status[s] += n
    points = sum(by_status.values())
    first = draw(st.integers(0, points))
    second = draw(st.integers(0, points - first))
    by_order = {"1": first, "2": second, "3": points - first - second}
    buckets = draw(st.lists(counts, min_size=6, max_size=6))
    n = sum(buckets)
    return raw(
        cases=cases,
        primary_domains=primary,
        outcomes={**dict(zip(OUTCOMES, outcome_parts, strict=True)), "open": open_},
        learning_points={"by_order": by_order, "by_status": by_status},
        learning_follow_up=follow_up,
        plan_approval_days={"n": n, "median": 1, "mean": 1.0},
        approval_days_distribution=dict(zip("abcdef", buckets, strict=True)),
        life_domains={d: draw(counts) for d in LIFE_DOMAINS},
    )


@settings(max_examples=300, deadline=None)
@given(reports(), st.integers(min_value=0, max_value=8))
def test_no_suppressed_cell_is_recovered_by_subtraction(figures, threshold):
    report = protect(figures, threshold)
    cells = count_cells(figures)
    hidden = {tuple(p.split(".")) for p in report["suppressed"]}
    for path, value in cells.items():
        shown = _get(report, path)
        if threshold > 1 and 0 < value < threshold:
            assert shown is None and path in hidden, path  # nothing small is shown
        if value == 0:
            assert shown == 0, path  # zero is shown
        if shown is not None:
            assert shown == value, path
    for rel in relations(figures):
        parts_hidden = [p for p in rel.parts if _get(report, p) is None]
        whole = None if rel.whole is None else _get(report, rel.whole)
        whole_known = rel.whole is None or whole is not None
        if whole_known:
            # A shown whole minus the shown parts gives the sum of the hidden parts:
            # never a single one.
            assert len(parts_hidden) != 1, (rel, parts_hidden)
        elif cells[rel.whole] > 0:
            # A hidden whole is never the sum of shown parts.
            assert parts_hidden, rel


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=8), st.integers(min_value=2, max_value=8))
def test_protect_cells_on_one_table_with_a_shown_total(values, threshold):
    cells = {f"c{i}": v for i, v in enumerate(values)}
    cells["total"] = sum(values)
    hidden = protect_cells(
        cells, [Relation("total", tuple(k for k in cells if k != "total"))], threshold=threshold
    )
    parts_hidden = [k for k in cells if k != "total" and k in hidden]
    if "total" not in hidden:
        assert len(parts_hidden) != 1
    assert all(cells[k] > 0 for k in hidden)
