"""Import of maatwerk-case/1 onto the ordinary models, the commands, and the round trip
export → import into an empty database → export (docs/exchange.md)."""

import io
import json
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from maatwerk.accounts.models import Team, User
from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.budgets.models import Budget, LedgerEntry, Spend
from maatwerk.budgets.services import spend_create
from maatwerk.cases.models import Case, CaseEvent, Perspective
from maatwerk.cases.selectors import visible_cases
from maatwerk.journeys.models import CaseIntervention, JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.learning.models import Bottleneck, LearningPoint
from maatwerk.learning.services import bottleneck_add
from maatwerk.register.models import Organisation
from maatwerk.reports.exchange.exporter import cases_for, export_lines
from maatwerk.reports.exchange.importer import IMPORT_USERNAME, import_file
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, TeamFactory, UserFactory

from .exchange_data import example, records, write

pytestmark = pytest.mark.django_db


def export_all() -> list[dict]:
    return [json.loads(line) for line in export_lines(cases_for())]


def canonical(lines: list[dict]) -> list[str]:
    """Lines up to key order."""
    return [json.dumps(line, sort_keys=True, ensure_ascii=False) for line in lines]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_into_an_empty_database_from_the_command_line(tmp_path):
    assert not User.objects.exists() and not Team.objects.exists()
    path = write(tmp_path / "cases.jsonl", [example(), *records(20)])
    out, _err = run("import-cases", str(path))
    assert "Imported 21 cases" in out
    case = Case.objects.get(reference="ZAAN-2023-0042")
    assert case.team.name == "Gemeente Zaanstad"
    assert case.team.organisation.name == "Gemeente Zaanstad"
    assert case.team.organisation.type == "municipality"
    assert case.owner.username == IMPORT_USERNAME and not case.owner.is_active
    assert not case.owner.has_usable_password()
    assert case.status == Case.Status.CLOSED and case.outcome == "solved"
    through = Case.life_domains.through.objects.filter(case=case).order_by("id")
    assert [row.lifedomain.code for row in through] == [
        "finances",
        "housing",
        "mental_health",
    ]
    assert case.primary_domain.code == "finances"
    assert case.household.pseudonym.startswith("HH-")
    assert case.household.municipality == "Zaanstad"
    perspective = Perspective.objects.get(case=case)
    assert (perspective.member, perspective.version) == ("", 1)
    assert set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == {
        "opened",
        "closed",
    }
    req = Request.objects.get(case=case)
    assert req.organisation.name == "Woningcorporatie Parteon"
    assert req.organisation.type == "housing_association"
    assert req.state == Request.State.APPROVED
    assert req.first_submitted_on == date(2023, 2, 20)
    assert req.escalation_level == 2
    events = list(req.events.order_by("on", "id").values_list("type", flat=True))
    assert events == [
        "submitted",
        "redirected",
        "submitted",
        "refused",
        "escalated",
        "condition_added",
        "approved",
    ]
    assert JourneyEvent.objects.get(request=req, type="refused").reason == "precedent"
    assert JourneyEvent.objects.get(request=req, type="condition_added").household_agrees is False
    bottleneck = Bottleneck.objects.get(case=case)
    assert (bottleneck.category, bottleneck.regulation) == ("collaboration", "")
    point = LearningPoint.objects.get(cases=case)
    assert point.addressee.name == "Woningcorporatie Parteon"
    assert point.reference.startswith("LP-") and point.status == "in_progress"
    assert list(CaseIntervention.objects.filter(case=case).values_list("intervention", flat=True))
    spend = Spend.objects.get(case=case)
    assert spend.state == Spend.State.BOOKED and spend.amount == Decimal("450.00")
    entry = LedgerEntry.objects.get(spend=spend)
    assert entry.kind == "spend" and entry.amount == spend.amount and entry.override
    assert Budget.objects.get(pk=spend.budget_id).team == case.team
    # Three sources, three teams; one access-log row per imported case.
    assert Team.objects.count() == 3
    assert (
        AccessLogEntry.objects.filter(action=Action.CREATE, object_type="cases.case").count() == 21
    )


def test_state_follows_the_events_as_the_journey_app_derives_it(tmp_path):
    item = example()
    item["requests"][0]["events"] = item["requests"][0]["events"][:4]  # … refused
    item["closed_on"] = item["outcome"] = None
    import_file(write(tmp_path / "a.jsonl", [item]))
    req = Request.objects.get()
    assert req.state == Request.State.REFUSED
    assert req.due_on is not None and req.due_days == req.organisation.response_target_days
    assert req.case.status == Case.Status.JOURNEY


