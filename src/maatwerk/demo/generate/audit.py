"""The generated access-log rows and their hash chain.

Rows are appended after the last row of the log, in time order within each batch,
with ``prev_hash`` and ``hash`` computed exactly as ``audit.services.log_access`` does
(``AccessLogEntry.compute_hash``: the same fields, the same canonical JSON), so that
``maatwerk audit-verify`` keeps passing. The chain is locked while a batch is written
(PostgreSQL: the same advisory lock as ``log_access``; SQLite: the write lock of the
transaction), so a row written by the application meanwhile cannot break it.
"""

from __future__ import annotations

from datetime import UTC
from hashlib import sha256
from json.encoder import encode_basestring_ascii

from maatwerk.audit.models import GENESIS_HASH, AccessLogEntry

# The chain's own lock (the one every append takes), not a copy of its key.
from maatwerk.audit.services import lock_chain

from . import tables as T

# The row layout of ``Context.log`` (the access-log columns without id and hashes).
LAYOUT = T.ACCESS_LOG.columns[1:-2]
# ``compute_hash``'s canonical JSON (sorted keys, no spaces, ASCII), written out for the
# generator's row layout; ``chain`` checks it against the model once a batch, and the
# tests check the whole chain with ``audit-verify``.
CANONICAL = (
    '{"action":%s,"actor_id":%s,"actor_username":%s,"detail":%s,"household":%s,'
    '"object_id":%s,"object_type":%s,"occurred_at":"%s","on_behalf_of":%s,'
    '"organisation":%s,"origin":%s,"prev_hash":"%s","processing_activity":%s,'
    '"result":%s,"roles":%s}'
)
if tuple(sorted(AccessLogEntry.HASHED_FIELDS)) != (
    "action", "actor_id", "actor_username", "detail", "household", "object_id",
    "object_type", "occurred_at", "on_behalf_of", "organisation", "origin", "prev_hash",
    "processing_activity", "result", "roles",
):  # fmt: skip
    raise RuntimeError("generate-data: AccessLogEntry.HASHED_FIELDS changed; update audit.py")


def _stamp(at) -> str:
    """``occurred_at`` as ``compute_hash`` writes it (``%Y-%m-%dT%H:%M:%S.%fZ`` in UTC);
    ``isoformat`` is the fast way when the time is in UTC and has microseconds."""
    if at.tzinfo is UTC and at.microsecond:
        return at.isoformat()[:26] + "Z"
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _hash(row: tuple, previous: str) -> str:
    (at, actor_id, username, behalf, roles, organisation, household, object_type,
     object_id, action, result, origin, activity, detail) = row  # fmt: skip
    q = encode_basestring_ascii
    canonical = CANONICAL % (
        q(action),
        "null" if actor_id is None else actor_id,
        q(username),
        q(detail),
        q(household),
        q(object_id),
        q(object_type),
        _stamp(at),
        q(behalf),
        q(organisation),
        "null" if origin is None else q(origin),
        previous,
        q(activity),
        q(result),
        q(roles),
    )
    return sha256(canonical.encode()).hexdigest()


def chain(rows: list[tuple], writer) -> int:
    """Sort the batch's log rows by time, chain them after the log's last row and write
    them. Returns the number of rows written."""
    if not rows:
        return 0
    rows.sort(key=lambda row: row[0])
    lock_chain()
    last = AccessLogEntry.objects.order_by("-id").values_list("id", "hash").first()
    next_id, previous = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    out = []
    for n, row in enumerate(rows):
        digest = _hash(row, previous)
        if n == 0:
            # The same hash as the model's own, checked once a batch.
            entry = AccessLogEntry(**dict(zip(LAYOUT, row, strict=True)), prev_hash=previous)
            if entry.compute_hash() != digest:
                raise AssertionError("generated access-log hash differs from the model's")
        out.append((next_id + n, *row, previous, digest))
        previous = digest
    writer.write(T.ACCESS_LOG, out)
    return len(out)
