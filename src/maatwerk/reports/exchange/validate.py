"""Validation of ``maatwerk-case/1`` lines, one at a time (docs/exchange.md#validation).

A line is checked in three steps: it must be UTF-8 and one JSON object (``parse``), it
must fit the JSON Schema shipped next to this module (a copy of
``shared/spec/maatwerk-case-1.schema.json``; the package never reads outside itself),
and it must keep the rules the schema cannot express (``rule_problems``: the table of
the specification). Every problem names the line, the field path (``requests[0].
events[2].reason``) and the reason: an English sentence for the command line and the
JSON result, translated to Dutch through gettext on the page (``Problem.text``).

Nothing here touches the database: whether a ``source`` + ``ref`` is already stored is
the importer's question (a duplicate, not an error).
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

FORMAT = "maatwerk-case/1"
SCHEMA_PATH = Path(__file__).with_name("maatwerk-case-1.schema.json")

# Limits of the storage, not of the format: a value beyond them cannot be stored, so
# it is reported like any other problem instead of failing the import's transaction.
MAX_SMALL_INTEGER = 32767  # household.adults / children (PositiveSmallIntegerField)
MAX_AMOUNT = Decimal("9999999999.99")  # budget_spends[].amount (12 digits, 2 decimals)

DATE_FIELDS = re.compile(r"(^|\.)(opened_on|closed_on|recorded_on|on)$")


@dataclass(frozen=True)
class Problem:
    """One problem of one line: ``message`` is an English msgid with ``%(name)s``
    placeholders filled from ``params``."""

    line: int
    path: str
    message: str
    params: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The reason in English (command line, JSON)."""
        with translation.override("en"):
            return self.message % self.params

    def text(self) -> str:
        """The reason in the current language (the page: Dutch)."""
        return gettext(self.message) % self.params

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "path": self.path,
            "reason": self.reason,
            "message": self.message,
            "params": self.params,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Problem":
        return cls(data["line"], data["path"], data["message"], data.get("params") or {})


# --- Step 1: bytes → one JSON object ----------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _no_constant(name):
    raise ValueError(name)


def parse(raw: bytes, line: int) -> tuple[dict | None, list[Problem]]:
    """The object on one line (its bytes, with or without the line end)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                line,
                "",
                gettext_noop("The line is not UTF-8 (byte %(byte)s at position %(position)s)."),
                {"byte": f"0x{raw[exc.start]:02x}", "position": exc.start + 1},
            )
        ]
    if line == 1:
        text = text.removeprefix("\ufeff")  # a byte-order mark at the start of the file
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except _DuplicateKey as exc:
        return None, [
            Problem(
                line, "", gettext_noop("The field “%(field)s” appears twice."), {"field": str(exc)}
            )
        ]
    except ValueError as exc:  # json.JSONDecodeError, NaN/Infinity, a too deep nesting
        column = getattr(exc, "colno", None)
        if column is None:
            return None, [Problem(line, "", gettext_noop("The line is not valid JSON."))]
        return None, [
            Problem(
                line,
                "",
                gettext_noop("The line is not valid JSON (%(error)s at column %(column)s)."),
                {"error": exc.msg, "column": column},
            )
        ]
    except RecursionError:
        return None, [Problem(line, "", gettext_noop("The line is not valid JSON."))]
    if not isinstance(value, dict):
        return None, [Problem(line, "", gettext_noop("The line is not a JSON object ({…})."))]
    return value, []


# --- Step 2: the JSON Schema ------------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def path_of(parts) -> str:
    """``["requests", 0, "events", 2, "reason"]`` → ``requests[0].events[2].reason``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _schema_problem(error, line: int) -> list[Problem]:
    path = path_of(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    if kind == "required":
        missing = [name for name in value if name not in instance]
        return [
            Problem(line, _join(path, name), gettext_noop("This field is required."))
            for name in missing
        ]
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        return [
            Problem(
                line, _join(path, name), gettext_noop("Unknown field: not part of maatwerk-case/1.")
            )
            for name in sorted(set(instance) - known)
        ]
    if kind == "const":
        if path == "format":
            return [
                Problem(
                    line,
                    path,
                    gettext_noop("Unknown format %(value)s: only “maatwerk-case/1” is understood."),
                    {"value": _shown(instance)},
                )
            ]
        return [
            Problem(line, path, gettext_noop("Must be %(expected)s."), {"expected": _shown(value)})
        ]
    if kind == "enum":
        choices = ", ".join("null" if v is None else str(v) for v in value)
        return [
            Problem(
                line,
                path,
                gettext_noop("%(value)s is not one of the allowed values (%(choices)s)."),
                {"value": _shown(instance), "choices": choices},
            )
        ]
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        return [
            Problem(
                line,
                path,
                gettext_noop("Must be %(expected)s, not %(value)s."),
                {"expected": " or ".join(names), "value": _shown(instance)},
            )
        ]
    if kind == "pattern":
        if DATE_FIELDS.search(path):
            return [
                Problem(
                    line,
                    path,
                    gettext_noop("%(value)s is not a date in the form YYYY-MM-DD."),
                    {"value": _shown(instance)},
                )
            ]
        if path.endswith("amount"):
            return [
                Problem(
                    line,
                    path,
                    gettext_noop(
                        "%(value)s is not an amount in euros with two decimals, like “450.00”."
                    ),
                    {"value": _shown(instance)},
                )
            ]
        return [
            Problem(
                line,
                path,
                gettext_noop("%(value)s has the wrong form."),
                {"value": _shown(instance)},
            )
        ]
    if kind == "anyOf" and DATE_FIELDS.search(path):
        return [
            Problem(
                line,
                path,
                gettext_noop("%(value)s is not a date in the form YYYY-MM-DD or null."),
                {"value": _shown(instance)},
            )
        ]
    if kind == "minLength":
        if value == 1:
            return [Problem(line, path, gettext_noop("Must not be empty."))]
        return [
            Problem(
                line, path, gettext_noop("Must be at least %(count)s characters."), {"count": value}
            )
        ]
    if kind == "maxLength":
        return [
            Problem(
                line,
                path,
                gettext_noop("Too long: at most %(count)s characters, this has %(length)s."),
                {"count": value, "length": len(instance)},
            )
        ]
    if kind == "minimum":
        return [Problem(line, path, gettext_noop("Must be at least %(count)s."), {"count": value})]
    if kind == "maximum":
        return [Problem(line, path, gettext_noop("Must be at most %(count)s."), {"count": value})]
    if kind == "minItems":
        return [
            Problem(line, path, gettext_noop("Needs at least %(count)s item(s)."), {"count": value})
        ]
    if kind == "uniqueItems":
        return [Problem(line, path, gettext_noop("The list holds the same value twice."))]
    return [Problem(line, path, gettext_noop("Not valid: %(error)s."), {"error": error.message})]


@cache
def _fast():
    from .fastcheck import compile_schema

    return compile_schema(schema())


def schema_problems(record: dict, line: int) -> list[Problem]:
    """The schema's problems of one record: none when the compiled check passes it
    (``fastcheck``), otherwise ``jsonschema``'s errors, each as a Problem."""
    if _fast()(record):
        return []
    problems = []
    for error in _validator().iter_errors(record):
        problems.extend(_schema_problem(error, line))
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    """Without repeats, in a stable order: by path, as the line reads."""
    seen = {}
    for problem in problems:
        seen.setdefault(
            (problem.path, problem.message, repr(sorted(problem.params.items()))), problem
        )
    return [seen[key] for key in sorted(seen)]


# --- Step 3: the rules the schema cannot express ---------------------------------------


def _date(value) -> date | None:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _nul_paths(value, path=()):
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, index))


