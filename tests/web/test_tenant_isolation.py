"""Municipalities on one PostgreSQL installation see nothing of each other: checked with raw SQL as
the portal's own database role (row-level security, not the app, separates them) and over HTTP on
every route the app has, as staff and as a citizen of the other municipality."""

import re

import psycopg
import pytest
from sqlalchemy import text

from app.core.config import Settings
from app.core.tenancy import tenant_owned_tables, use_tenant
from app.demo import load_demo
from app.house import house
from app.tenants.service import add_tenant, tenancy_of
from tests.conftest import APP_ROLE, PG_URL, PortalClient, all_routes, app_role_url
from tests.factories import make_case, make_staff, sign_in_citizen, sign_in_staff

A_HOST, B_HOST = "testserver", "rusmiddel.aabenraa.dk"
CENTRE_TOML = Settings().centre_file.read_text(encoding="utf-8").replace("Haderslev", "Aabenraa").replace(
    "haderslev", "aabenraa")
# Rows a request writes about itself whatever it is refused (the refusal's own log line is B's).
CHANGING = {"web_session", "access_log"}


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def tenants(owner_db, db, settings, clock):
    """Haderslev (tenant 1, with the demo data and a citizen's case) and Aabenraa (tenant 2, empty)."""
    owner_db.execute(text("UPDATE tenant SET host = :h, name = 'Haderslev Kommune' WHERE id = 1"), {"h": A_HOST})
    b = add_tenant(owner_db, slug="aabenraa", name="Aabenraa Kommune", host=B_HOST, centre_toml=CENTRE_TOML)
    owner_db.commit()
    for _ in load_demo(settings, clock):
        pass
    case, code = make_case(db, now=clock.now(), anonymous=False, full_name="Astrid Haderslevsen")
    return {"b": tenancy_of(b, None), "a_case": case, "a_code": code}


def _markers(owner_db) -> set[str]:
    """Texts only tenant 1's rows hold: names, pseudonyms, message bodies."""
    rows = owner_db.execute(text(
        "SELECT pseudonym FROM citizen_case WHERE tenant_id = 1 UNION "
        "SELECT full_name FROM citizen_case WHERE tenant_id = 1 AND full_name IS NOT NULL UNION "
        "SELECT full_name FROM staff_user WHERE tenant_id = 1 UNION "
        "SELECT left(body, 30) FROM case_message WHERE tenant_id = 1")).scalars()
    markers = {m for m in rows if m and len(m) >= 6}
    assert len(markers) > 10, markers
    return markers


def _snapshot(owner_db) -> dict:
    owner_db.rollback()
    return {table: owner_db.execute(text(f'SELECT * FROM "{table}" WHERE tenant_id = 1 ORDER BY 1')).all()
            for table in tenant_owned_tables(house().metadata) if table not in CHANGING}


def _urls(path: str) -> list[str]:
    return [re.sub(r"\{[^}]+\}", str(n), path) for n in (1, 2, 3)] if "{" in path else [path]


def _visit_every_route(client, app, *, prefix_staff: bool, markers: set[str]) -> int:
    visited = 0
    for route in all_routes(app):
        if route.path.startswith("/personale") != prefix_staff or "log-ud" in route.path:
            continue  # (signing out would leave the rest of the routes to a signed-out visitor)
        for url in _urls(route.path):
            for method in route.methods & {"GET", "POST"}:
                response = client.get(url, follow_redirects=False) if method == "GET" else client.submit(url, {})
                assert response.status_code < 500, (method, url)
                leaked = [m for m in markers if m in response.text]
                assert not leaked, (method, url, leaked)
                visited += 1
    return visited


