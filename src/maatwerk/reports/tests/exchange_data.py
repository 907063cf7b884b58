"""Lines of ``maatwerk-case/1`` for the tests and the import benchmark: the
specification's example, and any number of generated, valid, varied cases."""

import json
import random
from datetime import date, timedelta
from pathlib import Path

DOMAINS = [
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
]
REASONS = [
    "wrong_desk",
    "not_allowed_by_law",
    "not_in_this_case",
    "precedent",
    "more_information",
    "not_our_responsibility",
    "who_pays",
    "distrust",
    "other",
]
ORGANISATIONS = [
    ("Woningcorporatie Parteon", "housing_association"),
    ("UWV", "national_agency"),
    ("Belastingdienst/Toeslagen", "national_agency"),
    ("CJIB", "justice"),
    ("Zilveren Kruis", "health_insurer"),
    ("Gemeente Zaanstad", "municipality"),
    ("Vattenfall", "energy_company"),
    ("Ministerie van SZW", "ministry"),
]
SOURCES = ["Gemeente Zaanstad", "Gemeente Utrecht", "Landelijk Maatwerkloket"]


def example() -> dict:
    """The specification's example case (exchange-format.md), as a dict."""
    return {
        "format": "maatwerk-case/1",
        "ref": "ZAAN-2023-0042",
        "source": "Gemeente Zaanstad",
        "opened_on": "2023-02-14",
        "closed_on": "2023-09-30",
        "outcome": "solved",
        "household": {
            "composition": "single_parent",
            "adults": 1,
            "children": 2,
            "municipality": "Zaanstad",
        },
        "life_domains": ["finances", "housing", "mental_health"],
        "primary_domain": "finances",
        "safety_concern": False,
        "perspective": {
            "text": "Ik wil in mijn huis blijven en rust in mijn hoofd.",
            "recorded_on": "2023-02-14",
        },
        "requests": [
            {
                "ref": "R1",
                "organisation": "Woningcorporatie Parteon",
                "organisation_type": "housing_association",
                "subject": "Huurachterstand bevriezen en ontruiming opschorten",
                "regulation": "Huurovereenkomst, ontruimingsbeleid",
                "events": [
                    {"on": "2023-02-20", "type": "submitted"},
                    {"on": "2023-03-06", "type": "redirected", "reason": "wrong_desk"},
                    {"on": "2023-03-08", "type": "submitted"},
                    {"on": "2023-04-03", "type": "refused", "reason": "precedent"},
                    {"on": "2023-04-11", "type": "escalated", "level": 2},
                    {
                        "on": "2023-05-02",
                        "type": "condition_added",
                        "text": "Beschermingsbewind",
                        "household_agrees": False,
                    },
                    {"on": "2023-05-30", "type": "approved"},
                ],
            }
        ],
        "bottlenecks": [
            {
                "category": "collaboration",
                "text": "Niemand voelde zich eigenaar",
                "regulation": None,
            }
        ],
        "learning_points": [
            {
                "order": 2,
                "text": "Verhuurder meldt dreigende ontruiming eerder aan wijkteam",
                "addressee": "Woningcorporatie Parteon",
                "status": "in_progress",
            }
        ],
        "interventions": ["mediation", "budget_payment"],
        "budget_spends": [
            {
                "on": "2023-03-01",
                "amount": "450.00",
                "purpose": "Huurachterstand maart",
                "bridging": False,
            }
        ],
    }


def _journey(rng: random.Random, start: date) -> list[dict]:
    on = start
    events = [{"on": on.isoformat(), "type": "submitted"}]

    def later(days=30):
        nonlocal on
        on = on + timedelta(days=rng.randint(0, days))
        return on.isoformat()

    for _ in range(rng.randint(0, 5)):
        kind = rng.choice(
            [
                "redirected",
                "information_requested",
                "information_provided",
                "refused",
                "condition_added",
                "escalated",
                "submitted",
            ]
        )
        event = {"on": later(), "type": kind}
        if kind == "refused":
            event["reason"] = rng.choice(REASONS)
        elif kind == "redirected":
            if rng.random() < 0.7:
                event["reason"] = rng.choice(["wrong_desk", "who_pays", "not_our_responsibility"])
            if rng.random() < 0.5:
                event["to"] = "Loket Bijzondere Bijstand"
        elif kind == "escalated":
            event["level"] = rng.randint(1, 4)
        elif kind == "condition_added":
            event["text"] = "Budgetcoaching gedurende een jaar"
            event["household_agrees"] = rng.choice([True, False, None])
        if rng.random() < 0.2 and kind != "condition_added":
            event["text"] = "Telefonisch besproken"
        events.append(event)
    end = rng.random()
    if end < 0.6:
        events.append({"on": later(60), "type": "approved"})
    elif end < 0.7:
        events.append({"on": later(), "type": "withdrawn"})
    return events


