"""Each figure's definition on small hand-built data: lines imported with
``import-cases`` (as the reference check does), plus rows only the app writes
(corrections, ``solved`` steps, drafts, reversals). Runs on SQLite and PostgreSQL."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from maatwerk.accounts.models import Team
from maatwerk.budgets.models import LedgerEntry, Spend
from maatwerk.cases.models import Case
from maatwerk.journeys.models import EventType, JourneyEvent, Request
from maatwerk.reports import figures
from maatwerk.reports.services import build_report, previous_period
from maatwerk.testing.factories import UserFactory
from maatwerk.testing.queries import assert_constant_queries

from .oracle import plus_two_months

pytestmark = pytest.mark.django_db

N = 0


def case(opened, *, requests=(), domains=("finances",), primary=None, source="Gemeente A", **extra):
    """A minimal valid line; ``requests``: lists of (type, date[, fields]) events."""
    global N
    N += 1
    line = {
        "format": "maatwerk-case/1",
        "ref": f"T-{N}",
        "source": source,
        "opened_on": opened.isoformat(),
        "closed_on": None,
        "outcome": None,
        "household": {"composition": "single", "adults": 1, "children": 0, "municipality": None},
        "life_domains": list(domains),
        "primary_domain": primary or domains[0],
        "safety_concern": False,
        "perspective": {"text": "Rust.", "recorded_on": opened.isoformat()},
        "requests": [
            {
                "ref": f"R{i}",
                "organisation": "UWV",
                "organisation_type": "national_agency",
                "subject": "Uitstel",
                "regulation": None,
                "events": [
                    {"type": e[0], "on": e[1].isoformat(), **(e[2] if len(e) > 2 else {})}
                    for e in events
                ],
            }
            for i, events in enumerate(requests, 1)
        ],
        "bottlenecks": [],
        "learning_points": [],
        "interventions": [],
        "budget_spends": [],
    }
    line.update(extra)
    return line


def load(tmp_path, *lines):
    path = tmp_path / f"lines{N}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    call_command(
        "import-cases", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
    )


def approved(submitted, approved_on):
    return [("submitted", submitted), ("approved", approved_on)]


YEAR = (date(2023, 1, 1), date(2023, 12, 31))


@pytest.mark.parametrize(
    ("start", "limit"),
    [
        (date(2023, 1, 31), date(2023, 3, 31)),
        (date(2022, 12, 31), date(2023, 2, 28)),  # non-leap February
        (date(2023, 12, 31), date(2024, 2, 29)),  # leap February
        (date(2023, 11, 30), date(2024, 1, 30)),
        (date(2024, 1, 29), date(2024, 3, 29)),
        (date(2023, 6, 15), date(2023, 8, 15)),
    ],
)
def test_two_calendar_months_clamped_to_the_month_end(tmp_path, start, limit):
    assert plus_two_months(start) == limit  # the oracle agrees with the spec's examples
    load(
        tmp_path,
        case(start, requests=[approved(start, limit)]),
        case(start, requests=[approved(start, limit + timedelta(days=1))]),
    )
    got = figures.compute(start, start)
    assert got["plan_approval_days"]["n"] == 2
    assert got["approved_within_two_months"] == 0.5


def test_median_of_an_even_count_and_mean_half_away_from_zero(tmp_path):
    day = date(2023, 3, 1)
    load(
        tmp_path,
        *[case(day, requests=[approved(day, day + timedelta(days=d))]) for d in (0, 0, 0, 1)],
    )
    got = figures.compute(*YEAR)["plan_approval_days"]
    assert got == {"n": 4, "median": 0, "mean": 0.3}  # 0.25 → 0.3, not 0.2
    load(tmp_path, case(day, requests=[approved(day, day + timedelta(days=30))]))
    load(tmp_path, case(day, requests=[approved(day, day + timedelta(days=31))]))
    got = figures.compute(*YEAR)["plan_approval_days"]
    assert got == {"n": 6, "median": 0.5, "mean": 10.3}  # (0+1)/2; 62/6 = 10.33


def test_approval_takes_the_earliest_submission_and_the_latest_first_approval(tmp_path):
    day = date(2023, 5, 1)
    load(
        tmp_path,
        case(
            day,
            requests=[
                [
                    ("submitted", day + timedelta(days=3)),
                    ("approved", day + timedelta(days=10)),
                    ("approved", day + timedelta(days=90)),
                ],
                [
                    ("submitted", day),
                    ("refused", day + timedelta(days=5), {"reason": "precedent"}),
                    ("submitted", day + timedelta(days=6)),
                    ("approved", day + timedelta(days=40)),
                ],
            ],
        ),
        # one unapproved request: the case is out
        case(day, requests=[approved(day, day + timedelta(days=1)), [("submitted", day)]]),
        # no request: out
        case(day),
    )
    got = figures.compute(*YEAR)
    assert got["plan_approval_days"] == {"n": 1, "median": 40, "mean": 40}
    assert got["requests"] == 4
    assert got["refusals"]["precedent"] == 1 and got["refusals"]["distrust"] == 0


def test_domains_pairs_zeros_and_outcomes(tmp_path):
    day = date(2023, 2, 2)
    load(
        tmp_path,
        case(day, domains=("housing", "finances", "safety"), primary="housing"),
        case(day, domains=("finances", "housing")),
        case(day, domains=("education",), closed_on="2023-03-01", outcome="solved"),
    )
    got = figures.compute(*YEAR)
    assert got["cases"] == 3
    assert got["life_domains"]["finances"] == 2 and got["life_domains"]["addiction"] == 0
    assert set(got["life_domains"]) == set(figures.LIFE_DOMAINS)
    assert got["primary_domains"]["housing"] == 1 and got["primary_domains"]["finances"] == 1
    assert got["domain_pairs"] == {"finances+housing": 2, "finances+safety": 1, "housing+safety": 1}
    assert got["outcomes"] == {
        "solved": 1,
        "partly_solved": 0,
        "not_solved": 0,
        "withdrawn": 0,
        "open": 2,
    }


def test_events_conditions_bottlenecks_interventions_learning_points_budget(tmp_path):
    day = date(2023, 4, 4)
    events = [
        ("submitted", day),
        ("redirected", day, {"reason": "wrong_desk"}),
        ("submitted", day),
        ("escalated", day, {"level": 2}),
        ("condition_added", day, {"text": "a", "household_agrees": False}),
        ("condition_added", day, {"text": "b", "household_agrees": None}),
        ("condition_added", day, {"text": "c", "household_agrees": True}),
    ]
    load(
        tmp_path,
        case(
            day,
            requests=[events],
            bottlenecks=[
                {"category": "collaboration", "text": "x", "regulation": None},
                {"category": "collaboration", "text": "y", "regulation": None},
            ],
            interventions=["mediation"],
            learning_points=[
                {"order": 2, "text": "x", "addressee": "UWV", "status": "sent"},
                {"order": 3, "text": "y", "addressee": None, "status": "sent"},
            ],
            budget_spends=[
                {"on": "2023-04-05", "amount": "450.00", "purpose": "x", "bridging": True},
                {"on": "2023-04-06", "amount": "0.50", "purpose": "y", "bridging": False},
            ],
        ),
        case(day, interventions=["mediation", "budget_payment"]),
    )
    got = figures.compute(*YEAR)
    assert got["redirects"] == 1 and got["escalations"] == 1
    assert got["conditions_added"] == {"total": 3, "household_disagrees": 1}
    assert got["bottleneck_categories"]["collaboration"] == 1  # cases, not bottlenecks
    assert got["interventions"]["mediation"] == 2 and got["interventions"]["budget_payment"] == 1
    assert got["learning_points"]["by_order"] == {"1": 0, "2": 1, "3": 1}
    assert got["learning_points"]["by_status"]["sent"] == 2
    assert got["learning_follow_up"]["UWV"]["sent"] == 1
    assert got["learning_follow_up"][figures.NO_ADDRESSEE]["sent"] == 1
    budget = {k: v for k, v in got["budget"].items() if not k.startswith("_")}
    assert budget == {"spends": 2, "total": "450.50", "bridging_total": "450.00"}


def test_what_only_the_app_records_counts_as_the_export_writes_it(tmp_path):
    day = date(2023, 4, 4)
    load(
        tmp_path,
        case(
            day,
            requests=[
                [
                    ("submitted", day),
                    ("condition_added", day, {"text": "a", "household_agrees": None}),
                ]
            ],
            budget_spends=[
                {"on": "2023-04-05", "amount": "100.00", "purpose": "x", "bridging": False},
                {"on": "2023-04-05", "amount": "30.00", "purpose": "y", "bridging": False},
            ],
        ),
    )
    user = UserFactory()
    the_case = Case.objects.get()
    req = the_case.requests.get()
    condition = req.events.get(type=EventType.CONDITION_ADDED)
    # The household's answer is a correction: the condition counts once, with it.
    JourneyEvent.objects.create(
        request=req,
        type=EventType.CONDITION_ADDED,
        on=day,
        text="a",
        household_agrees=False,
        corrects=condition,
        entered_by=user,
    )
    # A draft never sent is no request; a request solved by a payment is no approval,
    # but its intervention counts.
    Request.objects.create(
        case=the_case,
        reference="R9",
        organisation=req.organisation,
        subject="concept",
        created_by=user,
    )
    JourneyEvent.objects.create(
        request=req, type=EventType.SOLVED, on=day, intervention="budget_payment", entered_by=user
    )
    # A reversal: 100 − 40; the 30 spend reversed in full no longer counts.
    spends = list(Spend.objects.order_by("pk"))
    for spend, amount in ((spends[0], "40.00"), (spends[1], "30.00")):
        LedgerEntry.objects.create(
            budget=spend.budget,
            spend=spend,
            kind="reversal",
            on=day,
            amount=Decimal(amount),
            entered_by=user,
        )
    got = figures.compute(*YEAR)
    assert got["conditions_added"] == {"total": 1, "household_disagrees": 1}
    assert got["requests"] == 1
    assert got["interventions"]["budget_payment"] == 1
    assert got["plan_approval_days"]["n"] == 0
    assert got["budget"]["spends"] == 1 and got["budget"]["total"] == "60.00"


def test_period_edges_and_team(tmp_path):
    load(
        tmp_path,
        case(date(2022, 12, 31)),
        case(date(2023, 1, 1), source="Gemeente A"),
        case(date(2023, 12, 31), source="Gemeente B"),
        case(date(2024, 1, 1)),
    )
    assert figures.compute(*YEAR)["cases"] == 2
    team = Team.objects.get(name="Gemeente B")
    assert figures.compute(*YEAR, team=team)["cases"] == 1
    report = build_report(*YEAR, team=team, min_cell=0)
    assert report["team"] == "Gemeente B" and report["cases"] == 1
    assert report["previous"] is None  # no case of team B in 2022


def test_previous_period():
    assert previous_period(date(2024, 1, 1), date(2024, 12, 31)) == (
        date(2023, 1, 1),
        date(2023, 12, 31),
    )
    assert previous_period(date(2023, 1, 1), date(2023, 3, 31)) == (
        date(2022, 10, 1),
        date(2022, 12, 31),
    )
    assert previous_period(date(2023, 3, 10), date(2023, 3, 19)) == (
        date(2023, 2, 28),
        date(2023, 3, 9),
    )


def test_build_report_queries_do_not_grow_with_the_cases(tmp_path):
    day = date(2023, 6, 1)
    load(tmp_path, case(day, requests=[approved(day, day)]))
    more = [
        case(
            day + timedelta(days=i),
            domains=("finances", "housing"),
            requests=[approved(day, day + timedelta(days=i))],
        )
        for i in range(20)
    ]
    assert_constant_queries(lambda: build_report(*YEAR), lambda: load(tmp_path, *more))


def test_the_command_writes_a_file_and_logs_a_lowered_threshold(tmp_path):
    from maatwerk.audit.models import AccessLogEntry

    load(tmp_path, case(date(2023, 6, 1)))
    target = tmp_path / "report.json"
    err = io.StringIO()
    call_command(
        "report",
        "--from",
        "2023-01-01",
        "--to",
        "2023-12-31",
        "--min-cell",
        "0",
        "--output",
        str(target),
        stdout=io.StringIO(),
        stderr=err,
    )
    report = json.loads(target.read_text())
    assert report["format"] == "maatwerk-report/1" and report["cases"] == 1
    assert "lowered" in err.getvalue()
    entry = AccessLogEntry.objects.filter(object_type="reports.report").get()
    assert "threshold 0 (lowered from 5)" in entry.detail


def test_problems_start_counts_the_households_current_perspective():
    from django.utils import timezone

    from maatwerk.testing.cases import make_cases, make_sensitive_case
    from maatwerk.testing.factories import TeamFactory

    team = TeamFactory()
    owner = UserFactory(roles=["professional"], teams=[team])
    make_sensitive_case(team, owner)  # version 2 names safety
    make_cases(team, owner, 2, start=500)  # no domain named: not counted
    today = timezone.localdate()
    got = figures.compute(today - timedelta(days=1), today)
    assert got["cases"] == 3
    assert got["problems_start"]["safety"] == 1
    assert sum(got["problems_start"].values()) == 1
