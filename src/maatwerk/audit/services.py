"""The one way to write the access log.

An append is the chain lock and one statement (PostgreSQL): the INSERT reads the head
of the chain and computes the new row's hash itself, so the lock is held for one
round trip plus whatever the caller's transaction still does before it commits (read
views therefore log last: docs/adr/0007-access-log-append.md).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from maatwerk.core.http import client_address

from .models import GENESIS_HASH, AccessLogEntry, Action, ProcessingActivity, Result

# An arbitrary, fixed key for the PostgreSQL advisory lock that serialises appends
# to the hash chain (the chain needs a total order of rows). Advisory locks belong to
# the whole server, not to one database: the key is mixed with the database's name, so
# that two databases on one server (two installations, the bench and the tests, the
# test databases of parallel test workers) never wait for each other's chain.
_CHAIN_LOCK_KEY = 7_513_000_001
_CHAIN_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended(current_database(), %s))"


# The head of the chain and the new row's hash, computed by the database in the
# statement that inserts the row: sha256 over the canonical text of
# AccessLogEntry.compute_hash, of which the caller gives the parts before and after
# the previous hash (AccessLogEntry.hash_parts).
_APPEND_SQL = """
WITH head AS (
    SELECT COALESCE(
        (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1), %s
    ) AS prev
)
INSERT INTO {table} ({columns}, prev_hash, hash)
VALUES (
    {values}, (SELECT prev FROM head),
    encode(sha256(convert_to(%s || (SELECT prev FROM head) || %s, 'UTF8')), 'hex')
)
RETURNING id, prev_hash, hash
"""

_INSERTED_FIELDS = [name for name in AccessLogEntry.HASHED_FIELDS if name != "prev_hash"]


def _append_postgresql(entry: AccessLogEntry) -> None:
    meta = AccessLogEntry._meta
    fields = [meta.get_field(name) for name in _INSERTED_FIELDS]
    before, after = entry.hash_parts()
    sql = _APPEND_SQL.format(
        table=connection.ops.quote_name(meta.db_table),
        columns=", ".join(connection.ops.quote_name(field.column) for field in fields),
        values=", ".join("%s" for _ in fields),
    )
    params = [
        GENESIS_HASH,
        *(field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields),
        before,
        after,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        entry.pk, entry.prev_hash, entry.hash = cursor.fetchone()
    entry._state.adding = False
    entry._state.db = connection.alias


def _append_in_python(entry: AccessLogEntry) -> None:
    last = AccessLogEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry.prev_hash = last or GENESIS_HASH
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)


def lock_chain() -> None:
    """Serialise with every append to the chain, until the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CHAIN_LOCK_SQL, [_CHAIN_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so the write lock is held.


def _new_entry(
    *,
    action: Action | str,
    processing_activity: ProcessingActivity | str,
    request=None,
    actor=None,
    actor_username: str = "",
    result: Result | str = Result.SUCCESS,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    household: str = "",
    on_behalf_of: str = "",
    detail: str = "",
) -> AccessLogEntry:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    organisation = ""
    roles = ""
    if actor is not None:
        actor_username = actor.get_username()
        organisation = str(actor.organisation) if actor.organisation_id else ""
        roles = ",".join(actor.role_codes())
    return AccessLogEntry(
        occurred_at=timezone.now(),
        actor=actor,
        actor_username=actor_username[:150],
        on_behalf_of=on_behalf_of[:200],
        roles=roles[:200],
        organisation=organisation[:200],
        household=household[:40],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        action=str(action),
        result=str(result),
        origin=client_address(request) if request is not None else None,
        processing_activity=str(processing_activity),
        detail=detail[:500],
    )


def log_access(
    *,
    action: Action | str,
    processing_activity: ProcessingActivity | str,
    request=None,
    actor=None,
    actor_username: str = "",
    result: Result | str = Result.SUCCESS,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    household: str = "",
    on_behalf_of: str = "",
    detail: str = "",
) -> AccessLogEntry:
    """Append one row to the access log, inside the caller's transaction.

    ``actor`` defaults to the request's user; ``obj`` fills object type and id.
    ``household`` is the household's pseudonym, never a name or number.
    """
    entry = _new_entry(
        action=action,
        processing_activity=processing_activity,
        request=request,
        actor=actor,
        actor_username=actor_username,
        result=result,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        household=household,
        on_behalf_of=on_behalf_of,
        detail=detail,
    )
    # No savepoint: a failed append fails the caller's transaction (nothing is shown
    # or stored without its log row), and it saves two statements per append.
    with transaction.atomic(savepoint=False):
        lock_chain()
        if connection.vendor == "postgresql":
            _append_postgresql(entry)
        else:
            _append_in_python(entry)
    return entry


def log_access_many(rows: list[dict]) -> list[AccessLogEntry]:
    """Append several rows at once (a page that shows many cases logs one read per
    case): the lock, the head, and one INSERT of them all, chained in the order given.
    Each dict holds the fields of one ``log_access``."""
    entries = [_new_entry(**fields) for fields in rows]
    if not entries:
        return []
    with transaction.atomic(savepoint=False):
        lock_chain()
        previous = AccessLogEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        previous = previous or GENESIS_HASH
        for entry in entries:
            entry.prev_hash = previous
            entry.hash = previous = entry.compute_hash()
        # One INSERT; the ids come from the sequence in the order of the rows.
        AccessLogEntry.objects.bulk_create(entries)
    return entries
