"""The access log is append-only, enforced by the database: triggers refuse UPDATE and DELETE.

Created by the Alembic migration and, for test databases built with create_all, by a DDL event on
the table. TRUNCATE is not a row operation and is left to the database owner (the test suite uses it
between tests); the application's own code has no update or delete path at all.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

MESSAGE = "access_log is append-only"

SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS access_log_no_update", "DROP TRIGGER IF EXISTS access_log_no_delete"]

POSTGRES_CREATE = [
    "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS access_log_append_only ON access_log",
                 "DROP FUNCTION IF EXISTS access_log_append_only()"]


def statements(dialect: str, *, drop: bool = False) -> list[str]:
    if dialect == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES_CREATE
    if dialect == "sqlite":
        return SQLITE_DROP if drop else SQLITE_CREATE
    return []


def install_ddl_events(table) -> None:
    """So that metadata.create_all (the tests' databases) gets the same triggers as a migrated one."""
    for dialect in ("sqlite", "postgresql"):
        for sql in statements(dialect):
            event.listen(table, "after_create", DDL(sql).execute_if(dialect=dialect))