def record(i: int, rng: random.Random) -> dict:
    opened = date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))
    closed = opened + timedelta(days=rng.randint(20, 300)) if rng.random() < 0.7 else None
    domains = rng.sample(DOMAINS, rng.randint(1, 4))
    requests = []
    for r in range(rng.choice([0, 1, 1, 2, 3])):
        name, kind = rng.choice(ORGANISATIONS)
        req = {
            "ref": f"R{r + 1}",
            "organisation": name,
            "organisation_type": kind,
            "subject": f"Verzoek {r + 1} voor casus {i}",
            "regulation": rng.choice([None, "Participatiewet art. 18", "Zvw"]),
            "events": _journey(rng, opened + timedelta(days=rng.randint(0, 20))),
        }
        if rng.random() < 0.2:
            req["kind"] = "question"
        requests.append(req)
    return {
        "format": "maatwerk-case/1",
        "ref": f"GEN-{i:06d}",
        "source": SOURCES[i % len(SOURCES)],
        "opened_on": opened.isoformat(),
        "closed_on": closed.isoformat() if closed else None,
        "outcome": rng.choice(["solved", "partly_solved", "not_solved", "withdrawn"])
        if closed
        else None,
        "household": {
            "composition": rng.choice(
                [
                    "single",
                    "couple",
                    "couple_with_children",
                    "single_parent",
                    "multi_generation",
                    "other",
                ]
            ),
            "adults": rng.randint(1, 3),
            "children": rng.randint(0, 4),
            "municipality": rng.choice([None, "Zaanstad", "Utrecht"]),
        },
        "life_domains": domains,
        "primary_domain": rng.choice(domains),
        "safety_concern": rng.random() < 0.1,
        "perspective": {"text": f"Wij willen rust, casus {i}.", "recorded_on": opened.isoformat()},
        "requests": requests,
        "bottlenecks": [
            {
                "category": rng.choice(
                    [
                        "knowledge_skills",
                        "collaboration",
                        "communication",
                        "ict_systems",
                        "laws_regulations",
                    ]
                ),
                "text": "Regels sloten niet op elkaar aan",
                "regulation": rng.choice([None, "kostendelersnorm"]),
            }
            for _ in range(rng.randint(0, 2))
        ],
        "learning_points": [
            {
                "order": rng.randint(1, 3),
                "text": "Eerder signaleren",
                "addressee": rng.choice([None, "UWV", "Een adressant buiten het register"]),
                "status": rng.choice(
                    [
                        "proposed",
                        "sent",
                        "acknowledged",
                        "in_progress",
                        "implemented",
                        "rejected",
                        "no_response",
                    ]
                ),
            }
            for _ in range(rng.randint(0, 2))
        ],
        "interventions": rng.sample(
            [
                "information_request",
                "mediation",
                "register_contact",
                "escalation_team",
                "bridging_procedure",
                "budget_payment",
            ],
            rng.randint(0, 3),
        ),
        "budget_spends": [
            {
                "on": (opened + timedelta(days=rng.randint(0, 60))).isoformat(),
                "amount": f"{rng.randint(1, 200000) / 100:.2f}",
                "purpose": "Huurachterstand",
                "bridging": rng.random() < 0.3,
            }
            for _ in range(rng.choice([0, 0, 1, 2]))
        ],
    }


def records(count: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    return [record(i, rng) for i in range(count)]


def line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def write(path: Path, items, *, raw_lines: dict[int, bytes] | None = None) -> Path:
    """Write ``items`` (dicts or ready strings) as JSON Lines; ``raw_lines`` puts
    bytes as they are on the given (1-based) line numbers."""
    raw_lines = raw_lines or {}
    with open(path, "wb") as out:
        for number, item in enumerate(items, start=1):
            if number in raw_lines:
                out.write(raw_lines[number] + b"\n")
                continue
            text = item if isinstance(item, str) else line(item)
            out.write(text.encode("utf-8") + b"\n")
    return path
