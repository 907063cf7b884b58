"""The report tests render a hand-written report object (fixtures/report.json, the
shape of ``maatwerk-report/1`` with suppressed figures, a previous period and a method
note) instead of computing one, so the page, the formats and the job are tested apart
from the figures (``services.build_report``, tested where it is written)."""

import copy
import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "report.json"


def load_report() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def report():
    return load_report()


@pytest.fixture
def fake_figures(monkeypatch):
    """``reading.compute_report`` answers with the fixture for the period, team and
    threshold asked; ``calls`` records each call."""
    from maatwerk.reports import reading

    calls = []

    def compute(date_from, date_to, *, team, min_cell):
        calls.append({"from": date_from, "to": date_to, "team": team, "min_cell": min_cell})
        built = copy.deepcopy(load_report())
        built["period"] = {"from": date_from.isoformat(), "to": date_to.isoformat()}
        built["team"] = team.name if team is not None else None
        built["min_cell"] = min_cell
        built["method"]["threshold"] = min_cell
        return built

    monkeypatch.setattr(reading, "compute_report", compute)
    return calls
