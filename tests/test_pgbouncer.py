"""pgbouncer in transaction mode (tests/factories/pgbouncer.py) in front of the test PostgreSQL: why
the portal must scope per-request settings with SET LOCAL (set_config(..., true)), and what the
app's engine needs to work through it at all.

With a pool of one server connection every client's transactions run on the same backend, one after
the other: what a transaction leaves on the session is met by the next client. PostgreSQL only;
outside CI a machine without pgbouncer skips it (under CI=true that is a failure, scripts/test
installs Debian's package).
"""

from __future__ import annotations

import os
import threading

import httpx
import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.core.db import make_engine
from app.main import create_app
from tests.conftest import PG_URL, form_token
from tests.factories import make_case
from tests.factories import pgbouncer as bouncer
from tests.factories.servers import thread_server

if not PG_URL:
    pytest.skip("PostgreSQL only (TEST_DATABASE_URL)", allow_module_level=True)
if not bouncer.available():
    if os.environ.get("CI") == "true":
        raise RuntimeError("pgbouncer is required when CI=true (apt-get install pgbouncer; scripts/test does)")
    pytest.skip("pgbouncer not installed (apt-get install pgbouncer)", allow_module_level=True)


@pytest.fixture
def one_server_connection(pg_engine):
    with bouncer.pgbouncer(PG_URL, pool_size=1) as url:
        yield url


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def _tenant_and_backend(conn: psycopg.Connection) -> tuple[str | None, int]:
    return conn.execute("SELECT current_setting('app.tenant', true), pg_backend_pid()").fetchone()


def test_a_transaction_local_setting_ends_with_its_transaction_and_is_not_seen_by_the_next_client(
        one_server_connection):
    a, b = _connect(one_server_connection), _connect(one_server_connection)
    try:
        with a.transaction():
            assert a.execute("SELECT set_config('app.tenant', '7', true)").fetchone() == ("7",)
            tenant_a, backend_a = _tenant_and_backend(a)
            assert tenant_a == "7"
            assert a.execute("SELECT 1").fetchone() == (1,)  # still set later in the transaction
            assert _tenant_and_backend(a)[0] == "7"
        with b.transaction():
            tenant_b, backend_b = _tenant_and_backend(b)
        assert backend_b == backend_a, "both clients share the one server connection"
        # '' rather than NULL: the backend now knows the placeholder, but its value went with the
        # transaction that set it.
        assert tenant_b in (None, "")
        with a.transaction():  # a's next transaction starts clean too
            assert _tenant_and_backend(a)[0] in (None, "")
    finally:
        a.close()
        b.close()


def test_a_session_level_set_leaks_to_the_next_client_on_the_same_server_connection(one_server_connection):
    a, b = _connect(one_server_connection), _connect(one_server_connection)
    try:
        with a.transaction():
            a.execute("SET app.tenant = '7'")  # what the portal must never do behind pgbouncer
            _, backend_a = _tenant_and_backend(a)
        with b.transaction():
            tenant_b, backend_b = _tenant_and_backend(b)
        assert backend_b == backend_a
        assert tenant_b == "7", "the other client's transaction sees tenant 7"
    finally:
        with a.transaction():
            a.execute("RESET app.tenant")  # the shared backend back as it was
        a.close()
        b.close()


def test_psycopgs_prepared_statements_collide_through_pgbouncer_unless_switched_off(one_server_connection):
    """psycopg 3 prepares a statement on the server after 5 runs (prepare_threshold), naming it
    _pg3_0, _pg3_1… per client connection; in transaction mode two client connections meet on one
    backend and the second PREPARE of _pg3_0 fails (pgbouncer 1.18 cannot track them; 1.21+ can
    with max_prepared_statements, off in the factory). With prepare_threshold=None nothing is
    prepared and the same work succeeds."""
    engine = make_engine(one_server_connection)  # the app's own engine, unchanged
    try:
        # (SQLAlchemy's ProgrammingError, or psycopg's own from the SET LOCAL of the tenant as the
        # transaction begins: app.core.db.make_engine)
        with pytest.raises((ProgrammingError, psycopg.errors.DuplicatePreparedStatement), match="_pg3_0"):
            with engine.connect() as a, engine.connect() as b:
                for i in range(6):
                    for conn in (a, b):  # each statement its own transaction: both get the backend
                        conn.execute(text("SELECT CAST(:i AS integer) + 1"), {"i": i})
                        conn.commit()
    finally:
        engine.dispose()
    engine = make_engine(one_server_connection)
    event.listen(engine, "connect", _no_server_side_prepare)
    try:
        with engine.connect() as a, engine.connect() as b:
            for i in range(20):
                for conn in (a, b):
                    assert conn.execute(text("SELECT CAST(:i AS integer) + 1"), {"i": i}).scalar_one() == i + 1
                    conn.commit()
    finally:
        engine.dispose()


def _no_server_side_prepare(dbapi_connection, _record) -> None:
    dbapi_connection.prepare_threshold = None


def test_the_portal_serves_pages_and_signs_citizens_in_through_pgbouncer(settings, db, clock, pg_engine):
    """create_app on a pgbouncer URL (two server connections for the app's many client connections),
    psycopg's server-side prepared statements off, a live server and six browsers at once: the front
    page, the database health check and each citizen's code sign-in to Min side, many times over, so
    every statement is far past psycopg's prepare threshold. (The engine as make_engine builds it
    today, prepare_threshold 5, got 500s and reset connections in the same run: README, "pgbouncer".)"""
    codes = [make_case(db, now=clock.now(), anonymous=False, full_name=f"Borger Nummer{i}")[1] for i in range(6)]
    failures: list[str] = []
    # As the role row-level security binds (settings.database_url): Min side shows the citizen's case
    # only if every transaction's SET LOCAL of the tenant reached the server connection it ran on.
    with bouncer.pgbouncer(settings.database_url, pool_size=2) as url:
        app = create_app(settings.with_(database_url=f"{url}?prepare_threshold=none"), clock=clock)
        try:
            with thread_server(app) as base:
                def browser(code):
                    try:
                        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
                            form = client.get("/status")
                            signed_in = client.post("/status", data={"csrf_token": form_token(form.text),
                                                                     "code": code.display})
                            assert signed_in.status_code == 303, signed_in.status_code
                            for _ in range(8):
                                assert client.get("/").status_code == 200
                                assert client.get("/healthz").json() == {"status": "ok"}
                                page = client.get("/min-side")
                                assert page.status_code == 200 and 'action="/min-side/log-ud"' in page.text
                    except Exception as exc:  # reported below, with the others
                        failures.append(repr(exc))

                threads = [threading.Thread(target=browser, args=(code,)) for code in codes]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=60)
            assert failures == []
            with app.state.engine.connect() as conn:  # and it really went through pgbouncer
                server_port = conn.execute(text("SELECT inet_server_port()")).scalar_one()
            assert server_port == make_url(PG_URL).port and app.state.engine.url.port == make_url(url).port
            assert make_url(url).port != server_port
        finally:
            app.state.engine.dispose()
