"""Database work never runs on the event loop: a blocking query there stalls every request of the worker,
and on SQLite it can wait for a write lock held by a request that needs this very loop to finish
(bench/crash.py found /behandling/send stalled that way). Async routes hand it to worker threads."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from app.cases import service as cases
from tests.booking_support import ANON_FORM, make_session
from tests.factories import make_case


@pytest.fixture
def on_loop(app) -> list[str]:
    """The SQL statements that ran in a thread with a running event loop."""
    seen: list[str] = []

    def check(conn, cursor, statement, parameters, context, executemany):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        seen.append(statement.split()[0])

    event.listen(app.state.engine, "before_cursor_execute", check)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", check)


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
