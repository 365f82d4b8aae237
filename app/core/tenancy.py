"""Which municipality (tenant) a unit of work belongs to, and how the database is told.

A tenant is a municipality with its own host name, centre texts, staff and cases. Every row of a
tenant-owned table carries `tenant_id` (the `TenantOwned` mixin). On PostgreSQL the database does
the separating itself: row-level security, forced even for the tables' owner, lets a transaction see
and write only the rows of the tenant its `app.tenant` setting names, and a transaction without the
setting sees nothing (a forgotten tenant fails closed). The setting is transaction-local
(`set_config(..., true)`, i.e. SET LOCAL), so it survives pgbouncer in transaction mode and can never
leak to the next user of a pooled connection. The app code does not filter by tenant anywhere.

SQLite keeps a single tenant (id 1): there is no row-level security, and `tenant_id` defaults to 1.

Who sets the tenant: the web request from its Host header (`app.tenants.middleware`), the jobs runner
and the purge once per tenant, a CLI command from `--kommune`. They call `use_tenant`; the engine's
"begin" listener (app.core.db.make_engine) reads `current_tenant_id()` in every transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import Integer, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Field, SQLModel

from app.core.config import Centre

GUC = "app.tenant"
DEFAULT_TENANT_ID = 1  # the tenant a single-municipality installation (and every SQLite one) has
# The transaction's tenant on PostgreSQL; NULL when unset ("" after a transaction that set it ended),
# and `tenant_id = NULL` is never true.
CURRENT_TENANT_PG = f"(NULLIF(current_setting('{GUC}', true), ''))::integer"


class current_tenant_id_sql(FunctionElement):
    """The tenant of the current transaction, as SQL: the column default and the policies' test."""
    type = Integer()
    inherit_cache = True
    name = "current_tenant_id"


@compiles(current_tenant_id_sql, "postgresql")
def _current_tenant_pg(element, compiler, **kw):
    return CURRENT_TENANT_PG


@compiles(current_tenant_id_sql)
def _current_tenant_default(element, compiler, **kw):
    return str(DEFAULT_TENANT_ID)


class TenantOwned(SQLModel):
    """Mixin of every table whose rows belong to one municipality. The database fills the column
    from the transaction's tenant, so inserts (ORM, Core or raw SQL) never name it. No foreign key:
    the policies' WITH CHECK already holds a row to the tenant its transaction names (one the
    middleware found in `tenant`), and SQLite can add a plain column to a live table in place."""

    tenant_id: int | None = Field(default=None, nullable=False, index=True,
                                  sa_column_kwargs={"server_default": current_tenant_id_sql()})


def policy_sql(table: str) -> list[str]:
    """The row-level security of one tenant-owned table (PostgreSQL). Used by the migration and by
    create_all (tests, bench), so both build the same database."""
    test = CURRENT_TENANT_PG
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"',
        f'CREATE POLICY tenant_isolation ON "{table}" USING (tenant_id = {test}) WITH CHECK (tenant_id = {test})',
    ]


def tenant_owned_tables(metadata) -> list[str]:
    return [t.name for t in metadata.sorted_tables if "tenant_id" in t.c]


@dataclass(frozen=True)
class Tenancy:
    """The tenant a unit of work runs for: its id, its host name and its centre's texts and facts."""
    id: int
    slug: str
    host: str | None
    centre: Centre


_current: ContextVar[Tenancy | None] = ContextVar("tenant", default=None)
# A process that only ever serves one tenant (SQLite, tests, a single-municipality PostgreSQL CLI run)
# may name it once; a multi-tenant web worker never does, so a path that forgot the tenant sees nothing.
_fallback: Tenancy | None = None


def current_tenancy() -> Tenancy | None:
    return _current.get() or _fallback


def current_tenant_id() -> int | None:
    tenancy = current_tenancy()
    return tenancy.id if tenancy is not None else None


@contextmanager
def use_tenant(tenancy: Tenancy) -> Iterator[Tenancy]:
    token = _current.set(tenancy)
    try:
        yield tenancy
    finally:
        _current.reset(token)


def set_fallback(tenancy: Tenancy | None) -> None:
    global _fallback
    _fallback = tenancy


class CurrentCentre:
    """The centre of the tenant the current unit of work runs for, read where one centre was read
    before (`app.state.centre`, the templates' `centre`, the notify config): `centre.name` is the
    current municipality's. Outside any tenant (start-up, an unknown host's error page) it is the
    installation's own CENTRE_FILE."""

    def __init__(self, default: Centre):
        self._default = default

    def __getattr__(self, name: str):
        tenancy = current_tenancy()
        return getattr(tenancy.centre if tenancy is not None else self._default, name)


def tell_database(dbapi_connection) -> None:
    """SET LOCAL the transaction's tenant on a PostgreSQL DBAPI connection (called as it begins;
    psycopg's own or SQLAlchemy's adapter of its async connection, whose cursor waits on the loop)."""
    tenant_id = current_tenant_id()
    if tenant_id is not None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT set_config(%s, %s, true)", (GUC, str(tenant_id)))
        finally:
            cursor.close()


def default_tenant_row_sql():
    """The first tenant, made with the schema: an installation always has one."""
    return text("INSERT INTO tenant (slug, name) VALUES ('standard', 'Standard')")
