"""Verification of the access log's hash chain."""

from dataclasses import dataclass

from .models import GENESIS_HASH, AccessLogEntry


@dataclass
class BrokenLink:
    entry_id: int
    reason: str


def verify_chain(batch_size: int = 2000) -> tuple[int, BrokenLink | None]:
    """Walk the log in insertion order; return (rows checked, first broken link)."""
    previous = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return checked, None
        for entry in batch:
            if entry.prev_hash != previous:
                return checked, BrokenLink(
                    entry.id, "previous-hash mismatch: a row before it was removed or altered"
                )
            if entry.compute_hash() != entry.hash:
                return checked, BrokenLink(entry.id, "content does not match its hash")
            previous = entry.hash
            checked += 1
            last_id = entry.id
