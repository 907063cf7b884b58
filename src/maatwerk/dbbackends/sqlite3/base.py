"""SQLite backend that knows about append-only tables.

The access log and the budget ledger tables carry triggers that refuse UPDATE and
DELETE. Django's ``flush`` (used by ``maatwerk flush`` and by transactional tests to wipe the whole
database) deletes every row of every table, which those triggers rightly refuse.
Wiping the whole database is not tampering with the log, so ``sql_flush`` drops the
triggers for the duration of the wipe and recreates them afterwards, in the same
statement list. Nothing else in the application can bypass them.

On PostgreSQL, flush uses TRUNCATE, which row triggers do not see; production
deployments revoke TRUNCATE on the log table from the application role (see
docs/audit.md).
"""

import os

from django.db.backends.sqlite3 import base, operations

from maatwerk.audit.triggers import APPEND_ONLY_TABLES, statements


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        guarded = [table for table in APPEND_ONLY_TABLES if table in tables]
        if not sql or not guarded:
            return sql
        drop = [s for table in guarded for s in statements("sqlite", create=False, table=table)]
        create = [s for table in guarded for s in statements("sqlite", create=True, table=table)]
        return [*drop, *sql, *create]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params):
        """The database file (and its write-ahead log) holds special-category data:
        readable and writable by the application's user only, whatever the umask."""
        connection = super().get_new_connection(conn_params)
        name = str(conn_params.get("database", ""))
        if name and not name.startswith(("file:", ":memory:")) and os.path.exists(name):
            for path in (name, f"{name}-wal", f"{name}-shm"):
                if os.path.exists(path) and os.stat(path).st_mode & 0o077:
                    os.chmod(path, 0o600)
        return connection
