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
3. A derived figure (a median, a mean, a share) computed over fewer cases than the
   threshold is suppressed like a count (``suppress_figure``).

``threshold`` 0 (or 1) turns suppression off. The paths of everything suppressed are
returned, dotted (``life_domains.addiction``), so a reader knows which figures are
missing and why.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_THRESHOLD = 5


def is_small(count: int, threshold: int) -> bool:
    return threshold > 1 and 0 < count < threshold


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
    shown: dict[str, int | None] = dict(cells)
    hidden = [key for key, count in cells.items() if is_small(count, threshold)]
    if total_shown and len(hidden) == 1:
        candidates = sorted(
            (count, key) for key, count in cells.items() if key not in hidden and count > 0
        )
        if candidates:
            hidden.append(candidates[0][1])
    for key in hidden:
        shown[key] = None
    prefix = f"{path}." if path else ""
    return shown, [f"{prefix}{key}" for key in sorted(hidden, key=str)]


def suppress_figure(value, *, over: int, threshold: int):
    """A figure computed over ``over`` cases: None when that is too few."""
    return None if is_small(over, threshold) else value