if PG_URL:
    def test_row_security_is_forced_on_every_tenant_owned_table_and_the_app_role_owns_none(owner_db):
        tables = tenant_owned_tables(house().metadata)
        assert len(tables) > 30
        rows = owner_db.execute(text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) "
            "FROM pg_class c WHERE c.relkind = 'r' AND c.relname = ANY(:t)"), {"t": tables}).all()
        assert {r[0] for r in rows} == set(tables)
        assert all(r[1] and r[2] for r in rows), [r[0] for r in rows if not (r[1] and r[2])]
        assert APP_ROLE not in {r[3] for r in rows}
        assert owner_db.execute(text("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = :r"),
                                {"r": APP_ROLE}).scalar() is False

    def test_raw_sql_as_the_app_role_sees_and_writes_only_the_tenant_its_transaction_names(tenants):
        with psycopg.connect(_pg_dsn(app_role_url(PG_URL))) as conn:
            count = "SELECT count(*) FROM citizen_case"
            assert conn.execute(count).fetchone()[0] == 0  # no tenant set: nothing
            conn.rollback()
            conn.execute("SELECT set_config('app.tenant', '1', true)")
            own = conn.execute(count).fetchone()[0]
            assert own > 1
            conn.rollback()
            assert conn.execute(count).fetchone()[0] == 0  # SET LOCAL ended with its transaction
            conn.rollback()
            conn.execute("SELECT set_config('app.tenant', %s, true)", (str(tenants["b"].id),))
            assert conn.execute(count).fetchone()[0] == 0
            assert conn.execute("UPDATE citizen_case SET full_name = 'x'").rowcount == 0
            assert conn.execute("DELETE FROM case_message").rowcount == 0
            conn.rollback()
            conn.execute("SELECT set_config('app.tenant', %s, true)", (str(tenants["b"].id),))
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("INSERT INTO staff_user (tenant_id, username, first_name, full_name, role, "
                             "password_hash, active, created_at, password_changed_at) VALUES (1, 'x', 'x', 'x', "
                             "'admin', 'x', true, now(), now())")
            conn.rollback()
            conn.execute("SELECT set_config('app.tenant', '1', true)")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("UPDATE citizen_case SET tenant_id = %s", (tenants["b"].id,))
            conn.rollback()
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO tenant (slug, name) VALUES ('evil', 'Evil')")

    def test_a_host_no_municipality_uses_reaches_nothing(tenants, app):
        with PortalClient(app, base_url="http://rusmiddel.example.dk") as client:
            response = client.get("/status")
            assert response.status_code == 404
            assert response.headers["x-content-type-options"] == "nosniff"
            assert client.get("/healthz/live").status_code == 200  # load balancers probe by address

    def test_each_host_shows_its_own_municipality(tenants, app):
        with PortalClient(app, base_url=f"http://{B_HOST}") as b, PortalClient(app, base_url=f"http://{A_HOST}") as a:
            assert "Aabenraa Kommune" in b.get("/").text and "Haderslev Kommune" not in b.get("/").text
            assert "Haderslev Kommune" in a.get("/").text

    def test_a_personal_code_from_one_municipality_never_opens_a_case_in_another(tenants, app):
        code = tenants["a_code"]
        with PortalClient(app, base_url=f"http://{B_HOST}") as b:
            response = b.submit("/status", {"code": code.display})
            assert response.status_code != 303 and "Astrid" not in response.text
            assert b.get("/min-side", follow_redirects=False).status_code == 303
        with PortalClient(app, base_url=f"http://{A_HOST}") as a:
            sign_in_citizen(a, code)
            assert a.get("/min-side", follow_redirects=False).status_code == 200

    def test_a_username_is_per_municipality_and_signs_in_only_at_its_own(tenants, app, db):
        db.commit()
        with use_tenant(tenants["b"]):
            b_admin = make_staff(db, role="admin", username="admin", first_name="Birgit")  # A has an "admin" too
        db.commit()
        with PortalClient(app, base_url=f"http://{A_HOST}") as a:
            from tests.factories import PASSWORD
            assert a.submit("/personale/log-ind", {"username": "admin", "password": PASSWORD}).status_code != 303
        with PortalClient(app, base_url=f"http://{B_HOST}") as b:
            sign_in_staff(b, b_admin)
            assert b.get("/personale/indbakke").status_code == 200

    def test_staff_of_one_municipality_reach_nothing_of_another_on_any_route(tenants, app, db, owner_db):
        markers, before = _markers(owner_db), _snapshot(owner_db)
        db.commit()
        with use_tenant(tenants["b"]):
            b_admin = make_staff(db, role="admin", username="b-admin", first_name="Birgit")
        db.commit()
        with PortalClient(app, base_url=f"http://{B_HOST}") as b:
            sign_in_staff(b, b_admin)
            assert _visit_every_route(b, app, prefix_staff=True, markers=markers) > 100
        assert _snapshot(owner_db) == before

    def test_a_citizen_of_one_municipality_reaches_nothing_of_another_on_any_route(tenants, app, db, owner_db, clock):
        markers, before = _markers(owner_db), _snapshot(owner_db)
        db.commit()
        with use_tenant(tenants["b"]):
            _case, b_code = make_case(db, now=clock.now())
        with PortalClient(app, base_url=f"http://{B_HOST}") as b:
            sign_in_citizen(b, b_code)
            assert _visit_every_route(b, app, prefix_staff=False, markers=markers) > 60
        assert _snapshot(owner_db) == before
