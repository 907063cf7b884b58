"""The one way to write the access log."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from maatwerk.core.http import client_address

from .models import GENESIS_HASH, AccessLogEntry, Action, ProcessingActivity, Result

# An arbitrary, fixed key for the PostgreSQL advisory lock that serialises appends
# to the hash chain (the chain needs a total order of rows).
_CHAIN_LOCK_KEY = 7_513_000_001


def lock_chain() -> None:
    """Serialise with every append to the chain, until the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so the write lock is held.


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
    with transaction.atomic():
        lock_chain()
        last = AccessLogEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = AccessLogEntry(
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
            prev_hash=last or GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry
