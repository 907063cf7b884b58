"""Whole numbers typed into a URL or a hidden field, read safely.

``str.isdigit()`` is true for "²" and "١" (which ``int()`` refuses or reads as another
digit), and ``int()`` accepts " 12 ", "1_000" and numbers no database column holds.
``parse_id`` accepts only what a form of ours would send: ASCII digits, within the
range of a database id."""

# The largest value of a 64-bit signed integer column (SQLite INTEGER, PostgreSQL
# bigint, Django's BigAutoField): a larger number cannot name a row.
MAX_ID = 2**63 - 1


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int when it is only ASCII digits (an optional leading "-" when
    ``minimum`` is negative) and within ``minimum``..``maximum``; otherwise None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        if not isinstance(value, str):
            return None
        digits = value[1:] if value.startswith("-") and minimum < 0 else value
        if not digits or len(digits) > 20 or not digits.isascii() or not digits.isdigit():
            return None
        number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id (1 or more) from a URL or form value, or None."""
    return parse_int(value, minimum=1)
