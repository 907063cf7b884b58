"""Query-count assertions for the tests (the root conftest.py offers them as the
fixtures ``assert_queries`` and ``assert_constant_queries``).

``assert_num_queries(3)`` checks one block: exactly that many SQL statements (or at most
that many). ``assert_constant_queries(measure, grow)`` checks that a page or selector
needs as many statements after the data grew as before. When a check fails, the
message lists the statements, numbered, so the extra query can be read off at once."""

import difflib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

Matching = str | Callable[[str], bool] | None


def _matcher(matching: Matching) -> Callable[[str], bool]:
    if matching is None:
        return lambda sql: True
    if isinstance(matching, str):
        return lambda sql: matching in sql
    return matching


def numbered(statements: list[str], counted: Callable[[str], bool] | None = None) -> str:
    """The statements one a line, numbered from 1; with ``counted``, the statements it
    does not count are shown in brackets."""
    if not statements:
        return "  (no statements)"
    lines = []
    for number, sql in enumerate(statements, 1):
        lines.append(
            f"{number:>4}. {sql}" if counted is None or counted(sql) else f"{number:>4}. [{sql}]"
        )
    return "\n".join(lines)


@dataclass
class Queries:
    """The SQL statements a block ran (filled in when the block ends) and, for a
    measured callable, what it returned."""

    statements: list[str] = field(default_factory=list)
    result: Any = None

    def __len__(self) -> int:
        return len(self.statements)

    def matching(self, matching: Matching) -> list[str]:
        """The statements containing a text (or for which a function is true)."""
        return [sql for sql in self.statements if _matcher(matching)(sql)]

    def assert_count(self, expected: int, *, matching: Matching = None, at_most=False) -> None:
        """Fails unless exactly ``expected`` statements were run (at most that many with
        ``at_most``); ``matching`` counts only the statements containing that text (or for
        which that function is true). The message lists every statement, numbered."""
        __tracebackhide__ = True
        counted = _matcher(matching)
        performed = len(self.matching(counted))
        if performed == expected or (at_most and performed < expected):
            return
        which = "" if matching is None else f" matching {matching!r}"
        bound = "at most " if at_most else ""
        ignored = "" if matching is None else " (statements in brackets are not counted)"
        raise AssertionError(
            f"Expected {bound}{expected} SQL statements{which}, got {performed}{ignored}:\n"
            + numbered(self.statements, None if matching is None else counted)
        )


def _capture(using: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[using])


@contextmanager
def assert_num_queries(
    expected: int, *, matching: Matching = None, at_most=False, using: str = DEFAULT_DB_ALIAS
) -> Iterator[Queries]:
    """``with assert_num_queries(3): ...`` fails unless the block runs exactly three SQL
    statements (``at_most=True``: three or fewer), listing them numbered. ``matching``
    counts only the statements containing that text, e.g. a table name (or for which
    that function is true). Yields a Queries, filled in when the block ends."""
    __tracebackhide__ = True
    queries = Queries()
    with _capture(using) as context:
        yield queries
    queries.statements = [q["sql"] for q in context.captured_queries]
    queries.assert_count(expected, matching=matching, at_most=at_most)


def measure_queries(measure: Callable[[], Any], *, using: str = DEFAULT_DB_ALIAS) -> Queries:
    """Calls ``measure`` and returns the statements it ran, with what it returned."""
    with _capture(using) as context:
        result = measure()
    return Queries([q["sql"] for q in context.captured_queries], result)


@dataclass
class Constant:
    """The two runs of a measured callable: before and after the data grew."""

    before: Queries
    after: Queries


def _differs(name: str, before: Queries, after: Queries) -> str:
    diff = "\n".join(
        difflib.unified_diff(
            before.statements, after.statements, "before", "after", lineterm="", n=1
        )
    )
    label = f" ({name})" if name else ""
    return (
        f"The number of SQL statements{label} changed as the rows grew: "
        f"{len(before)} before, {len(after)} after.\n"
        f"Before:\n{numbered(before.statements)}\n"
        f"After:\n{numbered(after.statements)}\n"
        f"Diff:\n{diff}"
    )


def assert_constant_queries(
    measure: Callable[[], Any] | Mapping[str, Callable[[], Any]],
    grow: Callable[[], Any],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> Constant | dict[str, Constant]:
    """Calls ``measure`` (e.g. a page GET), then ``grow`` (e.g. adds ten more cases),
    then ``measure`` again, and fails when the second run needs a different number of SQL
    statements, printing both lists and their diff. ``measure`` may also be a dict of
    named callables (e.g. one per filter of a page): each is counted on its own, all of
    them before ``grow`` and again after it. Returns the two runs (a dict of them for a
    dict), whose ``result`` is what ``measure`` returned, for further assertions."""
    __tracebackhide__ = True
    named = dict(measure) if isinstance(measure, Mapping) else {"": measure}
    before = {name: measure_queries(run, using=using) for name, run in named.items()}
    grow()
    after = {name: measure_queries(run, using=using) for name, run in named.items()}
    problems = [
        _differs(name, before[name], after[name])
        for name in named
        if len(before[name]) != len(after[name])
    ]
    if problems:
        raise AssertionError("\n\n".join(problems))
    runs = {name: Constant(before[name], after[name]) for name in named}
    return runs if isinstance(measure, Mapping) else runs[""]
