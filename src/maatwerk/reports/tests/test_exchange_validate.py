# ruff: noqa: E501
"""Validation of maatwerk-case/1 lines: every bad input of issue 13 and every rule of
the specification's table, each with its line number and field path; nothing stored."""

import copy
import json
from pathlib import Path

import pytest

from maatwerk.cases.models import Case
from maatwerk.reports.exchange import validate
from maatwerk.reports.exchange.importer import import_file

from .exchange_data import example, records, write

SHARED_SCHEMA = Path("/work/shared/spec/maatwerk-case-1.schema.json")


@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="the shared specification is not here")
def test_the_shipped_schema_is_the_specifications():
    shipped = json.loads(validate.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))


def test_the_example_is_valid():
    assert validate.check(example(), 1) == []
    for number, item in enumerate(records(200), start=1):
        assert validate.check(item, number) == [], item


def _problems(tmp_path, bad_line: bytes):
    """Import a file whose 2nd line is ``bad_line`` between two good ones."""
    good = records(2)
    path = write(tmp_path / "cases.jsonl", [good[0], "x", good[1]], raw_lines={2: bad_line})
    result = import_file(path)
    assert result.refused
    assert result.bad_lines == [2]
    assert {p.line for p in result.problems} == {2}
    assert not Case.objects.exists()
    return {(p.path, p.reason) for p in result.problems}


def _with(change) -> bytes:
    data = copy.deepcopy(example())
    data["ref"] = "BAD-1"
    change(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _paths(problems):
    return {path for path, _reason in problems}


@pytest.mark.django_db
def test_not_utf8(tmp_path):
    problems = _problems(tmp_path, _with(lambda d: None).replace(b"Zaanstad", b"Zaan\xe9stad"))
    assert _paths(problems) == {""}
    assert "not UTF-8" in next(iter(problems))[1]


@pytest.mark.django_db
def test_not_json(tmp_path):
    problems = _problems(tmp_path, b'{"format": "maatwerk-case/1",')
    assert _paths(problems) == {""}
    assert "not valid JSON" in next(iter(problems))[1]


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"[1, 2]", b'"case"', b"42", b"null"])
def test_not_an_object(tmp_path, raw):
    problems = _problems(tmp_path, raw)
    assert problems == {("", "The line is not a JSON object ({…}).")}


@pytest.mark.django_db
def test_nan_and_duplicate_keys_are_not_accepted(tmp_path):
    assert "not valid JSON" in next(iter(_problems(tmp_path, b'{"ref": NaN}')))[1]
    assert "appears twice" in next(iter(_problems(tmp_path, b'{"ref": "a", "ref": "b"}')))[1]


@pytest.mark.django_db
def test_unknown_format(tmp_path):
    problems = _problems(tmp_path, _with(lambda d: d.update(format="maatwerk-case/2")))
    assert _paths(problems) == {"format"}
    assert "Unknown format" in next(iter(problems))[1]


@pytest.mark.django_db
def test_unknown_fields(tmp_path):
    def change(d):
        d["colour"] = "blue"
        d["requests"][0]["events"][1]["why"] = "x"

    problems = _problems(tmp_path, _with(change))
    assert _paths(problems) == {"colour", "requests[0].events[1].why"}
    assert all("Unknown field" in reason for _p, reason in problems)


@pytest.mark.django_db
def test_a_wrong_enum(tmp_path):
    problems = _problems(
        tmp_path, _with(lambda d: d["requests"][0]["events"][3].update(reason="bad_luck"))
    )
    assert _paths(problems) == {"requests[0].events[3].reason"}
    assert "not one of the allowed values" in next(iter(problems))[1]


@pytest.mark.django_db
def test_wrong_types_and_missing_fields(tmp_path):
    def change(d):
        d["household"]["adults"] = "one"
        del d["perspective"]["text"]
        d["safety_concern"] = "no"

    problems = _problems(tmp_path, _with(change))
    assert _paths(problems) == {"household.adults", "perspective.text", "safety_concern"}


@pytest.mark.django_db
def test_events_out_of_date_order(tmp_path):
    problems = _problems(
        tmp_path, _with(lambda d: d["requests"][0]["events"][4].update(on="2023-03-01"))
    )
    assert _paths(problems) == {"requests[0].events[4].on"}
    assert "date order" in next(iter(problems))[1]


def test_equal_dates_keep_file_order():
    data = example()
    data["requests"][0]["events"][1]["on"] = "2023-02-20"  # same day as submitted
    assert validate.check(data, 1) == []


@pytest.mark.django_db
def test_a_primary_domain_not_among_the_domains(tmp_path):
    problems = _problems(tmp_path, _with(lambda d: d.update(primary_domain="justice")))
    assert problems == {
        ("primary_domain", "The primary domain justice is not among the life domains.")
    }


