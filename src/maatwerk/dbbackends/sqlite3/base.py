"""SQLite backend that knows about append-only tables.

The access log table carries triggers that refuse UPDATE and DELETE. Django's
``flush`` (used by ``maatwerk flush`` and by transactional tests to wipe the whole
database) deletes every row of every table, which those triggers rightly refuse.
Wiping the whole database is not tampering with the log, so ``sql_flush`` drops the
triggers for the duration of the wipe and recreates them afterwards, in the same
statement list. Nothing else in the application can bypass them.

On PostgreSQL, flush uses TRUNCATE, which row triggers do not see; production
deployments revoke TRUNCATE on the log table from the application role (see
docs/audit.md).
"""

from django.db.backends.sqlite3 import base, operations

from maatwerk.audit.triggers import SQLITE_CREATE, SQLITE_DROP


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements or "audit_accesslogentry" not in tables:
            return statements
        return [*SQLITE_DROP, *statements, *SQLITE_CREATE]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
