"""Checkpoints of the access log: its head (the number of rows, the id and hash of the
newest) written at intervals by the scheduler, signed with HMAC-SHA256 under a key
held outside the database (``MAATWERK_AUDIT_CHECKPOINT_KEY``), into the append-only
table ``audit_checkpoint`` and, when configured, as a JSON line into a file
(``MAATWERK_AUDIT_CHECKPOINT_FILE``). ``maatwerk audit-verify`` checks the log against
them (``verify.verify_log``): rows removed from the end of the log, which leave a valid
but shorter chain, show as missing from a checkpoint. What they do not catch:
docs/audit.md, "Checkpoints".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .models import AccessLogEntry, Checkpoint
from .services import lock_chain

logger = logging.getLogger(__name__)

# Part of what is signed: a signature of some other kind of record never fits.
_PURPOSE = "maatwerk-audit-checkpoint-v1"


def signing_keys() -> list[str]:
    keys = list(getattr(settings, "AUDIT_CHECKPOINT_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured(
            "MAATWERK_AUDIT_CHECKPOINT_KEY is required to sign or verify access-log "
            "checkpoints (docs/configuration.md)."
        )
    return keys


def _mac(record: dict, key: str) -> str:
    canonical = json.dumps({"purpose": _PURPOSE, **record}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def sign(record: dict) -> str:
    """The signature of a checkpoint record under the first (current) key."""
    return _mac(record, signing_keys()[0])


def signature_valid(record: dict, signature: str) -> bool:
    """Whether any of the configured keys made ``signature`` over ``record``."""
    return any(hmac.compare_digest(_mac(record, key), signature) for key in signing_keys())


@dataclass
class Refusal:
    """Why no checkpoint was written: the log since the last one does not hang together."""

    reason: str


def _since_last_checkpoint_intact(latest: Checkpoint) -> str:
    """'' when the rows after ``latest`` chain on from its head; otherwise what is wrong.
    Only the new rows are read (the whole chain is ``audit-verify``'s work)."""
    head = AccessLogEntry.objects.filter(pk=latest.last_id).values_list("hash", flat=True).first()
    if head != latest.head_hash:
        return (
            f"entry {latest.last_id}, the newest at the checkpoint of "
            f"{latest.created_at:%Y-%m-%d %H:%M:%S} UTC, is missing or changed"
        )
    previous = latest.head_hash
    for entry in AccessLogEntry.objects.filter(pk__gt=latest.last_id).order_by("id").iterator():
        if entry.prev_hash != previous:
            return f"entry {entry.id} does not follow the entry before it"
        if entry.compute_hash() != entry.hash:
            return f"entry {entry.id}: content does not match its hash"
        previous = entry.hash
    return ""


def write_checkpoint() -> Checkpoint | Refusal | None:
    """Sign and store the log's current head. ``None`` when there is nothing new since
    the last checkpoint (so running it twice writes one); a :class:`Refusal` (and an
    error in the application log) when the rows since the last checkpoint do not chain
    on from it: a broken log is reported, not anchored."""
    signing_keys()  # no key: fail before anything else
    with transaction.atomic():
        lock_chain()  # the head and the count of one moment: no append in between
        head = AccessLogEntry.objects.order_by("-id").values("id", "hash").first()
        if head is None:
            return None
        latest = Checkpoint.objects.order_by("-id").first()
        if latest is not None and latest.last_id == head["id"]:
            return None
        if latest is not None:
            problem = _since_last_checkpoint_intact(latest)
            if problem:
                logger.error("No access-log checkpoint written: %s", problem)
                return Refusal(problem)
        checkpoint = Checkpoint(
            created_at=timezone.now(),
            entry_count=AccessLogEntry.objects.filter(pk__lte=head["id"]).count(),
            last_id=head["id"],
            head_hash=head["hash"],
        )
        checkpoint.signature = sign(checkpoint.as_record())
        checkpoint.save(force_insert=True)
        if settings.AUDIT_CHECKPOINT_FILE:
            record = {**checkpoint.as_record(), "signature": checkpoint.signature}
            transaction.on_commit(lambda: _append_line(record))
    return checkpoint


def _append_line(record: dict) -> None:
    """Append to the file sink. A failure does not undo the stored checkpoint; it is
    logged; the next checkpoint is appended as usual."""
    try:
        with open(settings.AUDIT_CHECKPOINT_FILE, "a", encoding="utf-8") as sink:
            sink.write(json.dumps(record, sort_keys=True) + "\n")
    except OSError:
        logger.exception("Could not append the access-log checkpoint to the file")


def file_records() -> list[dict]:
    """Every checkpoint in the file sink, oldest first (empty when no file is set or
    it does not exist yet). A line that is not a checkpoint raises ValueError naming
    it: the file is damaged."""
    path = settings.AUDIT_CHECKPOINT_FILE
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as sink:
            lines = sink.read().splitlines()
    except FileNotFoundError:
        return []
    expected = {"created_at", "entry_count", "last_id", "head_hash", "signature"}
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict) or set(record) != expected:
            raise ValueError(f"line {number} of {path} is not a checkpoint")
        records.append(record)
    return records