def _dates(record: dict, line: int):
    """Every date field: a real day of the calendar (2023-02-30 is not)."""
    candidates = [("opened_on", record.get("opened_on")), ("closed_on", record.get("closed_on"))]
    candidates.append(
        ("perspective.recorded_on", _dict(record.get("perspective")).get("recorded_on"))
    )
    for r, req in enumerate(_list(record.get("requests"))):
        for e, event in enumerate(_list(_dict(req).get("events"))):
            candidates.append((f"requests[{r}].events[{e}].on", _dict(event).get("on")))
    for s, spend in enumerate(_list(record.get("budget_spends"))):
        candidates.append((f"budget_spends[{s}].on", _dict(spend).get("on")))
    for path, value in candidates:
        if not isinstance(value, str) or _date(value) is not None:
            continue
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            if re.search(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value):  # "…\n" passes the pattern
                yield Problem(
                    line,
                    path,
                    gettext_noop("%(value)s is not a date in the form YYYY-MM-DD."),
                    {"value": _shown(value)},
                )
            continue
        yield Problem(
            line, path, gettext_noop("%(value)s is not a day of the calendar."), {"value": value}
        )


# Which event fields go with which event types (the specification's table).
REASON_TYPES = {"refused", "redirected"}


def _event_problems(event: dict, path: str, line: int):
    kind = event.get("type")
    if not isinstance(kind, str):
        return
    if kind == "refused" and "reason" not in event:
        yield Problem(line, f"{path}.reason", gettext_noop("A “refused” event needs a reason."))
    if "reason" in event and kind not in REASON_TYPES:
        yield Problem(
            line,
            f"{path}.reason",
            gettext_noop("A reason goes only with “refused” or “redirected”, not with “%(type)s”."),
            {"type": kind},
        )
    if kind == "escalated" and "level" not in event:
        yield Problem(
            line, f"{path}.level", gettext_noop("An “escalated” event needs a level (1–4).")
        )
    if kind == "condition_added" and "text" not in event:
        yield Problem(
            line,
            f"{path}.text",
            gettext_noop("A “condition_added” event needs the condition as text."),
        )
    if "household_agrees" in event and kind != "condition_added":
        yield Problem(
            line,
            f"{path}.household_agrees",
            gettext_noop("household_agrees goes only with “condition_added”, not with “%(type)s”."),
            {"type": kind},
        )
    if "to" in event and kind != "redirected":
        yield Problem(
            line,
            f"{path}.to",
            gettext_noop("“to” goes only with “redirected”, not with “%(type)s”."),
            {"type": kind},
        )


