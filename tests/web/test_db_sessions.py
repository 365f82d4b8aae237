"""Request sessions: bounded in number, cheap for reads, and session activity written sparingly."""

import asyncio
import threading
from datetime import timedelta

import httpx
from sqlalchemy import event
from sqlmodel import select

from app.core.models import WebSession
from app.main import create_app
from tests.factories import make_case, sign_in_citizen


def test_no_more_request_sessions_hold_connections_than_db_concurrency(settings, clock):
    app = create_app(settings.with_(db_concurrency=2), clock=clock)
    out = {"now": 0, "max": 0}

    def checkout(*_):
        out["now"] += 1
        out["max"] = max(out["max"], out["now"])

    def checkin(*_):
        out["now"] -= 1

    event.listen(app.state.engine, "checkout", checkout)
    event.listen(app.state.engine, "checkin", checkin)

    async def burst():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await asyncio.gather(*(client.get("/healthz") for _ in range(30)))

    responses = []
    # A thread of its own: Playwright's tests may leave an event loop running in this one.
    runner = threading.Thread(target=lambda: responses.extend(asyncio.run(burst())))
    try:
        runner.start()
        runner.join(60)
    finally:
        app.state.engine.dispose()
    assert [r.status_code for r in responses] == [200] * 30
    assert 1 <= out["max"] <= 2


def test_last_seen_is_written_at_most_once_a_minute_and_idle_timeout_still_holds(client, db, clock, settings):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    signed_in_at = clock.now()

    def last_seen():
        db.rollback()
        return db.exec(select(WebSession.last_seen_at)).one()

    clock.advance(seconds=30)
    assert client.get("/min-side").status_code == 200
    assert last_seen() == signed_in_at  # a view within a minute writes nothing
    # Someone active every 30 seconds stays signed in well past the idle timeout...
    for _ in range(2 * settings.citizen_idle_minutes + 10):
        clock.advance(seconds=30)
        assert client.get("/min-side", follow_redirects=False).status_code == 200
    assert clock.now() - last_seen() <= timedelta(seconds=60)
    # ...and is signed out once idle for longer than it.
    clock.advance(minutes=settings.citizen_idle_minutes, seconds=1)
    response = client.get("/min-side", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/status"
