import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from maatwerk.audit.models import GENESIS_HASH, AccessLogEntry, Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.audit.triggers import statements
from maatwerk.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def write(n=1, **kwargs):
    return [
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.CASE_WORK,
            actor_username=f"tester{i}",
            household=f"HH-{1000 + i}",
            **kwargs,
        )
        for i in range(n)
    ]


def behind_the_apps_back(sql, params=()):
    """Run SQL as a DBA would: with the append-only triggers dropped."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in statements(vendor, create=False):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in statements(vendor, create=True):
            cursor.execute(statement)


def test_rows_are_hash_chained():
    first, second, third = write(3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert verify_chain() == (3, None)


def test_entry_records_actor_roles_and_organisation(make_user):
    user = make_user("coordinator")
    entry = log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.CASE_WORK,
        actor=user,
        household="HH-4821",
        object_type="cases.case",
        object_id=12,
        on_behalf_of="HH-4821 (telefonisch)",
    )
    entry.refresh_from_db()
    assert entry.actor_username == user.username
    assert entry.roles == "coordinator"
    assert entry.organisation == user.organisation.name
    assert entry.object_id == "12"
    assert entry.occurred_at.utcoffset().total_seconds() == 0
    assert entry.compute_hash() == entry.hash


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accesslogentry SET actor_username = 'someone-else'",
        "DELETE FROM audit_accesslogentry",
    ],
)
def test_database_refuses_update_and_delete(sql):
    write(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 2
    assert set(AccessLogEntry.objects.values_list("actor_username", flat=True)) == {
        "tester0",
        "tester1",
    }


def test_orm_cannot_change_or_delete_entries():
    (entry,) = write(1)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).detail == ""


def test_log_rolls_back_with_the_action_it_records():
    with pytest.raises(RuntimeError), transaction.atomic():
        write(1)
        raise RuntimeError("the action failed")
    assert AccessLogEntry.objects.count() == 0


def test_audit_verify_passes_on_an_intact_log(capsys):
    write(5)
    call_command("audit-verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_audit_verify_detects_an_altered_row():
    entries = write(5)
    behind_the_apps_back(
        "UPDATE audit_accesslogentry SET household = %s WHERE id = %s", ["HH-9999", entries[2].id]
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("audit-verify")
    assert f"entry {entries[2].id}" in str(excinfo.value)
    assert "content does not match" in str(excinfo.value)
    assert verify_chain()[0] == 2


def test_audit_verify_detects_an_altered_row_with_recomputed_hash():
    entries = write(4)
    forged = AccessLogEntry.objects.get(pk=entries[1].pk)
    forged.household = "HH-0000"
    behind_the_apps_back(
        "UPDATE audit_accesslogentry SET household = %s, hash = %s WHERE id = %s",
        ["HH-0000", forged.compute_hash(), entries[1].id],
    )
    _checked, broken = verify_chain()
    assert broken is not None and broken.entry_id == entries[2].id
    assert "previous-hash mismatch" in broken.reason


def test_audit_verify_detects_a_deleted_row():
    entries = write(4)
    behind_the_apps_back("DELETE FROM audit_accesslogentry WHERE id = %s", [entries[1].id])
    checked, broken = verify_chain()
    assert checked == 1
    assert broken.entry_id == entries[2].id


def test_verify_walks_in_batches():
    write(7)
    assert verify_chain(batch_size=3) == (7, None)
