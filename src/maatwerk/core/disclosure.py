"""Disclosure control for published and aggregated counts (the report, the patterns
pages, the exceptions register; ../shared/docs/exchange-format.md, "Disclosure
control").

The rule, applied to one table of counts at a time (a dict of cells):

1. **Primary suppression**: every count from 1 up to ``threshold - 1`` is replaced by
   ``None``. Zero is shown: "no case" reveals nobody.
2. **Secondary suppression**: when the table's total is shown (``total`` given, or the
   cells are parts of a shown whole), and exactly one cell is suppressed, the total
   minus the shown cells would reveal it. Then the smallest shown non-zero cell is
   suppressed as well, and so on until no suppressed cell can be derived.
   ``protect_cells`` applies this to several tables at once, linked by their
   relations (a whole and its parts; a whole that is not published itself but
   is the sum of another table counts as shown): for every relation, until nothing
   changes, (a) a shown whole with exactly one suppressed part gets its smallest shown
   non-zero part suppressed too (the whole itself when there is none), and (b) a
   suppressed whole whose parts are all shown gets its smallest non-zero part
   suppressed (else the parts would add up to it).
3. A derived figure (a median, a mean, a share) computed over fewer cases than the
   threshold is suppressed like a count (``suppress_figure``).

``threshold`` 0 (or 1) turns suppression off. The paths of everything suppressed are
returned, dotted (``life_domains.addiction``), so a reader knows which figures are
missing and why.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5


def is_small(count: int, threshold: int) -> bool:
    return threshold > 1 and 0 < count < threshold


@dataclass(frozen=True)
class Relation:
    """``whole`` = the sum of ``parts`` (cell keys). ``whole`` None: a total that is not
    published but can be read elsewhere (the sum of another table of the same whole),
    so it is treated as shown."""

    whole: Hashable | None
    parts: tuple


def protect_cells(
    cells: Mapping[Hashable, int], relations: Iterable[Relation], *, threshold: int
) -> set:
    """The keys of ``cells`` to suppress: every small count (primary), and what the
    relations need so that no suppressed cell is a whole minus shown parts, or the sum
    of shown parts (secondary). Zero is never suppressed. Deterministic: ties between
    equal cells go to the first key in sorted order."""
    if threshold <= 1:
        return set()
    hidden = {key for key, count in cells.items() if is_small(count, threshold)}
    relations = [
        Relation(rel.whole, tuple(p for p in rel.parts if p in cells)) for rel in relations
    ]

    def smallest_shown(parts):
        shown = sorted((cells[p], str(p), p) for p in parts if p not in hidden and cells[p] > 0)
        return shown[0][2] if shown else None

    changed = True
    while changed:
        changed = False
        for rel in relations:
            hidden_parts = [p for p in rel.parts if p in hidden]
            whole_shown = rel.whole is None or rel.whole not in hidden
            if whole_shown and len(hidden_parts) == 1:
                pick = smallest_shown(rel.parts)
                if pick is None and rel.whole is not None:
                    pick = rel.whole
            elif not whole_shown and not hidden_parts and cells.get(rel.whole, 0) > 0:
                pick = smallest_shown(rel.parts)
            else:
                pick = None
            if pick is not None:
                hidden.add(pick)
                changed = True
    return hidden


def suppress_cells(
    cells: Mapping[str, int],
    *,
    threshold: int,
    path: str = "",
    total_shown: bool = True,
) -> tuple[dict[str, int | None], list[str]]:
    """``cells`` with the small counts replaced by None, and the dotted paths of the
    cells suppressed. With ``total_shown`` (the sum of the cells is published too, or
    readable elsewhere), a single suppressed cell is protected by suppressing the next
    smallest one as well."""
    relations = [Relation(None, tuple(cells))] if total_shown else []
    hidden = protect_cells(cells, relations, threshold=threshold)
    shown: dict[str, int | None] = {
        key: None if key in hidden else count for key, count in cells.items()
    }
    prefix = f"{path}." if path else ""
    return shown, [f"{prefix}{key}" for key in sorted(hidden, key=str)]


def suppress_figure(value, *, over: int, threshold: int):
    """A figure computed over ``over`` cases: None when that is too few."""
    return None if is_small(over, threshold) else value