def test_a_file_with_bad_lines_changes_nothing(tmp_path):
    import_file(write(tmp_path / "first.jsonl", records(5, seed=2)))
    before = export_all()
    log_rows = AccessLogEntry.objects.count()
    good = records(6, seed=3)
    good[2]["closed_on"] = "2000-01-01"
    path = write(tmp_path / "bad.jsonl", good, raw_lines={5: b"not json"})
    with pytest.raises(CommandError):
        run("import-cases", str(path))
    assert export_all() == before
    assert AccessLogEntry.objects.count() == log_rows


def test_the_command_names_each_bad_line(tmp_path):
    good = records(4)
    good[1]["format"] = "maatwerk-case/9"
    path = write(tmp_path / "bad.jsonl", good, raw_lines={4: b"\xc3\x28"})
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 invalid lines"):
        call_command("import-cases", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "line 2, format: Unknown format" in err.getvalue()
    assert "line 4: The line is not UTF-8" in err.getvalue()
    assert not Case.objects.exists()


def test_skip_invalid_stores_the_valid_lines_only(tmp_path):
    good = records(5)
    good[1]["primary_domain"] = "x"
    path = write(tmp_path / "some.jsonl", good)
    out, err = run("import-cases", str(path), "--skip-invalid")
    assert "Imported 4 cases" in out and "lines 2" in out
    assert "line 2, primary_domain" in err
    assert set(Case.objects.values_list("reference", flat=True)) == {
        good[i]["ref"] for i in (0, 2, 3, 4)
    }


def test_duplicates_change_nothing(tmp_path):
    path = write(tmp_path / "cases.jsonl", records(8))
    import_file(path)
    before = export_all()
    counts = (Case.objects.count(), JourneyEvent.objects.count(), LearningPoint.objects.count())
    again = records(8)
    again[0]["perspective"]["text"] = "Iets anders"  # a duplicate is not an update
    out, err = run("import-cases", str(write(tmp_path / "again.jsonl", [*again, *records(10)[8:]])))
    assert "Imported 2 cases" in out and "8 duplicates" in out
    assert err.count("duplicate") == 8
    assert export_all()[:8] == before
    assert Case.objects.count() == counts[0] + 2
    assert LearningPoint.objects.count() >= counts[2]


def test_team_option_and_access_for_the_importing_team_only(
    tmp_path, teams, professional, outsider
):
    path = write(tmp_path / "cases.jsonl", records(3))
    run("import-cases", str(path), "--team", teams[0].name)
    cases = Case.objects.all()
    assert {c.team_id for c in cases} == {teams[0].pk}
    assert set(visible_cases(professional)) == set(cases)
    assert not visible_cases(outsider).exists()


def test_unknown_team_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No team"):
        run("import-cases", str(write(tmp_path / "a.jsonl", records(1))), "--team", "Nobody")
    assert not Case.objects.exists()


def test_export_command_period_and_team(tmp_path):
    items = records(30)
    import_file(write(tmp_path / "cases.jsonl", items))
    out, err = run("export-cases", "--from", "2023-06-01", "--to", "2023-12-31")
    lines = [json.loads(line) for line in out.splitlines()]
    expected = {i["ref"] for i in items if "2023-06-01" <= i["opened_on"] <= "2023-12-31"}
    assert {line["ref"] for line in lines} == expected and expected
    assert f"Exported {len(expected)} cases" in err
    assert AccessLogEntry.objects.filter(action=Action.EXPORT).count() == len(expected)
    team = Team.objects.get(name="Gemeente Utrecht")
    out, _err = run("export-cases", "--team", str(team.pk))
    assert {json.loads(line)["source"] for line in out.splitlines()} == {"Gemeente Utrecht"}


def test_export_query_count_is_per_batch_not_per_case(tmp_path, django_assert_max_num_queries):
    import_file(write(tmp_path / "cases.jsonl", records(60)))
    with django_assert_max_num_queries(15):
        lines = list(export_lines(cases_for()))
    assert len(lines) == 60


# --- Round trip ---------------------------------------------------------------------


@contextmanager
def emptied_afterwards():
    """What is written inside is undone at the end (a savepoint rolled back), so the
    database is as empty as before: freshly migrated, no users, no teams, no cases."""
    sid = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)


