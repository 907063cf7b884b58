"""What every part of the generator shares while it writes one batch of cases: the
ids, the rows collected per table, the world (organisations, teams, users), the
calendar and the access-log rows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

from maatwerk.journeys import calendar

from . import tables as T


@lru_cache(maxsize=65536)
def add_working_days(start: date, count: int) -> date:
    """``journeys.calendar.add_working_days``, remembered (the generator asks for the
    same few thousand dates millions of times)."""
    return calendar.add_working_days(start, count)


@lru_cache(maxsize=65536)
def overdue_from(due_on: date) -> date:
    return calendar.overdue_from(due_on)


def pick(random_, seq):
    """``random.choice`` for the generator's hot paths: one call of ``random()``
    (``random_``, a bound ``Random.random``) instead of ``choice``'s bit juggling."""
    return seq[int(random_() * len(seq))]


class Clock:
    """Times of day for the things that happen to one case: during office hours, and
    later than what happened before on the same day."""

    zone = ZoneInfo(settings.TIME_ZONE)
    _midnight: dict[date, datetime] = {}

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.last: dict[date, datetime] = {}

    @classmethod
    def midnight(cls, day: date) -> datetime:
        """Local midnight of ``day``, in UTC."""
        found = cls._midnight.get(day)
        if found is None:
            found = datetime(day.year, day.month, day.day, tzinfo=cls.zone).astimezone(UTC)
            cls._midnight[day] = found
        return found

    def at(self, day: date) -> datetime:
        last = self.last.get(day)
        if last is None:
            moment = self.midnight(day) + timedelta(seconds=30600 + self.rng.random() * 14400)
        else:
            moment = last + timedelta(seconds=60 + self.rng.random() * 1200)
        self.last[day] = moment
        return moment


class Context:
    """One run of the generator: ids, today, the world, and the rows of the current
    batch (``add``) and its access-log rows (``log``)."""

    def __init__(self, *, ids: T.Ids, world, today: date, seed: int):
        self.ids = ids
        self.world = world
        self.today = today
        self.seed = seed
        self.rows: dict[str, list[tuple]] = {}
        self.log_rows: list[tuple] = []
        self.new_batch()

    def new_batch(self) -> None:
        self.rows = {t.name: [] for t in T.ALL_TABLES}
        self.log_rows = []

    def add(self, table: T.Table, row: tuple) -> None:
        self.rows[table.name].append(row)

    def take(self, table: T.Table) -> int:
        return self.ids.take(table)

    def appender(self, table: T.Table):
        """The fast way to add rows to ``table`` in this batch (a bound ``append``)."""
        return self.rows[table.name].append

    def counter(self, table: T.Table):
        """The fast way to take ids of ``table`` (a bound ``next``)."""
        return self.ids.counter(table)

    def log(
        self,
        at: datetime,
        actor,
        action: str,
        activity: str,
        object_type: str,
        object_id,
        household: str = "",
        detail: str = "",
        on_behalf_of: str = "",
    ) -> None:
        """One access-log row, as ``audit.services.log_access`` would write it for
        ``actor`` (a ``world.Person``); the hash chain is made when the batch is
        written (``audit.write_log``)."""
        self.log_rows.append(
            (
                at,
                actor.id,
                actor.username,
                on_behalf_of[:200],
                actor.roles,
                actor.organisation,
                household,
                object_type,
                str(object_id),
                action,
                "success",
                actor.origin,
                activity,
                detail[:500],
            )
        )