@pytest.mark.django_db
def test_a_closing_date_before_the_opening(tmp_path):
    problems = _problems(tmp_path, _with(lambda d: d.update(closed_on="2023-01-31")))
    assert _paths(problems) == {"closed_on"}
    assert "before the opening date" in next(iter(problems))[1]


@pytest.mark.django_db
def test_a_day_that_does_not_exist(tmp_path):
    problems = _problems(tmp_path, _with(lambda d: d["budget_spends"][0].update(on="2023-02-30")))
    assert problems == {("budget_spends[0].on", "2023-02-30 is not a day of the calendar.")}


RULES = [
    # (change, path, words in the reason)
    (lambda d: d["requests"][0]["events"][3].pop("reason"), "requests[0].events[3].reason", "needs a reason"),
    (lambda d: d["requests"][0]["events"][6].update(reason="other"), "requests[0].events[6].reason", "only with"),
    (lambda d: d["requests"][0]["events"][4].pop("level"), "requests[0].events[4].level", "needs a level"),
    (lambda d: d["requests"][0]["events"][5].pop("text"), "requests[0].events[5].text", "needs the condition"),
    (lambda d: d["requests"][0]["events"][6].update(household_agrees=True), "requests[0].events[6].household_agrees", "only with"),
    (lambda d: d["requests"][0]["events"][3].update(to="UWV"), "requests[0].events[3].to", "only with"),
    (lambda d: d["requests"][0]["events"].pop(0), "requests[0].events[0].type", "must be “submitted”"),
    (lambda d: d["requests"].append(copy.deepcopy(d["requests"][0])), "requests[1].ref", "used twice"),
    (lambda d: d["budget_spends"][0].update(amount="0.00"), "budget_spends[0].amount", "more than 0.00"),
    (lambda d: d["budget_spends"][0].update(amount="450"), "budget_spends[0].amount", "two decimals"),
    (lambda d: d.update(closed_on=None), "outcome", "no outcome"),
    (lambda d: d.update(outcome=None), "outcome", "needs an outcome"),
    (lambda d: d.update(life_domains=["finances", "finances"]), "life_domains", "twice"),
    (lambda d: d.update(life_domains=[]), "life_domains", "at least"),
    (lambda d: d["household"].update(adults=0), "household.adults", "at least 1"),
    (lambda d: d["learning_points"][0].update(order=4), "learning_points[0].order", "allowed values"),
    (lambda d: d["perspective"].update(text=""), "perspective.text", "empty"),
    (lambda d: d["perspective"].update(text="x" * 5001), "perspective.text", "Too long"),
    (lambda d: d.update(opened_on="14-02-2023"), "opened_on", "YYYY-MM-DD"),
    (lambda d: d["bottlenecks"][0].update(text="a\u0000b"), "bottlenecks[0].text", "NUL"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "path", "words"), RULES)
def test_rules(tmp_path, change, path, words):
    problems = _problems(tmp_path, _with(change))
    assert path in _paths(problems), problems
    assert any(words in reason for p, reason in problems if p == path), problems


def test_optional_fields_with_their_events_are_fine():
    data = example()
    events = data["requests"][0]["events"]
    events[1]["to"] = "Loket Wonen"  # redirected: to and reason optional
    events[1].pop("reason")
    events[5]["household_agrees"] = None  # not asked yet
    events[6]["text"] = "Akkoord op bevriezing"  # a note on any event
    data["requests"][0]["kind"] = "question"
    data["household"].pop("municipality")
    assert validate.check(data, 1) == []


@pytest.mark.django_db
def test_the_same_ref_twice_in_one_file(tmp_path):
    item = records(1)[0]
    path = write(tmp_path / "twice.jsonl", [item, records(2)[1], item])
    result = import_file(path)
    assert result.refused
    assert [(p.line, p.path) for p in result.problems] == [(3, "ref")]
    assert "already on line 1" in result.problems[0].reason


@pytest.mark.django_db
def test_every_bad_line_is_named(tmp_path):
    good = records(6)
    good[1]["primary_domain"] = "justice" if "justice" not in good[1]["life_domains"] else "x"
    good[4]["format"] = "other"
    path = write(tmp_path / "some-bad.jsonl", good, raw_lines={3: b"\xff\xfe"})
    result = import_file(path)
    assert result.refused and result.bad_lines == [2, 3, 5]
    assert result.lines == 6 and result.imported == 0


def test_reasons_are_translated_for_the_page():
    from django.utils import translation

    problem = validate.Problem(4, "closed_on", validate.gettext_noop("This field is required."))
    assert problem.reason == "This field is required."
    with translation.override("nl"):
        assert problem.text() == "Dit veld is verplicht."
    with translation.override("nl"):
        dutch = validate.Problem(
            1, "primary_domain", "The primary domain %(domain)s is not among the life domains.",
            {"domain": "justice"},
        ).text()  # fmt: skip
    assert dutch == "Het belangrijkste leefgebied justice is niet een van de leefgebieden."
