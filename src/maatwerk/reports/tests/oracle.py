"""An independent computation of the spec's report figures straight from
``maatwerk-case/1`` lines (test-only). It reads the definitions of
../shared/docs/exchange-format.md ("Report figures") literally, in plain Python, with
no code shared with ``maatwerk.reports.figures``: the end-to-end tests compare the two
key by key. Its date arithmetic is its own too (``calendar``, not SQL)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

DOMAINS = (
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
OUTCOMES = ("solved", "partly_solved", "not_solved", "withdrawn")
REASONS = (
    "wrong_desk",
    "not_allowed_by_law",
    "not_in_this_case",
    "precedent",
    "more_information",
    "not_our_responsibility",
    "who_pays",
    "distrust",
    "other",
)
CATEGORIES = (
    "knowledge_skills",
    "collaboration",
    "communication",
    "ict_systems",
    "laws_regulations",
)
INTERVENTIONS = (
    "information_request",
    "mediation",
    "register_contact",
    "escalation_team",
    "bridging_procedure",
    "budget_payment",
)
STATUSES = (
    "proposed",
    "sent",
    "acknowledged",
    "in_progress",
    "implemented",
    "rejected",
    "no_response",
)

SPEC_KEYS = (
    "cases",
    "life_domains",
    "primary_domains",
    "domain_pairs",
    "bottleneck_categories",
    "interventions",
    "requests",
    "refusals",
    "redirects",
    "escalations",
    "conditions_added",
    "plan_approval_days",
    "approved_within_two_months",
    "outcomes",
    "learning_points",
    "budget",
)


def plus_two_months(day: date) -> date:
    month = day.month + 2
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _num(value: Decimal):
    return int(value) if value == int(value) else float(value)


def report(lines: list[dict], date_from: date, date_to: date) -> dict:
    cases = [c for c in lines if date_from <= date.fromisoformat(c["opened_on"]) <= date_to]
    life = dict.fromkeys(DOMAINS, 0)
    primary = dict.fromkeys(DOMAINS, 0)
    pairs: dict[str, int] = {}
    categories = dict.fromkeys(CATEGORIES, 0)
    interventions = dict.fromkeys(INTERVENTIONS, 0)
    refusals = dict.fromkeys(REASONS, 0)
    outcomes = {**dict.fromkeys(OUTCOMES, 0), "open": 0}
    by_order = {"1": 0, "2": 0, "3": 0}
    by_status = dict.fromkeys(STATUSES, 0)
    requests = redirects = escalations = conditions = disagrees = 0
    spends = 0
    total = bridging_total = Decimal("0")
    lead_times: list[int] = []
    within = 0
    for case in cases:
        for code in case["life_domains"]:
            life[code] += 1
        primary[case["primary_domain"]] += 1
        for a, b in combinations(sorted(case["life_domains"]), 2):
            pairs[f"{a}+{b}"] = pairs.get(f"{a}+{b}", 0) + 1
        for category in {b["category"] for b in case.get("bottlenecks", [])}:
            categories[category] += 1
        for code in set(case.get("interventions", [])):
            interventions[code] += 1
        if case.get("closed_on"):
            outcomes[case["outcome"]] += 1
        else:
            outcomes["open"] += 1
        for point in case.get("learning_points", []):
            by_order[str(point["order"])] += 1
            by_status[point["status"]] += 1
        for spend in case.get("budget_spends", []):
            spends += 1
            total += Decimal(spend["amount"])
            if spend["bridging"]:
                bridging_total += Decimal(spend["amount"])
        submitted: list[date] = []
        first_approvals: list[date | None] = []
        for req in case.get("requests", []):
            requests += 1
            approved = None
            for event in req["events"]:
                on = date.fromisoformat(event["on"])
                kind = event["type"]
                if kind == "refused":
                    refusals[event["reason"]] += 1
                elif kind == "redirected":
                    redirects += 1
                elif kind == "escalated":
                    escalations += 1
                elif kind == "condition_added":
                    conditions += 1
                    disagrees += event.get("household_agrees") is False
                elif kind == "submitted":
                    submitted.append(on)
                elif kind == "approved" and approved is None:
                    approved = on
            first_approvals.append(approved)
        if first_approvals and all(first_approvals):
            start, end = min(submitted), max(first_approvals)
            lead_times.append((end - start).days)
            within += end <= plus_two_months(start)
    n = len(lead_times)
    ordered = sorted(lead_times)
    if n:
        median = _num((Decimal(ordered[(n - 1) // 2]) + Decimal(ordered[n // 2])) / 2)
        mean = _num(_round(Decimal(sum(ordered)) / n, "0.1"))
        share = float(_round(Decimal(within) / n, "0.001"))
    else:
        median = mean = share = None
    return {
        "cases": len(cases),
        "life_domains": life,
        "primary_domains": primary,
        "domain_pairs": dict(sorted(pairs.items())),
        "bottleneck_categories": categories,
        "interventions": interventions,
        "requests": requests,
        "refusals": refusals,
        "redirects": redirects,
        "escalations": escalations,
        "conditions_added": {"total": conditions, "household_disagrees": disagrees},
        "plan_approval_days": {"n": n, "median": median, "mean": mean},
        "approved_within_two_months": share,
        "outcomes": outcomes,
        "learning_points": {"by_order": by_order, "by_status": by_status},
        "budget": {
            "spends": spends,
            "total": str(_round(total, "0.01")),
            "bridging_total": str(_round(bridging_total, "0.01")),
        },
    }
