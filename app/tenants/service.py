"""Creating tenants and finding the one a request or a job runs for."""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from app.core.config import Centre, centre_from_toml
from app.core.tenancy import Tenancy, use_tenant
from app.tenants.models import Tenant

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class TenantError(ValueError):
    pass


def add_tenant(db: Session, *, slug: str, name: str, host: str, centre_toml: str) -> Tenant:
    """A new municipality. Only the installation's operator (the national super-admin, holding the
    schema owner's credentials) can: the portal's own database role may read tenants, not write them."""
    if db.get_bind().dialect.name == "sqlite":
        raise TenantError("SQLite har kun én kommune: flere kommuner kræver PostgreSQL")
    slug, host, name = slug.strip().lower(), host.strip().lower(), name.strip()
    if not SLUG.match(slug):
        raise TenantError("kortnavnet må kun have små bogstaver, tal og bindestreg (3–40 tegn)")
    if not HOST.match(host):
        raise TenantError("værtsnavnet er ikke et gyldigt domænenavn")
    if not name:
        raise TenantError("skriv kommunens navn")
    try:
        centre_from_toml(centre_toml)
    except (tomllib.TOMLDecodeError, TypeError) as exc:
        raise TenantError(f"centerfilen kan ikke bruges: {exc}") from exc
    if db.exec(select(Tenant.id).where((Tenant.slug == slug) | (Tenant.host == host))).first():
        raise TenantError("en kommune med det kortnavn eller værtsnavn findes allerede")
    tenant = Tenant(slug=slug, name=name, host=host, centre_toml=centre_toml)
    db.add(tenant)
    db.flush()
    return tenant


def tenancy_of(tenant: Tenant, default_centre: Centre) -> Tenancy:
    centre = centre_from_toml(tenant.centre_toml) if tenant.centre_toml else default_centre
    return Tenancy(id=tenant.id, slug=tenant.slug, host=tenant.host, centre=centre)


def all_tenancies(db: Session, default_centre: Centre) -> list[Tenancy]:
    return [tenancy_of(t, default_centre) for t in db.exec(select(Tenant).order_by(Tenant.id)).scalars()]


def tenancy_by_slug(db: Session, slug: str | None, default_centre: Centre) -> Tenancy:
    """The tenant a CLI command runs for: the one named, or the only one there is."""
    tenancies = all_tenancies(db, default_centre)
    if slug:
        for tenancy in tenancies:
            if tenancy.slug == slug:
                return tenancy
        raise TenantError(f"ingen kommune med kortnavnet {slug!r}")
    if len(tenancies) != 1:
        raise TenantError("der er flere kommuner: vælg én med --kommune")
    return tenancies[0]


@dataclass
class HostMap:
    """Host name → tenant, read from the database at most every `ttl` seconds (tenants are added
    rarely; every worker on every machine sees a new one within the ttl). With one tenant, every
    host name is that tenant's, so a single-municipality installation needs no host configured."""

    default_centre: Centre
    ttl: float = 30.0
    _by_host: dict | None = None
    _only: Tenancy | None = None
    _read_at: float = 0.0

    def ready(self) -> bool:
        """It has been read at least once (it may be stale)."""
        return self._by_host is not None

    def stale(self) -> bool:
        return self._by_host is None or time.monotonic() - self._read_at > self.ttl

    def refresh(self, db: Session) -> None:
        tenancies = all_tenancies(db, self.default_centre)
        self._by_host = {t.host: t for t in tenancies if t.host}
        self._only = tenancies[0] if len(tenancies) == 1 else None
        self._read_at = time.monotonic()

    def find(self, host: str) -> Tenancy | None:
        if self._only is not None:
            return self._only
        return (self._by_host or {}).get(host.split(":", 1)[0].lower())


def each_tenant(engine, default_centre: Centre):
    """Run the loop body once for every tenant, inside that tenant (the jobs runner, the purge):
    row-level security shows each pass its own municipality's rows only."""
    with Session(engine) as db:
        tenancies = all_tenancies(db, default_centre)
    for tenancy in tenancies:
        with use_tenant(tenancy):
            yield tenancy
