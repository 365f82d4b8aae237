"""FastAPI dependencies every route uses: the per-request transaction (DB, WaitingDB, DbSlots), settings and clock.

Elsewhere, by concern: CSRF in app.core.csrf, the read path of GET pages in app.core.read_path,
throttle policies and the client key in app.core.throttle, the citizen's session in
app.cases.citizen_session, the staff member's in app.staff.session."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from sqlmodel import Session

from app.core.clock import Clock
from app.core.config import Centre, Settings


class DbSlots:
    """At most `limit` request sessions at once, per event loop (tests run several loops)."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self._by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __call__(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._by_loop.get(loop)
        if slots is None:
            slots = self._by_loop[loop] = asyncio.Semaphore(self.limit)
        return slots


@asynccontextmanager
async def _request_session(request: Request) -> AsyncIterator[Session]:
    state = request.app.state
    read_only = request.method in {"GET", "HEAD"}
    db = Session(state.read_only_engine if read_only else state.engine, expire_on_commit=False)
    try:
        yield db
        if read_only:
            db.commit()
        else:
            await run_in_threadpool(db.commit)
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed before the response is sent, rolled back on error.

    Async, so opening and closing the session costs no thread-pool hop; the queries themselves
    run in the (sync) dependencies and routes that use it, in the thread pool. GET and HEAD must
    not write (their rare bookkeeping writes go through db.write_aside), so on SQLite they read
    without taking the write lock, and their commit ends a read-only transaction: cheap enough to
    run here. Other methods commit in the thread pool (a commit that wrote may wait for the disk).
    At most db_concurrency requests hold a session at once (DbSlots)."""
    async with request.app.state.db_slots():
        async with _request_session(request) as db:
            yield db


async def get_db_unslotted(request: Request) -> AsyncIterator[Session]:
    """The same session without a DbSlots slot, for a route that spends most of its time waiting
    (argon2, a throttle pause) and ends its transaction before it waits: a slot held through those
    waits would let a flood of code guesses starve every ordinary page of slots."""
    async with _request_session(request) as db:
        yield db


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_centre(request: Request) -> Centre:
    return request.app.state.centre


async def get_clock(request: Request) -> Clock:
    return request.app.state.clock


async def get_now(request: Request) -> datetime:
    return request.app.state.clock.now()


DB = Annotated[Session, Depends(get_db, scope="function")]
WaitingDB = Annotated[Session, Depends(get_db_unslotted, scope="function")]
Now = Annotated[datetime, Depends(get_now)]
AppSettings = Annotated[Settings, Depends(get_settings)]
AppCentre = Annotated[Centre, Depends(get_centre)]
