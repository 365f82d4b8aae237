"""`python -m app tenants add|list` (the national operator) and `python -m app db-grant ROLE`.

Both need the schema owner's credentials (MIGRATION_DATABASE_URL, else DATABASE_URL): the portal's
own role reads tenants but cannot add them, and cannot change its own grants."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from app.core.config import get_settings
from app.core.db import make_engine, transaction


def _owner_engine():
    settings = get_settings()
    return make_engine(settings.migration_database_url or settings.database_url)


def cmd_tenants_add(args) -> int:
    from app.tenants.service import TenantError, add_tenant
    try:
        centre_toml = Path(args.centre_file).read_text(encoding="utf-8")
    except OSError as exc:
        print(f"Fejl: centerfilen kan ikke læses ({exc.strerror})", file=sys.stderr)
        return 2
    engine = _owner_engine()
    try:
        with transaction(engine) as db:
            tenant = add_tenant(db, slug=args.slug, name=args.name, host=args.host, centre_toml=centre_toml)
            print(f"Oprettet: {tenant.slug} ({tenant.name}) på {tenant.host}, nummer {tenant.id}")
    except TenantError as err:
        print(f"Fejl: {err}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def cmd_tenants_list(args) -> int:
    from sqlmodel import Session, select

    from app.tenants.models import Tenant
    engine = _owner_engine()
    try:
        with Session(engine) as db:
            for tenant in db.exec(select(Tenant).order_by(Tenant.id)):
                print(f"{tenant.id}\t{tenant.slug}\t{tenant.host or '(alle værtsnavne)'}\t{tenant.name}")
    finally:
        engine.dispose()
    return 0


def grant_sql(role: str) -> list[str]:
    """What the portal's role may do: read and write every tenant-owned row (row-level security
    decides which), read tenants. It owns nothing, so FORCE ROW LEVEL SECURITY binds it and it
    cannot alter a policy."""
    quoted = '"' + role.replace('"', '""') + '"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE ON tenant FROM {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]


def ensure_portal_role(conn, role: str) -> None:
    """As the owner: the portal's login role, made if missing, with grant_sql's rights. Not a
    superuser and without BYPASSRLS, so row-level security binds it (the tests and the bench use it)."""
    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS'))
    for sql in grant_sql(role):
        conn.execute(text(sql))


def role_url(url: str, role: str) -> str:
    """The same database URL, connecting as `role` (no password: the local cluster trusts it)."""
    parsed = make_url(url)
    return URL.create(parsed.drivername, username=role, host=parsed.host, port=parsed.port,
                      database=parsed.database, query=parsed.query).render_as_string(hide_password=False)


def cmd_db_grant(args) -> int:
    engine = _owner_engine()
    try:
        if engine.dialect.name != "postgresql":
            print("Kun på PostgreSQL: SQLite har ingen roller.", file=sys.stderr)
            return 2
        with engine.begin() as conn:
            for sql in grant_sql(args.role):
                conn.execute(text(sql))
        print(f"Rollen {args.role} har nu portalens rettigheder.")
    finally:
        engine.dispose()
    return 0


def add_tenant_commands(sub) -> None:
    tenants = sub.add_parser("tenants", help="the municipalities this installation serves")
    verbs = tenants.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="add a municipality (needs the schema owner's credentials)")
    add.add_argument("--slug", required=True, help="short name, e.g. aabenraa")
    add.add_argument("--name", required=True, help='e.g. "Aabenraa Kommune"')
    add.add_argument("--host", required=True, help="the host name its citizens use")
    add.add_argument("--centre-file", required=True, help="the centre's TOML file (as app/centre/haderslev.toml)")
    add.set_defaults(func=cmd_tenants_add)
    verbs.add_parser("list", help="list the municipalities").set_defaults(func=cmd_tenants_list)
    grant = sub.add_parser("db-grant", help="give a PostgreSQL role the portal's rights (run as the owner)")
    grant.add_argument("role")
    grant.set_defaults(func=cmd_db_grant)
