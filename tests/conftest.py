"""Shared fixtures: a fresh database per test (SQLite file, or PostgreSQL when TEST_DATABASE_URL is
set), an injected clock, the app, and a TestClient that knows how to send CSRF tokens."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.house import house
from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.db import make_engine
from app.core.web import CSRF_COOKIE
from app.main import create_app

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday, 10.00 in Copenhagen


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL.rsplit('@', 1)[-1] if PG_URL else 'SQLite (file per test)'}"


# On PostgreSQL the app and the tests' own sessions connect as a role that owns no table, as in
# production: row-level security binds it (app.core.tenancy). The schema is the superuser's.
APP_ROLE = "rp_app"


def app_role_url(url: str, role: str = APP_ROLE) -> str:
    from app.tenants.cli import role_url
    return role_url(url, role)


@pytest.fixture(autouse=True, scope="session")
def one_tenant():
    """Tests run for the first tenant unless they say otherwise (app.core.tenancy.use_tenant): the
    fallback a single-municipality process has. Requests still find theirs from the Host header."""
    from app.core.tenancy import DEFAULT_TENANT_ID, Tenancy, set_fallback
    from app.core.config import load_centre
    set_fallback(Tenancy(DEFAULT_TENANT_ID, "standard", None, load_centre(Settings().centre_file)))
    yield
    set_fallback(None)


@pytest.fixture(scope="session")
def pg_engine():
    if not PG_URL:
        yield None
        return
    from app.tenants.cli import ensure_portal_role
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    house().metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) PRIMARY KEY)"))
        ensure_portal_role(conn, APP_ROLE)
    yield engine
    engine.dispose()


def empty_pg_database(pg_engine) -> str:
    """The session's PostgreSQL schema emptied (its first tenant made again, as create_all makes it);
    the URL the app connects with: the role row-level security binds."""
    from app.core.tenancy import default_tenant_row_sql
    tables = ", ".join(f'"{t.name}"' for t in house().metadata.sorted_tables)
    with pg_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(default_tenant_row_sql())
    return app_role_url(PG_URL)


@pytest.fixture
def database_url(tmp_path, pg_engine) -> str:
    if pg_engine is not None:
        return empty_pg_database(pg_engine)
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(url)
    house().metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url) -> Settings:
    # No pause before a throttled answer (tests/web/public/test_status.py checks it with its own), and
    # no hourly cap on new cases from the tests' one address (tests/web/public/test_request_flood.py
    # checks the app's default).
    return Settings(environment="test", secret_key="test-secret", database_url=database_url,
                    throttle_base_seconds=1.0, throttle_pause_seconds=0.0, new_cases_per_connection_hour=10_000)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app(settings, clock):
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def db(app, settings):
    """A session for arranging and checking. Commit to make your rows visible to the app; call
    db.rollback() before re-reading rows the app changed (a read opens a snapshot). Its SQLite
    transactions are deferred, so a test holding one open never blocks the app's writers."""
    engine = make_engine(settings.database_url, immediate=False)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def owner_db(database_url, pg_engine):
    """A session as the schema's owner (the operator adding tenants; on PostgreSQL a superuser, which
    row-level security does not bind: it sees every tenant's rows)."""
    engine = pg_engine if pg_engine is not None else make_engine(database_url, immediate=False)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    if pg_engine is None:
        engine.dispose()


class PortalClient(TestClient):
    """TestClient that fills in the CSRF token the way a rendered form would."""

    def csrf(self) -> str:
        if CSRF_COOKIE not in self.cookies:
            self.get("/healthz")
        return self.app.state.signer.csrf_token(self.cookies[CSRF_COOKIE])

    def submit(self, url: str, data: dict | None = None, **kwargs):
        payload = {"csrf_token": self.csrf(), **(data or {})}
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def client(app) -> PortalClient:
    with PortalClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def make_client(app):
    """More than one browser in a test (e.g. a citizen and a member of staff)."""
    clients = []

    def factory() -> PortalClient:
        c = PortalClient(app, base_url="http://testserver")
        c.__enter__()
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.__exit__(None, None, None)


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def all_routes(app) -> list:
    """Every HTML APIRoute the house gives the app; never empty, so a loop over it proves something."""
    from fastapi.routing import APIRoute
    routes = [route for router in app.state.house.html_routers for route in router.routes
              if isinstance(route, APIRoute)]
    assert len(routes) > 50, f"only {len(routes)} routes found: the house lost its routers"
    return routes


@pytest.fixture
def sf1601(app, settings):
    """A local SF1601 stand-in, and notify configured to send Digital Post to it (tests/factories/digital_post.py).
    Depends on app: create_app() configures notify too, and must not undo this."""
    from app.notify import config as notify_config
    from tests.factories.digital_post import digital_post_on, start_stub
    stub, server = start_stub()
    stub.config = digital_post_on(settings, stub)
    yield stub
    notify_config._current = None
    server.shutdown()
    server.server_close()
