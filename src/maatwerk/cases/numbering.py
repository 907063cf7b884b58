"""Numbers handed out one at a time, without gaps, also under concurrent writers.

Counting the existing rows and adding one (how case references were numbered at
first) gives two transactions that run at the same moment the same number; on
PostgreSQL the second one then fails on the unique constraint. Instead, every
numbering scope has a counter row (``ReferenceCounter``) that is incremented with
``UPDATE … SET value = value + 1``: the update takes the row's lock and keeps it to
the end of the caller's transaction, so a second transaction of the same scope waits
and then continues from the first one's number. A transaction that rolls back gives
its number back, so there are no gaps. On SQLite every transaction starts
``IMMEDIATE`` (settings), which serialises writers anyway.

Why not catch the IntegrityError and try again: that needs a savepoint around every
insert that uses the number and a retry loop in every caller, and under load the
losers retry again and again; the counter is one row lock per scope and no retries.

Lock order: take the number before the transaction's first access-log row (the log
takes its chain lock and keeps it to the end of the transaction): otherwise a
transaction holding the chain lock could wait for the counter held by one that waits
for the chain lock.
"""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from .models import ReferenceCounter


def next_number(scope: str, *, highest_used: Callable[[], int]) -> int:
    """The next number in ``scope``, inside the caller's transaction (which keeps
    the scope's counter locked until it ends).

    The first time a scope is used, its counter starts after ``highest_used()``: the
    highest number the existing data already has, so existing numbering continues."""
    return next_numbers(scope, 1, highest_used=highest_used)[0]


def next_numbers(scope: str, count: int, *, highest_used: Callable[[], int]) -> range:
    """``count`` consecutive numbers of ``scope`` at once (an import numbers many rows
    in one statement), under the same lock and rules as ``next_number``. ``count=0``
    takes only the scope's lock (an import that must lock before its first log row,
    not knowing yet whether it needs numbers)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that uses the number")
    counters = ReferenceCounter.objects.filter(scope=scope)
    for _attempt in range(3):
        if counters.update(value=models.F("value") + count):
            last = counters.values_list("value", flat=True).get()
            return range(last - count + 1, last + 1)
        first = highest_used() + 1
        try:
            with transaction.atomic():  # a savepoint: the outer transaction goes on
                ReferenceCounter.objects.create(scope=scope, value=first + count - 1)
        except IntegrityError:
            # Another transaction created the counter at the same moment (and has
            # committed, or the insert would still wait): count on from its value.
            continue
        return range(first, first + count)
    raise RuntimeError(f"could not take the next number of {scope}")
