"""Database work that can wait never runs on the event loop: a blocking query there stalls every request
of the worker, and on SQLite a write can wait for a write lock held by a request that needs this very
loop to finish (bench/crash.py found /behandling/send stalled that way). Async routes hand it to worker
threads. The one exception is by design: a read-only page (a signed-in citizen page, the list of Åben
Rådgivning sessions) reads on the loop: on SQLite because a WAL read never waits (its bookkeeping writes
go to a worker thread), on PostgreSQL through psycopg's async connection, whose queries wait on the loop
without blocking it (app.core.read_path.read_page, app.cases.citizen_session.citizen_page)."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import event

from datetime import timedelta

from sqlmodel import select

from app.cases import service as cases
from app.core.models import WebSession
from tests.conftest import START
from tests.factories.booking import ANON_FORM, make_session
from tests.factories import make_case, sign_in_citizen
from tests.factories.signed_in_pages import SIGNED_IN_PAGES, open_signed_in


def on_loop_now() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def on_loop(app) -> list[str]:
    """The SQL statements that ran in a thread with a running event loop."""
    seen: list[str] = []

    def check(conn, cursor, statement, parameters, context, executemany):
        if on_loop_now():
            seen.append(statement.split()[0].upper())

    def began(conn):
        # SQLite's BEGIN goes to the driver's connection (app.core.db), past before_cursor_execute:
        # the engine's begin event sees it, with its mode. BEGIN IMMEDIATE on the loop would wait
        # there for the write lock, stalling every request of the worker.
        if on_loop_now():
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE") if conn.dialect.name == "sqlite" else ""
            seen.append(f"BEGIN {mode}".strip())

    event.listen(app.state.engine, "before_cursor_execute", check)
    event.listen(app.state.engine, "begin", began)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", check)
    event.remove(app.state.engine, "begin", began)


@pytest.fixture
def async_reads(app) -> list[tuple[str, bool]]:
    """PostgreSQL: the read path's statements, each with whether it went through psycopg's async
    connection from the event loop's own thread (awaited there, not run in a worker thread)."""
    seen: list[tuple[str, bool]] = []
    if app.state.async_page_engine is None:
        yield seen
        return
    engine = app.state.async_page_engine.sync_engine

    def check(conn, cursor, statement, parameters, context, executemany):
        awaited = on_loop_now() and isinstance(conn.connection.driver_connection, psycopg.AsyncConnection)
        seen.append((statement.split()[0].upper(), awaited))

    event.listen(engine, "before_cursor_execute", check)
    yield seen
    event.remove(engine, "before_cursor_execute", check)


def reads_awaited_on_the_loop(async_reads) -> bool:
    return bool(async_reads) and all(awaited for _, awaited in async_reads)


def test_sending_a_treatment_request_queries_off_the_event_loop(client, on_loop):
    data = {"age": "30_plus", "area": "alcohol", "for_whom": "self", "anonymity": "anonymous",
            "message": "Jeg drikker for meget."}
    assert client.submit("/behandling/send", data).status_code == 200
    assert on_loop == []


def test_signing_in_with_a_code_queries_off_the_event_loop(client, db, clock, on_loop):
    _, code = make_case(db, now=clock.now())
    assert client.submit("/status", {"code": cases.generate_code().display}).status_code == 422
    assert client.submit("/status", {"code": code.display}).status_code == 303
    assert on_loop == []


def test_booking_queries_off_the_event_loop(client, db, clock, on_loop):
    session = make_session(db, now=clock.now())
    assert client.submit(f"/raadgivning/{session.id}", ANON_FORM).status_code == 200
    assert on_loop == []


def test_min_side_never_writes_on_the_event_loop_and_its_writes_still_happen(client, db, clock, settings, on_loop,
                                                                            async_reads):
    case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    session_id = db.exec(select(WebSession.id).where(WebSession.case_id == case.id)).one()
    clock.advance(minutes=5)  # past the touch interval: this view writes the session's last-seen time
    assert client.get("/min-side").status_code == 200
    clock.advance(minutes=settings.citizen_idle_minutes + 1)  # past the idle timeout: this view ends it
    response = client.get("/min-side", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/status"
    db.rollback()  # a fresh snapshot
    row = db.get(WebSession, session_id)
    assert row.last_seen_at == START + timedelta(minutes=5) and row.ended_at == clock.now()
    assert not [s for s in on_loop if s.startswith(("UPDATE", "INSERT", "DELETE", "BEGIN IMMEDIATE"))], on_loop
    if db.get_bind().dialect.name == "sqlite":
        assert "SELECT" in on_loop  # the reads did run here: no thread-pool crossing
    else:
        assert reads_awaited_on_the_loop(async_reads), async_reads  # the writes too: they await a lock


def test_the_session_list_reads_on_the_loop_and_never_writes_there_on_sqlite(client, db, clock, on_loop, async_reads):
    make_session(db, now=clock.now())
    response = client.get("/raadgivning")
    assert response.status_code == 200 and "Ledige pladser" in response.text
    assert not [s for s in on_loop if s not in ("SELECT", "BEGIN DEFERRED")], on_loop
    if db.get_bind().dialect.name == "sqlite":
        assert on_loop == ["BEGIN DEFERRED", "SELECT"]  # one read, here: no thread-pool crossing
    else:
        # Every query is a network round trip: awaited on the loop through the async driver.
        assert on_loop == [] and reads_awaited_on_the_loop(async_reads), async_reads


# The plan pages were the first written this way; every signed-in page now is (tests/signed_in_pages.py).
@pytest.mark.parametrize("page", list(SIGNED_IN_PAGES))
def test_every_signed_in_page_reads_as_min_side_does(client, db, clock, on_loop, async_reads, page):
    path = open_signed_in(client, db, clock, page)
    on_loop.clear()
    assert client.get(path).status_code == 200
    if db.get_bind().dialect.name == "sqlite":
        # A deferred BEGIN (a WAL read never waits), then reads only: never the write lock here.
        assert on_loop[0] == "BEGIN DEFERRED" and on_loop[1:] and all(s == "SELECT" for s in on_loop[1:]), on_loop
    else:
        assert on_loop == [] and reads_awaited_on_the_loop(async_reads), async_reads


def test_signed_in_get_pages_are_citizen_pages(app):
    """A GET that depends on CitizenSession would read in a worker thread per dependency: one way only."""
    from app.cases.citizen_session import citizen_session
    from app.staff.access import dependency_calls
    from tests.conftest import all_routes
    gets = [route for route in all_routes(app) if "GET" in route.methods]
    assert "/min-side" in {route.path for route in gets}  # the citizen pages really are among them
    takes_session = {route.path for route in gets if citizen_session in dependency_calls(route.dependant)}
    assert takes_session == set()
