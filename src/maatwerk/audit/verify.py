"""Verification of the access log: its hash chain, and the chain against the signed
checkpoints (``checkpoints.py``), which is what shows rows removed from the end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .checkpoints import file_records, signature_valid
from .models import GENESIS_HASH, AccessLogEntry, Checkpoint


@dataclass
class BrokenLink:
    entry_id: int
    reason: str


def _walk(batch_size: int) -> Iterator[AccessLogEntry]:
    last_id = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _link_problem(entry: AccessLogEntry, previous: str) -> str:
    if entry.prev_hash != previous:
        return "previous-hash mismatch: a row before it was removed or altered"
    if entry.compute_hash() != entry.hash:
        return "content does not match its hash"
    return ""


def verify_chain(batch_size: int = 2000) -> tuple[int, BrokenLink | None]:
    """Walk the log in insertion order; return (rows checked, first broken link)."""
    previous = GENESIS_HASH
    checked = 0
    for entry in _walk(batch_size):
        problem = _link_problem(entry, previous)
        if problem:
            return checked, BrokenLink(entry.id, problem)
        previous = entry.hash
        checked += 1
    return checked, None


@dataclass
class _Expectation:
    label: str
    last_id: int
    entry_count: int
    head_hash: str


@dataclass
class LogReport:
    """What ``verify_log`` found. ``intact`` when the chain holds and agrees with every
    checkpoint."""

    entries: int = 0  # rows in the log
    intact_before_break: int = 0  # rows before the first broken link (all, if none)
    broken: BrokenLink | None = None
    checkpoints: int = 0  # checkpoints with a valid signature, checked against the log
    latest: Checkpoint | None = None  # the newest of those
    since_latest: int = 0  # rows after the newest checkpoint: not yet anchored
    problems: list[str] = field(default_factory=list)  # disagreements with checkpoints

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.problems


def _label(created_at) -> str:
    return f"{created_at:%Y-%m-%d %H:%M:%S} UTC"


def _expectations(report: LogReport) -> list[_Expectation]:
    expected = []
    for checkpoint in Checkpoint.objects.order_by("id"):
        label = f"the checkpoint of {_label(checkpoint.created_at)} (#{checkpoint.pk})"
        if not signature_valid(checkpoint.as_record(), checkpoint.signature):
            report.problems.append(
                f"{label}: its signature does not verify: the checkpoint was altered or "
                "forged (or signed with a key that is no longer configured)"
            )
            continue
        report.checkpoints += 1
        report.latest = checkpoint
        expected.append(
            _Expectation(label, checkpoint.last_id, checkpoint.entry_count, checkpoint.head_hash)
        )
    try:
        records = file_records()
    except ValueError as error:
        report.problems.append(f"the checkpoint file: {error}")
        records = []
    # Every line, not only the last: rows removed together with the newest checkpoint
    # rows, after which new checkpoints were written again, still miss an older line.
    for record in records:
        signature = record.pop("signature")
        label = f"the checkpoint file's line of {record['created_at']}"
        if signature_valid(record, signature):
            expected.append(
                _Expectation(label, record["last_id"], record["entry_count"], record["head_hash"])
            )
        else:
            report.problems.append(f"{label}: its signature does not verify")
    return expected


def verify_log(batch_size: int = 2000) -> LogReport:
    """Walk the whole log once: check every link of the chain (the first broken one is
    reported) and, at the newest row of every checkpoint (in the database and in the
    file sink), that the row is there with the
    hash the checkpoint recorded and that the number of rows up to it is the number it
    counted. A checkpoint whose newest row never comes up was cut off: rows were removed
    (from the end, when the log now stops before it)."""
    report = LogReport()
    expected: dict[int, list[_Expectation]] = {}
    for expectation in _expectations(report):
        expected.setdefault(expectation.last_id, []).append(expectation)
    latest_id = report.latest.last_id if report.latest else None
    previous = GENESIS_HASH
    last_seen = 0
    for entry in _walk(batch_size):
        if report.broken is None:
            problem = _link_problem(entry, previous)
            if problem:
                report.broken = BrokenLink(entry.id, problem)
            else:
                report.intact_before_break += 1
        previous = entry.hash
        report.entries += 1
        last_seen = entry.id
        if latest_id is not None and entry.id > latest_id:
            report.since_latest += 1
        for expectation in expected.pop(entry.id, []):
            if entry.hash != expectation.head_hash:
                report.problems.append(
                    f"{expectation.label}: entry {entry.id} has another hash than it "
                    "recorded: the log up to it was rewritten"
                )
            if report.entries != expectation.entry_count:
                change = "removed" if report.entries < expectation.entry_count else "added"
                report.problems.append(
                    f"{expectation.label} counted {expectation.entry_count} entries up to "
                    f"entry {entry.id}, the log has {report.entries}: entries were {change}"
                )
    for last_id in sorted(expected):
        for expectation in expected[last_id]:
            where = (
                f"the log now ends at entry {last_seen}: entries were removed from its end"
                if last_id > last_seen
                else "entries were removed"
            )
            report.problems.append(
                f"{expectation.label} recorded {expectation.entry_count} entries up to "
                f"entry {last_id}, which is missing: {where} (truncation)"
            )
    return report
