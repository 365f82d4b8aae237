"""The read path: a GET page that only reads (and may write_aside) runs as one piece of sync work.

A signed-in citizen page reaches it through app.cases.citizen_session.citizen_page; a page open to
everyone (the list of Åben Rådgivning sessions) calls read_page itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.core.db import DEFERRED_WRITES, PAGE_CONNECTION, run_writes_aside

T = TypeVar("T")
ReadPageWork = Callable[[Request, Session, datetime], T]


async def read_page(request: Request, work: ReadPageWork) -> T:
    """A GET page that only reads (and may write_aside): queries and rendering as one piece of sync work.

    Written as `def` routes with the DB dependency (and CitizenSession), a page crossed to the thread
    pool for each sync dependency and again for the route. Under load each crossing cost more CPU
    than the page itself (GIL hand-overs between the event loop and the worker: about 2 ms a
    request at 32 connections; bench/README.md). So:

    - On SQLite the reads run right here on the event loop. Reading is an in-process call of
      microseconds that never waits for a lock (WAL: readers see a snapshot). Writing may wait for
      the write lock, possibly held by a request that needs this very loop to finish, so the page's
      bookkeeping writes (write_aside: a session's last-seen time, its end) are collected and run
      afterwards in a worker thread.
    - On PostgreSQL every query is a network round trip. The page runs on the event loop too, through
      psycopg's async connection (app.core.db.make_async_page_engine): SQLAlchemy's run_sync runs the
      sync page in a greenlet and each query waits on the loop, so no worker thread is held while
      the database answers (it was one thread-pool call per page; bench/README.md "Issue 20").
      Under the same DbSlots bound as get_db.

    Rendering happens inside the work, so a template may still load what it shows lazily."""
    state = request.app.state
    now = state.clock.now()
    if state.async_page_engine is not None:
        async with state.db_slots():
            async with state.async_page_engine.connect() as connection, connection.begin():
                return await connection.run_sync(_page_on, request, now, work, None)
    writes: list = []
    try:
        return _read_page_work(request, now, work, writes)
    finally:
        if writes:
            await run_in_threadpool(run_writes_aside, state.engine, writes)


def _read_page_work(request: Request, now: datetime, work: ReadPageWork, writes: list | None) -> T:
    with request.app.state.page_engine.connect() as connection, connection.begin():
        return _page_on(connection, request, now, work, writes)


def _page_on(connection: Connection, request: Request, now: datetime, work: ReadPageWork, writes: list | None) -> T:
    # An ORM session on the page's connection that stays idle unless a panel needs it: the page's
    # own reads go to the connection (app.core.db.connection_of). A session that opened the
    # connection itself cost about 50 µs more a request.
    with Session(bind=connection, expire_on_commit=False) as db:
        db.info[PAGE_CONNECTION] = connection
        if writes is not None:
            db.info[DEFERRED_WRITES] = writes
        return work(request, db, now)
