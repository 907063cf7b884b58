"""How fast ``maatwerk generate-data`` is (docs/performance.md): figures, not pass/fail.

Runs the generator in this process on the database of DATABASE_URL (migrated, and
best empty: a fresh ``createdb`` + ``maatwerk migrate``) and prints the wall time, the
CPU time of this process and — on PostgreSQL — of the server process that served it,
with the load average before and after (on a shared machine the wall time depends on
what else runs; the CPU times much less).

    DEBUG=true DATABASE_URL=postgres://…/maatwerk_bench \\
        python scripts/bench_generate.py 100000 [copy|keep|bulk]

``copy`` (the default): COPY with the indexes rebuilt at the end when the database is
(nearly) empty; ``keep``: COPY with the indexes kept; ``bulk``: bulk_create.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from maatwerk.demo.generate.run import generate  # noqa: E402


def server_cpu() -> float | None:
    """CPU seconds of the PostgreSQL backend of this connection (same machine only)."""
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


def load() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    mode = sys.argv[2] if len(sys.argv) > 2 else "copy"
    options = {
        "copy": {},
        "keep": {"use_copy": True, "rebuild_indexes": False},
        "bulk": {"use_copy": False},
    }[mode]
    connection.ensure_connection()
    before_load, before_server = load(), server_cpu()
    started_cpu, started = time.process_time(), time.perf_counter()
    summary = generate(cases_count=cases, **options)
    wall = time.perf_counter() - started
    client = time.process_time() - started_cpu
    after_server = server_cpu()
    server = f"{after_server - before_server:.1f} s" if before_server is not None else "-"
    print(
        f"{cases:,} cases, {summary.writer}"
        f"{' (indexes rebuilt)' if summary.indexes_rebuilt else ''}: wall {wall:.1f} s, "
        f"CPU {client:.1f} s here and {server} in the database server, "
        f"{summary.total_rows:,} rows; load {before_load} -> {load()}; "
        f"lead times {summary.lead_time_figures()}"
    )


if __name__ == "__main__":
    main()
