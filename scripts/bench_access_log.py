"""The cost of one access-log append (issue 17): figures, not pass/fail.

Runs on a throw-away test database of the configured kind (PostgreSQL with
DATABASE_URL, which is what it is for). The log is first filled with ``--rows`` rows
(one INSERT … SELECT from generate_series, not chained: only the head matters to an
append; the appended rows are checked to chain on from it), then ``--appends`` reads
are logged one by one, each in its own transaction, and the statements and the time
per append are printed. ``--threads N`` also runs N threads of page views at once, each a
transaction with ``--hold`` ms of other work and the append, first and then last in
the transaction: how long page views wait for each other's chain lock (ADR 0007).

    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_access_log.py
"""

import argparse
import os
import statistics
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.test_settings")

import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def fill(rows: int) -> None:
    from maatwerk.audit.models import AccessLogEntry

    if connection.vendor != "postgresql":
        return
    table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (occurred_at, actor_username, on_behalf_of, roles,
                organisation, household, object_type, object_id, action, result,
                processing_activity, detail, prev_hash, hash)
            SELECT now() - make_interval(secs => %s - g), 'gen-professional-' || (g %% 500),
                '', 'professional', 'Gemeente ' || (g %% 300), 'HG-' || (g %% 70000),
                'cases.case', (g %% 70000)::text, 'read', 'success', 'case_work', '',
                md5(g::text) || md5((g + 1)::text), md5((g + 2)::text) || md5(g::text)
            FROM generate_series(1, %s) AS g""",  # noqa: S608 (the table's name)
            [rows, rows],
        )
        cursor.execute(f"ANALYZE {table}")


def server_cpu() -> float | None:
    """CPU seconds of the PostgreSQL backend of this connection (same machine only):
    much less dependent on what else the machine does than the wall time."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def append_once(i: int) -> None:
    from maatwerk.audit.models import Action, ProcessingActivity
    from maatwerk.audit.services import log_access

    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.CASE_WORK,
        actor_username="bench",
        household=f"HH-{i:04d}",
        object_type="cases.case",
        object_id=i,
    )


def threaded(args, order: str) -> None:
    """``--threads`` threads doing page views at once: each view is a transaction with
    ``--hold`` ms of other work and the append, which comes first (the lock is then
    held for the whole view) or last (held for the INSERT and the COMMIT only)."""
    per_thread = 50
    waits: list[float] = []

    def page_views(offset: int) -> None:
        try:
            for i in range(per_thread):
                with transaction.atomic():
                    if order == "last":
                        time.sleep(args.hold / 1000)  # the page's reads
                    start = time.perf_counter()
                    append_once(offset + i)
                    waits.append(time.perf_counter() - start)
                    if order == "first":
                        time.sleep(args.hold / 1000)  # the page's reads
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=page_views, args=(10_000 * (n + 1),)) for n in range(args.threads)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    views = per_thread * args.threads
    print(
        f"{args.threads} threads × {per_thread} page views of {args.hold:.0f} ms, "
        f"logged {order}: {wall:.2f} s (no waiting: {per_thread * args.hold / 1000:.2f} s), "
        f"{views / wall:.0f} views/s, append median {statistics.median(waits) * 1000:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--hold", type=float, default=20.0)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from maatwerk.audit.models import AccessLogEntry

        fill(args.rows)
        statements = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                statements.append(sql),
                execute(sql, params, many, context),
            )[1]
        ):
            append_once(0)
        samples = []
        server_before, client_before = server_cpu(), time.process_time()
        for i in range(args.appends):
            start = time.perf_counter()
            append_once(i)
            samples.append(time.perf_counter() - start)
        client = (time.process_time() - client_before) / args.appends * 1000
        server = server_cpu()
        server = (server - server_before) / args.appends * 1000 if server is not None else 0
        samples.sort()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = %s"
                if connection.vendor == "postgresql"
                else "SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name = %s",
                [AccessLogEntry._meta.db_table],
            )
            (indexes,) = cursor.fetchone()
        print(f"database: {connection.vendor}, {args.rows:,} rows in the log, {indexes} indexes")
        print(f"statements per append: {len(statements)}")
        for sql in statements:
            print(f"    {sql[:110]}")
        print(
            f"append, one at a time: median {statistics.median(samples) * 1000:.2f} ms, "
            f"p95 {samples[int(len(samples) * 0.95)] * 1000:.2f} ms; CPU per append: "
            f"server {server:.3f} ms, client {client:.3f} ms; load {os.getloadavg()[0]:.1f}"
        )

        if args.threads > 1 and connection.vendor == "postgresql":
            for order in ("first", "last"):
                threaded(args, order)
        first = AccessLogEntry.objects.filter(pk__gt=args.rows).order_by("id").first()
        previous, broken = first.prev_hash if first else "", []
        for entry in AccessLogEntry.objects.filter(pk__gt=args.rows).order_by("id"):
            if entry.prev_hash != previous or entry.compute_hash() != entry.hash:
                broken.append(entry.pk)
            previous = entry.hash
        print(f"chain of the appended rows: {'intact' if not broken else broken[:5]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
