"""The cost of an append (issue 17, ADR 0007): the lock and one statement on
PostgreSQL, the hash computed by the database exactly as ``compute_hash`` computes it,
the indexes the log keeps, and a chain that cannot fork."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from maatwerk.audit.models import GENESIS_HASH, AccessLogEntry, Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def append(**fields):
    return log_access(
        action=Action.READ, processing_activity=ProcessingActivity.CASE_WORK, **fields
    )


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"actor_username": "jan", "household": "HH-1", "object_id": 7, "detail": 'ü ‘quoted’ "x"'},
        {"origin": "2001:db8::1", "on_behalf_of": "\\ backslash \n newline"},
    ],
)
def test_hash_parts_give_the_hash_compute_hash_gives(fields):
    entry = AccessLogEntry(
        occurred_at=datetime(2026, 12, 1, 20, 30, 1, 123456, tzinfo=UTC),
        action="read",
        result="success",
        processing_activity="case_work",
        prev_hash="ab" * 32,
        **fields,
    )
    before, after = entry.hash_parts()
    assert before.isascii() and after.isascii()
    digest = hashlib.sha256((before + entry.prev_hash + after).encode()).hexdigest()
    assert digest == entry.compute_hash()


def test_the_database_computes_the_same_hash_and_the_chain_verifies(make_user):
    user = make_user("professional")
    first = append(actor=user, household="HH-é", detail='één ‘twee’ "drie"')
    second = append(actor_username="systeem", object_id=12)
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    for entry in (first, second):
        stored = AccessLogEntry.objects.get(pk=entry.pk)
        assert stored.hash == entry.hash == stored.compute_hash()
    assert verify_chain() == (2, None)


def test_an_append_is_two_statements_without_a_savepoint(assert_queries):
    """PostgreSQL: the chain lock and the INSERT that reads the head and computes the
    hash. SQLite (the transaction's write lock is the chain lock): the head, then the
    INSERT. No savepoint around them in the caller's transaction."""
    append()
    with transaction.atomic(), assert_queries(2) as queries:
        append()
    assert not [sql for sql in queries.statements if "SAVEPOINT" in sql]
    if connection.vendor == "postgresql":
        assert "pg_advisory_xact_lock" in queries.statements[0]
        assert queries.statements[1].lstrip().startswith("WITH head AS")


def test_the_chain_cannot_fork():
    """Two rows after the same row (as two appends without the lock would write) are
    refused by the database."""
    head = append()
    fork = AccessLogEntry(
        occurred_at=head.occurred_at,
        action="read",
        result="success",
        processing_activity="case_work",
        prev_hash=head.prev_hash,
    )
    fork.hash = fork.compute_hash()
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)


@pytest.mark.postgres
def test_only_the_indexes_a_query_needs():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's varchar_pattern_ops twins")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s",
            [AccessLogEntry._meta.db_table],
        )
        names = {name for (name,) in cursor.fetchall()}
    assert not [name for name in names if name.endswith("_like")]
    assert len(names) == 7, names  # pk, occurred_at, actor_id, 2×UPPER, action, prev_hash


@pytest.mark.postgres
def test_the_chain_lock_is_per_database():
    """An advisory lock belongs to the whole server: the chain lock of one database must
    not hold up appends in another (another installation, the bench, or a parallel test
    worker's database), but must hold up another connection to the same database."""
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    import psycopg

    from maatwerk.audit.services import _CHAIN_LOCK_KEY, lock_chain

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    try_lock = "SELECT pg_try_advisory_xact_lock(hashtextextended(current_database(), %s))"
    with transaction.atomic():
        lock_chain()  # held until this (the test's) transaction ends
        for dbname, free in ((params["dbname"], False), ("postgres", True)):
            with psycopg.connect(**{**params, "dbname": dbname}, autocommit=False) as other:
                assert other.execute(try_lock, [_CHAIN_LOCK_KEY]).fetchone()[0] is free, dbname
