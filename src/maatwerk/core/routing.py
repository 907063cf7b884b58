"""Reads for reports from a PostgreSQL read replica (issue 17, production shape).

Set ``MAATWERK_REPLICA_DATABASE_URL`` and the database alias ``replica`` exists
(docs/configuration.md). Code that reads a lot and can live with a replica's lag of a
few seconds — the report, the patterns pages, the exports — wraps its reads in
``read_from_replica()``::

    with read_from_replica():
        figures = report_figures(period)

Everything else, and every write (the access-log row of that same report included),
goes to ``default``. Without a replica configured, ``read_from_replica()`` changes
nothing, so the same code runs on one database, on SQLite as well.

The choice is explicit, per block, not per model: a page that shows what the user just
saved must never read it from a replica that has not caught up yet.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def read_from_replica():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReplicaRouter:
    """``default`` for everything, except reads inside ``read_from_replica()``."""

    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows: an object read there may relate to one
        # read from default.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is migrated by replication, never by `migrate`.
        return db != REPLICA
