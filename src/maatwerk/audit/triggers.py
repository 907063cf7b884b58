"""Database triggers that make tables append-only: the access log and its checkpoints,
and the budget ledger with its settlements and budget revisions (money history).

Kept in one module: the migrations install them, and the SQLite backend's flush
(wiping the whole database) needs to drop and recreate them.
"""

TABLE = "audit_accesslogentry"
MESSAGE = "the access log is append-only"

# Every append-only table and the message a refused UPDATE or DELETE gives.
APPEND_ONLY_TABLES = {
    TABLE: MESSAGE,
    "audit_checkpoint": "access-log checkpoints are append-only",
    "budgets_ledgerentry": "the budget ledger is append-only",
    "budgets_settlement": "settlements are append-only",
    "budgets_budgetrevision": "budget revisions are append-only",
}


def _sqlite_create(table: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _sqlite_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]


def _postgresql_create(table: str, message: str) -> list[str]:
    return [
        f"""
    CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
        f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}",
        f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse()",
    ]


def _postgresql_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_refuse()",
    ]


SQLITE_CREATE = _sqlite_create(TABLE, MESSAGE)
SQLITE_DROP = _sqlite_drop(TABLE)
POSTGRESQL_CREATE = _postgresql_create(TABLE, MESSAGE)
POSTGRESQL_DROP = _postgresql_drop(TABLE)


def statements(vendor: str, *, create: bool, table: str = TABLE) -> list[str]:
    """The SQL that installs (``create``) or removes the triggers of one table."""
    message = APPEND_ONLY_TABLES[table]
    if vendor == "sqlite":
        return _sqlite_create(table, message) if create else _sqlite_drop(table)
    if vendor == "postgresql":
        return _postgresql_create(table, message) if create else _postgresql_drop(table)
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")
