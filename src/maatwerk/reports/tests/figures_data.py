"""Seeded, varied, valid ``maatwerk-case/1`` lines for the figures' end-to-end tests:
cases around the edges of 2023, first submissions on month ends (31 Jan, 30 Nov,
31 Dec before a leap and a non-leap February), approvals exactly on and just after
two calendar months, equal dates, unapproved and absent requests, open cases, a life
domain no case has, and a few domains rare enough to be suppressed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from .oracle import CATEGORIES, DOMAINS, INTERVENTIONS, REASONS, STATUSES, plus_two_months

ORGANISATIONS = (
    ("Woningcorporatie Parteon", "housing_association"),
    ("UWV", "national_agency"),
    ("CJIB", "justice"),
    ("Zilveren Kruis", "health_insurer"),
)
SOURCES = ("Gemeente Zaanstad", "Gemeente Utrecht")
EDGE_OPENINGS = (
    date(2022, 12, 31),
    date(2023, 1, 1),
    date(2023, 12, 31),
    date(2024, 1, 1),
)
MONTH_ENDS = (
    date(2023, 1, 31),  # + 2 months = 31 Mar
    date(2022, 12, 31),  # + 2 months = 28 Feb 2023 (not leap), outside 2023 as opening
    date(2023, 12, 31),  # + 2 months = 29 Feb 2024 (leap)
    date(2023, 11, 30),  # + 2 months = 30 Jan
    date(2023, 8, 31),  # + 2 months = 31 Oct
    date(2023, 10, 31),  # + 2 months = 31 Dec
)
UNUSED_DOMAIN = "addiction"  # no case has it: a zero in life_domains
RARE_DOMAINS = ("residence_status", "justice")  # a few cases only: suppressed


def _iso(day: date) -> str:
    return day.isoformat()


def _request(rng: random.Random, n: int, submitted: date, approve_on: date | None) -> dict:
    """Submitted on ``submitted``; approved on ``approve_on`` (None: never)."""
    events = [{"on": _iso(submitted), "type": "submitted"}]
    day = submitted
    end = approve_on or submitted + timedelta(days=rng.randint(5, 200))
    for _ in range(rng.randint(0, 4)):
        if day >= end:
            break
        day = min(end, day + timedelta(days=rng.randint(0, 20)))  # 0: equal dates
        kind = rng.choice(
            ["redirected", "refused", "escalated", "condition_added", "information_requested"]
        )
        event: dict = {"on": _iso(day), "type": kind}
        if kind == "refused":
            event["reason"] = rng.choice(REASONS)
        elif kind == "redirected":
            if rng.random() < 0.6:
                event["reason"] = rng.choice(REASONS)
            if rng.random() < 0.5:
                event["to"] = "Loket B"
        elif kind == "escalated":
            event["level"] = rng.randint(1, 4)
        elif kind == "condition_added":
            event["text"] = "Budgetbeheer"
            event["household_agrees"] = rng.choice([True, False, None])
        elif kind == "information_requested":
            events.append(event)
            event = {"on": _iso(day), "type": "information_provided"}
        events.append(event)
        if kind in ("redirected", "refused") and rng.random() < 0.7:
            events.append({"on": _iso(day), "type": "submitted"})
    if approve_on is not None:
        events.append({"on": _iso(approve_on), "type": "approved"})
        if rng.random() < 0.2:  # a second approval does not move the first
            events.append({"on": _iso(approve_on + timedelta(days=3)), "type": "approved"})
    elif rng.random() < 0.3:
        events.append({"on": _iso(end), "type": "withdrawn"})
    organisation, kind = rng.choice(ORGANISATIONS)
    request = {
        "ref": f"R{n}",
        "organisation": organisation,
        "organisation_type": kind,
        "subject": "Uitstel van betaling",
        "regulation": rng.choice([None, "Participatiewet"]),
        "events": events,
    }
    if rng.random() < 0.1:
        request["kind"] = "question"
    return request


def _domains(rng: random.Random, i: int) -> list[str]:
    common = [d for d in DOMAINS if d != UNUSED_DOMAIN and d not in RARE_DOMAINS]
    chosen = rng.sample(common, rng.randint(1, 4))
    if i % 60 == 7:  # ~3 cases of ≥150: a rare domain
        chosen.append(RARE_DOMAINS[i % 2])
    return chosen


def line(i: int, rng: random.Random) -> dict:
    if i < len(EDGE_OPENINGS) * 3:
        opened = EDGE_OPENINGS[i % len(EDGE_OPENINGS)]
    else:
        opened = date(2022, 11, 1) + timedelta(days=rng.randint(0, 480))
    requests = []
    style = i % 7
    if i % 5 == 0 and i >= 12:  # a month-end first submission
        start = MONTH_ENDS[(i // 5) % len(MONTH_ENDS)]
        opened = min(opened, start)
        limit = plus_two_months(start)
        approve = limit + timedelta(days=(i // 5) % 2)  # on the limit, or a day after
        requests.append(_request(rng, 1, start, approve))
        if rng.random() < 0.5:  # a second request, approved earlier: the latest counts
            requests.append(_request(rng, 2, start + timedelta(days=1), start + timedelta(days=9)))
    elif style == 1:
        pass  # no requests: not in plan_approval_days
    else:
        for n in range(1, rng.randint(1, 3) + 1):
            submitted = opened + timedelta(days=rng.randint(0, 40))
            approve = (
                submitted + timedelta(days=rng.randint(0, 150))
                if style != 2 or n > 1  # style 2: the first request is never approved
                else None
            )
            requests.append(_request(rng, n, submitted, approve))
    last = max([opened] + [date.fromisoformat(e["on"]) for r in requests for e in r["events"]])
    closed = last + timedelta(days=rng.randint(0, 60)) if i % 4 else None
    domains = _domains(rng, i)
    record = {
        "format": "maatwerk-case/1",
        "ref": f"FIG-{i:04d}",
        "source": SOURCES[i % 2],
        "opened_on": _iso(opened),
        "closed_on": _iso(closed) if closed else None,
        "outcome": rng.choice(["solved", "partly_solved", "not_solved", "withdrawn"])
        if closed
        else None,
        "household": {
            "composition": rng.choice(["single", "couple", "single_parent"]),
            "adults": 1,
            "children": rng.randint(0, 3),
            "municipality": rng.choice([None, "Zaanstad"]),
        },
        "life_domains": domains,
        "primary_domain": rng.choice(domains),
        "safety_concern": rng.random() < 0.1,
        "perspective": {"text": "Wij willen rust.", "recorded_on": _iso(opened)},
        "requests": requests,
        "bottlenecks": [
            {
                "category": rng.choice(CATEGORIES[:4]),
                "text": "Niemand pakte het op",
                "regulation": None,
            }
            for _ in range(rng.choice([0, 0, 1, 2]))
        ],
        "learning_points": [
            {
                "order": rng.randint(1, 3),
                "text": "Eerder signaleren",
                "addressee": rng.choice([None, "UWV"]),
                "status": rng.choice(STATUSES),
            }
            for _ in range(rng.choice([0, 1, 1, 2]))
        ],
        "interventions": rng.sample(INTERVENTIONS, rng.choice([0, 1, 2])),
        "budget_spends": [
            {
                "on": _iso(opened + timedelta(days=rng.randint(0, 30))),
                "amount": f"{rng.randint(1, 90000) / 100:.2f}",
                "purpose": "Huurachterstand",
                "bridging": rng.random() < 0.3,
            }
            for _ in range(rng.choice([0, 0, 1, 2]))
        ],
    }
    return record


def lines(count: int = 180, seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    return [line(i, rng) for i in range(count)]
