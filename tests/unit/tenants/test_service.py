"""Tenants: who may be added, and which tenant a host name reaches."""

import pytest

from app.core.config import Settings, load_centre
from app.tenants.models import Tenant
from app.tenants.service import HostMap, TenantError, add_tenant, tenancy_by_slug
from tests.conftest import PG_URL

CENTRE_TOML = Settings().centre_file.read_text(encoding="utf-8")
CENTRE = load_centre(Settings().centre_file)


def test_an_installation_starts_with_one_tenant_that_every_host_name_reaches(db):
    hosts = HostMap(CENTRE)
    hosts.refresh(db)
    assert hosts.find("rusmiddel.haderslev.dk").id == 1
    assert hosts.find("127.0.0.1:8000").id == 1
    assert tenancy_by_slug(db, None, CENTRE).slug == "standard"


def test_with_two_tenants_a_host_reaches_only_its_own_and_an_unknown_host_none(db, owner_db):
    owner_db.add(Tenant(slug="aabenraa", name="Aabenraa Kommune", host="rusmiddel.aabenraa.dk",
                  centre_toml=CENTRE_TOML.replace('municipality = "Haderslev Kommune"',
                                                  'municipality = "Aabenraa Kommune"')))
    owner_db.commit()
    hosts = HostMap(CENTRE)
    hosts.refresh(db)
    found = hosts.find("Rusmiddel.Aabenraa.dk:443")
    assert found.slug == "aabenraa" and found.centre.municipality == "Aabenraa Kommune"
    assert hosts.find("rusmiddel.haderslev.dk") is None  # the first tenant has no host name yet
    with pytest.raises(TenantError, match="--kommune"):
        tenancy_by_slug(db, None, CENTRE)
    assert tenancy_by_slug(db, "aabenraa", CENTRE).id == found.id


def test_a_host_map_reads_the_database_again_after_its_ttl(db):
    hosts = HostMap(CENTRE, ttl=60)
    assert hosts.stale()  # has read nothing yet
    hosts.refresh(db)
    assert not hosts.stale()
    hosts.ttl = 0.0
    assert hosts.stale()


if PG_URL:
    def test_the_portals_own_database_role_cannot_add_a_tenant(db):
        from sqlalchemy.exc import ProgrammingError
        with pytest.raises(ProgrammingError, match="permission denied"):
            add_tenant(db, slug="aabenraa", name="Aabenraa Kommune", host="rusmiddel.aabenraa.dk",
                       centre_toml=CENTRE_TOML)

    def test_a_tenant_needs_a_valid_short_name_host_name_and_centre_file(owner_db):
        db = owner_db
        for slug, host, centre, message in (
            ("Å", "rusmiddel.aabenraa.dk", CENTRE_TOML, "kortnavnet"),
            ("aabenraa", "not a host", CENTRE_TOML, "værtsnavnet"),
            ("aabenraa", "rusmiddel.aabenraa.dk", "name = 'only'", "centerfilen"),
            ("aabenraa", "rusmiddel.aabenraa.dk", "= broken", "centerfilen"),
        ):
            with pytest.raises(TenantError, match=message):
                add_tenant(db, slug=slug, name="Aabenraa Kommune", host=host, centre_toml=centre)
        tenant = add_tenant(db, slug="aabenraa", name="Aabenraa Kommune", host="Rusmiddel.Aabenraa.DK",
                            centre_toml=CENTRE_TOML)
        assert tenant.host == "rusmiddel.aabenraa.dk"
        with pytest.raises(TenantError, match="findes allerede"):
            add_tenant(db, slug="other", name="X", host="rusmiddel.aabenraa.dk", centre_toml=CENTRE_TOML)
else:
    def test_sqlite_keeps_a_single_tenant(db):
        with pytest.raises(TenantError, match="PostgreSQL"):
            add_tenant(db, slug="aabenraa", name="Aabenraa Kommune", host="rusmiddel.aabenraa.dk",
                       centre_toml=CENTRE_TOML)