def rule_problems(record: dict, line: int) -> list[Problem]:
    """The rules of the specification's table that the schema cannot say. Written to
    run on a record that failed the schema too (every access is type-checked), so a
    line's problems are all reported at once."""
    problems = list(_dates(record, line))
    for parts in _nul_paths(record):
        problems.append(
            Problem(
                line,
                path_of(parts),
                gettext_noop("Contains a NUL character (\\u0000), which cannot be stored."),
            )
        )
    opened, closed = _date(record.get("opened_on")), _date(record.get("closed_on"))
    if opened and closed and closed < opened:
        problems.append(
            Problem(
                line,
                "closed_on",
                gettext_noop("The closing date %(closed)s is before the opening date %(opened)s."),
                {"closed": record["closed_on"], "opened": record["opened_on"]},
            )
        )
    if "closed_on" in record and "outcome" in record:
        if record["closed_on"] is None and record["outcome"] is not None:
            problems.append(
                Problem(
                    line,
                    "outcome",
                    gettext_noop("An open case (closed_on null) has no outcome: null."),
                )
            )
        elif record["closed_on"] is not None and record["outcome"] is None:
            problems.append(
                Problem(
                    line, "outcome", gettext_noop("A closed case (closed_on set) needs an outcome.")
                )
            )
    domains = _list(record.get("life_domains"))
    primary = record.get("primary_domain")
    if isinstance(primary, str) and domains and primary not in domains:
        problems.append(
            Problem(
                line,
                "primary_domain",
                gettext_noop("The primary domain %(domain)s is not among the life domains."),
                {"domain": primary},
            )
        )
    household = _dict(record.get("household"))
    for name in ("adults", "children"):
        value = household.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_SMALL_INTEGER:
            problems.append(
                Problem(
                    line,
                    f"household.{name}",
                    gettext_noop("Too large to store: at most %(count)s."),
                    {"count": MAX_SMALL_INTEGER},
                )
            )
    refs: dict[str, int] = {}
    for r, req in enumerate(_list(record.get("requests"))):
        req = _dict(req)
        path = f"requests[{r}]"
        ref = req.get("ref")
        if isinstance(ref, str):
            if ref in refs:
                problems.append(
                    Problem(
                        line,
                        f"{path}.ref",
                        gettext_noop(
                            "The request ref %(ref)s is used twice in this case "
                            "(also requests[%(index)s])."
                        ),
                        {"ref": ref, "index": refs[ref]},
                    )
                )
            else:
                refs[ref] = r
        events = _list(req.get("events"))
        if (
            events
            and isinstance(events[0], dict)
            and events[0].get("type") not in (None, "submitted")
        ):
            problems.append(
                Problem(
                    line,
                    f"{path}.events[0].type",
                    gettext_noop("The first event of a request must be “submitted”, not %(type)s."),
                    {"type": _shown(events[0].get("type"))},
                )
            )
        previous = None
        for e, event in enumerate(events):
            if not isinstance(event, dict):
                continue
            problems.extend(_event_problems(event, f"{path}.events[{e}]", line))
            on = _date(event.get("on"))
            if on is None:
                continue
            if previous is not None and on < previous[1]:
                problems.append(
                    Problem(
                        line,
                        f"{path}.events[{e}].on",
                        gettext_noop(
                            "Events must be in date order: %(on)s comes after "
                            "%(previous)s (events[%(index)s])."
                        ),
                        {
                            "on": event["on"],
                            "previous": previous[1].isoformat(),
                            "index": previous[0],
                        },
                    )
                )
            previous = (e, on)
    for s, spend in enumerate(_list(record.get("budget_spends"))):
        amount = _dict(spend).get("amount")
        if isinstance(amount, str) and re.search(r"^[0-9]+\.[0-9]{2}$", amount):
            if not re.fullmatch(r"[0-9]+\.[0-9]{2}", amount):  # "450.00\n" passes the pattern
                problems.append(
                    Problem(
                        line,
                        f"budget_spends[{s}].amount",
                        gettext_noop(
                            "%(value)s is not an amount in euros with two decimals, like “450.00”."
                        ),
                        {"value": _shown(amount)},
                    )
                )
                continue
            value = Decimal(amount)
            if value <= 0:
                problems.append(
                    Problem(
                        line,
                        f"budget_spends[{s}].amount",
                        gettext_noop("The amount must be more than 0.00."),
                    )
                )
            elif value > MAX_AMOUNT:
                problems.append(
                    Problem(
                        line,
                        f"budget_spends[{s}].amount",
                        gettext_noop("Too large to store: at most %(count)s."),
                        {"count": str(MAX_AMOUNT)},
                    )
                )
    return problems


def check(record: dict, line: int) -> list[Problem]:
    """Every problem of one parsed line (schema and rules), in path order."""
    return _unique([*schema_problems(record, line), *rule_problems(record, line)])


def key_of(record: dict) -> tuple[str, str] | None:
    """``(source, ref)`` of a line that has both as strings."""
    source, ref = record.get("source"), record.get("ref")
    if isinstance(source, str) and isinstance(ref, str):
        return source, ref
    return None
