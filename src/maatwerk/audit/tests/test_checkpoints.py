"""Signed checkpoints of the access log: rows removed from the end of the log (a valid
but shorter chain) show against them; a checkpoint cannot be changed or forged."""

import json

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from maatwerk.audit.checkpoints import Refusal, _mac, write_checkpoint
from maatwerk.audit.models import AccessLogEntry, Action, Checkpoint, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.audit.triggers import statements
from maatwerk.audit.verify import verify_log

pytestmark = pytest.mark.django_db

KEY = "k" * 40
OTHER_KEY = "o" * 40


@pytest.fixture(autouse=True)
def key(settings):
    settings.AUDIT_CHECKPOINT_KEYS = [KEY]
    settings.AUDIT_CHECKPOINT_FILE = ""


def write(n=1):
    return [
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.CASE_WORK,
            actor_username=f"tester{i}",
            household=f"HH-{1000 + i}",
        )
        for i in range(n)
    ]


def behind_the_apps_back(sql, params=(), *, table="audit_accesslogentry"):
    """Run SQL as a DBA would: with the table's append-only triggers dropped."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in statements(vendor, create=False, table=table):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in statements(vendor, create=True, table=table):
            cursor.execute(statement)


def delete_newest(n):
    ids = list(AccessLogEntry.objects.order_by("-id").values_list("id", flat=True)[:n])
    behind_the_apps_back(
        "DELETE FROM audit_accesslogentry WHERE id >= %s", [min(ids)]
    )  # (a range: the same SQL on both databases)


def verify_fails():
    with pytest.raises(CommandError) as excinfo:
        call_command("audit-verify")
    return str(excinfo.value)


def test_a_checkpoint_records_the_head_and_verifies(capsys):
    entries = write(4)
    checkpoint = write_checkpoint()
    assert (checkpoint.entry_count, checkpoint.last_id, checkpoint.head_hash) == (
        4,
        entries[-1].id,
        entries[-1].hash,
    )
    write(2)
    call_command("audit-verify")
    out = capsys.readouterr().out
    assert "6 entries verified" in out
    assert f"covers 4 entries up to entry {entries[-1].id}; 2 entries since" in out


def test_no_new_rows_no_second_checkpoint():
    write(2)
    first = write_checkpoint()
    assert write_checkpoint() is None
    assert list(Checkpoint.objects.all()) == [first]
    write(1)
    second = write_checkpoint()
    assert second.entry_count == 3
    assert Checkpoint.objects.count() == 2


def test_an_empty_log_gets_no_checkpoint():
    assert write_checkpoint() is None
    assert not Checkpoint.objects.exists()


def test_without_a_checkpoint_the_tail_is_not_covered(capsys):
    write(3)
    delete_newest(1)
    call_command("audit-verify")  # a shorter chain is still a valid chain
    assert "No checkpoint yet" in capsys.readouterr().out


def test_truncation_after_a_checkpoint_is_detected():
    entries = write(5)
    write_checkpoint()
    delete_newest(2)
    report = verify_log()
    assert report.broken is None  # the chain alone does not show it
    assert not report.intact
    message = verify_fails()
    assert f"entry {entries[-1].id}, which is missing" in message
    assert f"the log now ends at entry {entries[2].id}" in message
    assert "truncation" in message


def test_truncation_hidden_under_new_rows_is_detected():
    entries = write(4)
    write_checkpoint()
    delete_newest(2)
    write(3)  # the application goes on writing: a valid chain again, and longer
    message = verify_fails()
    assert f"recorded 4 entries up to entry {entries[-1].id}, which is missing" in message


def test_a_row_removed_before_the_checkpoint_is_detected_twice():
    entries = write(5)
    write_checkpoint()
    behind_the_apps_back("DELETE FROM audit_accesslogentry WHERE id = %s", [entries[1].id])
    message = verify_fails()
    assert f"chain broken at entry {entries[2].id}" in message
    assert "counted 5 entries" in message and "the log has 4: entries were removed" in message


def test_rewriting_the_log_up_to_the_checkpoint_is_detected():
    entries = write(3)
    write_checkpoint()
    forged = AccessLogEntry.objects.get(pk=entries[-1].pk)
    forged.household = "HH-0000"
    behind_the_apps_back(
        "UPDATE audit_accesslogentry SET household = %s, hash = %s WHERE id = %s",
        ["HH-0000", forged.compute_hash(), forged.pk],
    )
    message = verify_fails()
    assert "has another hash than it recorded" in message


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_checkpoint SET entry_count = 2",
        "UPDATE audit_checkpoint SET head_hash = 'x'",
        "UPDATE audit_checkpoint SET signature = 'f00d'",
    ],
)
def test_a_tampered_checkpoint_is_detected(sql):
    write(3)
    write_checkpoint()
    behind_the_apps_back(sql, table="audit_checkpoint")
    assert "signature does not verify" in verify_fails()


def test_a_checkpoint_forged_with_another_key_is_detected():
    write(3)
    write_checkpoint()
    delete_newest(1)
    # A "matching" checkpoint for the shortened log, signed without the real key.
    head = AccessLogEntry.objects.order_by("-id").first()
    forged = Checkpoint(
        created_at=head.occurred_at, entry_count=2, last_id=head.id, head_hash=head.hash
    )
    forged.signature = _mac(forged.as_record(), OTHER_KEY)
    forged.save()
    message = verify_fails()
    assert f"(#{forged.pk}): its signature does not verify" in message
    assert "truncation" in message


def test_a_new_key_in_front_keeps_the_old_checkpoints_valid(settings):
    write(2)
    write_checkpoint()
    settings.AUDIT_CHECKPOINT_KEYS = [OTHER_KEY, KEY]
    write(1)
    write_checkpoint()
    assert verify_log().intact and verify_log().checkpoints == 2
    settings.AUDIT_CHECKPOINT_KEYS = [OTHER_KEY]
    assert "signature does not verify" in verify_fails()


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_checkpoint SET entry_count = 1", "DELETE FROM audit_checkpoint"]
)
def test_the_database_refuses_to_change_checkpoints(sql):
    write(1)
    write_checkpoint()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    checkpoint = Checkpoint.objects.get()
    with pytest.raises(ValueError):
        checkpoint.save()
    with pytest.raises(ValueError):
        checkpoint.delete()


def test_a_broken_log_is_not_anchored():
    write(2)
    write_checkpoint()
    entries = write(3)
    behind_the_apps_back("DELETE FROM audit_accesslogentry WHERE id = %s", [entries[1].id])
    result = write_checkpoint()
    assert isinstance(result, Refusal)
    assert f"entry {entries[2].id} does not follow" in result.reason
    assert Checkpoint.objects.count() == 1


def test_the_file_sink_catches_checkpoints_removed_with_the_rows(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    sink = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(sink)
    entries = write(3)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = write_checkpoint()
    (line,) = sink.read_text().splitlines()
    assert json.loads(line) == {**checkpoint.as_record(), "signature": checkpoint.signature}
    # Someone with the database removes the newest rows and the checkpoint that saw them.
    delete_newest(1)
    behind_the_apps_back("DELETE FROM audit_checkpoint", table="audit_checkpoint")
    message = verify_fails()
    assert "the checkpoint file's line of" in message
    assert f"entry {entries[-1].id}, which is missing" in message
    # The application goes on and anchors the shortened log again: the file's older
    # line still shows what was removed.
    write(2)
    with django_capture_on_commit_callbacks(execute=True):
        assert write_checkpoint() is not None
    assert len(sink.read_text().splitlines()) == 2
    assert f"entry {entries[-1].id}, which is missing" in verify_fails()


def test_a_damaged_checkpoint_file_is_reported(settings, tmp_path):
    sink = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(sink)
    write(1)
    sink.write_text('{"created_at": "x"}\n')
    assert f"line 1 of {sink} is not a checkpoint" in verify_fails()
    record = {"created_at": "2026-01-01T00:00:00.000000Z", "entry_count": 1, "last_id": 1}
    sink.write_text(json.dumps({**record, "head_hash": "0" * 64, "signature": "f00d"}) + "\n")
    assert "the checkpoint file's line of 2026-01-01" in verify_fails()


def test_the_key_is_required_outside_development(settings):
    settings.AUDIT_CHECKPOINT_KEYS = []
    assert "maatwerk.audit.E001" in {message.id for message in run_checks()}
    settings.AUDIT_CHECKPOINT_KEYS = ["short"]
    assert "maatwerk.audit.E002" in {message.id for message in run_checks()}
    settings.AUDIT_CHECKPOINT_KEYS = [KEY]
    assert not {m.id for m in run_checks()} & {"maatwerk.audit.E001", "maatwerk.audit.E002"}
