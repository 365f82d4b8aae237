"""A municipality served by this installation (a tenant). Not itself tenant-owned: a request reads it
to learn whose it is, before any tenant is set."""

from __future__ import annotations

from sqlalchemy import DDL, event
from sqlmodel import Field, SQLModel

from app.core.tenancy import default_tenant_row_sql, policy_sql, tenant_owned_tables


class Tenant(SQLModel, table=True):
    __tablename__ = "tenant"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)  # short and stable: `--kommune aabenraa`
    name: str = Field(max_length=120)  # "Aabenraa Kommune"
    # The host name its citizens and staff use; None only for the first tenant of an installation
    # that serves one municipality under any name.
    host: str | None = Field(default=None, max_length=253, unique=True)
    # The centre's texts and facts as TOML (app/centre/*.toml); None: the installation's CENTRE_FILE.
    centre_toml: str | None = Field(default=None)


# create_all (tests, bench) makes the first tenant as the migration does.
event.listen(Tenant.__table__, "after_create", DDL(str(default_tenant_row_sql())))


def _row_security(metadata, connection, **kw) -> None:
    """create_all on PostgreSQL gets the same row-level security as a migrated database."""
    if connection.dialect.name != "postgresql":
        return
    created = {t.name for t in kw.get("tables") or metadata.sorted_tables}
    for table in tenant_owned_tables(metadata):
        if table in created:
            for sql in policy_sql(table):
                connection.exec_driver_sql(sql)


event.listen(SQLModel.metadata, "after_create", _row_security)
