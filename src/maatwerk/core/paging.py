"""Keyset pagination ("seek" paging) for lists ordered newest first on a date and the
id: a page is "the next N rows after this row", so page 4,000 costs what page 1 costs
(an index range scan), where OFFSET reads and throws away every row before it.

The cursor is the last (or first) row's ``<date>.<id>`` in the URL (``after=`` for the
next page, ``before=`` for the previous one); a cursor that does not parse is ignored
(the first page), never an error. The page number is carried along (``n=``) only to
say "page N of M"; M comes from one plain count of the same rows (no DISTINCT, on the
filter's index), so it is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet


def parse_cursor(value: str | None) -> tuple[date, int] | None:
    try:
        day, pk = (value or "").split(".")
        return date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def cursor_of(day: date, pk: int) -> str:
    return f"{day.isoformat()}.{pk}"


@dataclass
class _Counter:
    count: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))


@dataclass
class KeysetPage:
    """What a template needs, shaped like Django's Page where it can be: ``object_list``,
    ``number``, ``paginator.count`` and ``paginator.num_pages``, ``has_next``,
    ``has_previous``, and the query strings of the next and previous pages."""

    object_list: list
    number: int
    paginator: _Counter
    next_query: str = ""
    previous_query: str = ""
    keys: list = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return bool(self.next_query)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_query)


def keyset_page(
    rows: QuerySet, params, *, size: int, date_field: str, count: bool = True
) -> KeysetPage:
    """One page of ``rows`` (ordered ``-date_field, -pk``): ``params`` are the request's
    GET parameters (``after``, ``before``, ``n``). ``object_list`` holds the ids."""
    after = parse_cursor(params.get("after"))
    before = None if after else parse_cursor(params.get("before"))
    try:
        number = max(1, int(params.get("n") or 1))
    except ValueError:
        number = 1
    keyed = rows.order_by().values_list("pk", date_field)
    if after:
        day, pk = after
        keyed = keyed.filter(Q(**{f"{date_field}__lt": day}) | Q(**{date_field: day, "pk__lt": pk}))
        keyed = keyed.order_by(f"-{date_field}", "-pk")
    elif before:
        day, pk = before
        keyed = keyed.filter(Q(**{f"{date_field}__gt": day}) | Q(**{date_field: day, "pk__gt": pk}))
        keyed = keyed.order_by(date_field, "pk")
    else:
        keyed = keyed.order_by(f"-{date_field}", "-pk")
        number = 1
    found = list(keyed[: size + 1])
    more = len(found) > size
    found = found[:size]
    if before:
        found.reverse()
    total = _Counter(rows.order_by().count() if count else 0, size)
    if before and not more:
        number = 1  # back at the start, whatever the URL said
    page = KeysetPage(object_list=[pk for pk, _day in found], number=number, paginator=total)
    page.keys = found
    if found:
        first, last = found[0], found[-1]
        has_next = True if before else more
        has_previous = more if before else bool(after)
        if has_next:
            page.next_query = f"after={cursor_of(last[1], last[0])}&n={number + 1}"
        if has_previous:
            page.previous_query = f"before={cursor_of(first[1], first[0])}&n={max(1, number - 1)}"
    return page