def _round_trip(tmp_path, first: list[dict]):
    """Import ``first`` (an export) into the empty database and export again."""
    assert not Case.objects.exists() and not User.objects.exists()
    result = import_file(write(tmp_path / "export.jsonl", first))
    assert not result.problems, [p.as_dict() for p in result.problems]
    return export_all()


def test_round_trip_of_the_example(tmp_path):
    with emptied_afterwards():
        import_file(write(tmp_path / "example.jsonl", [example()]))
        first = export_all()
    assert canonical(first) == canonical([example()])
    assert canonical(_round_trip(tmp_path, first)) == canonical(first)


def test_round_trip_of_a_generated_set(tmp_path):
    with emptied_afterwards():
        import_file(write(tmp_path / "cases.jsonl", records(150, seed=7)))
        first = export_all()
    assert canonical(first) == canonical(records(150, seed=7))
    assert canonical(_round_trip(tmp_path, first)) == canonical(first)


@time_machine.travel(date(2026, 11, 26), tick=False)
def test_round_trip_of_hand_entered_cases(tmp_path, django_user_model):
    with emptied_afterwards():
        team = TeamFactory(
            name="Wijkteam Oost", organisation=OrganisationFactory(name="Gemeente Zaanstad")
        )
        professional = UserFactory(roles=["professional"], teams=[team])
        uwv = OrganisationFactory(name="UWV", type="national_agency")
        case = make_case(team, professional, on=date(2026, 10, 1))
        req = request_create(
            request=None, user=professional, case=case, organisation=uwv, subject="WW"
        )
        step = lambda type, on, **f: record_event(  # noqa: E731
            request=None, user=professional, req=req, type=type, on=on, **f
        )
        step("submitted", date(2026, 10, 5))
        step("refused", date(2026, 10, 12), reason="not_allowed_by_law", text="Niet volgens de wet")
        step("escalated", date(2026, 10, 13), level=1)
        first = step("condition_added", date(2026, 10, 20), text="Budgetcoaching")
        step("condition_added", date(2026, 10, 21), text="Budgetcoaching", household_agrees=True,
             corrects=first)  # fmt: skip
        step("approved", date(2026, 10, 22), text="Kwijtschelding")
        draft = request_create(
            request=None, user=professional, case=case, organisation=uwv, subject="x"
        )
        other = request_create(
            request=None, user=professional, case=case, organisation=uwv, subject="y"
        )
        record_event(
            request=None, user=professional, req=other, type="submitted", on=date(2026, 11, 2)
        )
        other.refresh_from_db()
        budget = Budget.objects.create(team=team, year=2026, amount=1000, approval_threshold=500)
        spend_create(
            request=None, user=professional, case=case, budget=budget, on=date(2026, 11, 3),
            amount="120.50", purpose_category="housing", description="Huur november",
            payee_category="landlord", solves_request=other,
        )  # fmt: skip
        bottleneck_add(
            request=None, user=professional, case=case, category="ict_systems", text="Systemen"
        )
        first_export = export_all()
        (line,) = first_export
        refs = [r["ref"] for r in line["requests"]]
        assert draft.reference not in refs and refs == ["R1", "R3"]
        events = line["requests"][0]["events"]
        assert [e["type"] for e in events] == [
            "submitted",
            "refused",
            "escalated",
            "condition_added",
            "approved",
        ]
        assert events[3] == {
            "on": "2026-10-21",
            "type": "condition_added",
            "text": "Budgetcoaching",
            "household_agrees": True,
        }
        assert line["requests"][1]["events"][-1]["type"] == "withdrawn"  # solved by the spend
        assert line["interventions"] == ["budget_payment"]
        assert line["budget_spends"] == [
            {"on": "2026-11-03", "amount": "120.50", "purpose": "Huur november", "bridging": False}
        ]
    assert canonical(_round_trip(tmp_path, first_export)) == canonical(first_export)
    assert Organisation.objects.get(name="UWV").type == "national_agency"


def test_integers_written_as_floats(tmp_path):
    item = example()
    item["household"]["adults"] = 1.0
    item["requests"][0]["events"][4]["level"] = 2.0
    item["learning_points"][0]["order"] = 2.0
    result = import_file(write(tmp_path / "floats.jsonl", [item]))
    assert result.imported == 1
    assert canonical(export_all()) == canonical([example()])
