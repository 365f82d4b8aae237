"""FastAPI dependencies: the per-request transaction, clock, CSRF and the two kinds of sign-in."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from sqlmodel import Session

from app.core import sessions, throttle
from app.core.clock import Clock
from app.core.config import Centre, Settings
from app.core.db import DEFERRED_WRITES, PAGE_CONNECTION, run_writes_aside

CITIZEN_COOKIE = "rp_borger"
STAFF_COOKIE = "rp_personale"


class CsrfFailed(Exception):
    pass


class NeedsCitizen(Exception):
    """No valid citizen session: send them to /status."""


class NeedsStaff(Exception):
    """No valid staff session: send them to the staff sign-in."""


class NeedsSecondFactor(Exception):
    """Password accepted but the second factor is still missing."""


class Forbidden(Exception):
    pass


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


def throttle_policy(settings: Settings) -> throttle.Policy:
    """Passwords and TOTP codes: fewer bits, so the interval grows with the failures."""
    return throttle.Policy(settings.throttle_free_attempts, settings.throttle_base_seconds,
                           settings.throttle_max_seconds, growing=True,
                           max_queue_seconds=settings.throttle_queue_seconds)


def code_throttle_policy(settings: Settings) -> throttle.Policy:
    """Personal codes: the 65-bit verifier makes any steady rate futile, so the owner never waits long."""
    return throttle.Policy(settings.throttle_free_attempts, settings.throttle_code_interval_seconds,
                           settings.throttle_code_interval_seconds, growing=False,
                           max_queue_seconds=settings.throttle_queue_seconds)


def client_key(request: Request) -> str:
    """A keyed hash of the client address: throttling works, no IP is ever stored."""
    host = request.client.host if request.client else "unknown"
    return request.app.state.signer.client_key(host)


async def verify_csrf(request: Request) -> None:
    """Every state-changing request carries a signed token bound to the browser's CSRF cookie."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    # A second, independent check: a browser names the page a POST came from. Another site's is
    # refused even if a token leaked. "null" (sent with Referrer-Policy: no-referrer, sandboxed frames)
    # and no Origin at all (older clients, curl) are left to the token.
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfFailed()
    token = request.headers.get("X-CSRF-Token")
    if not token:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except Exception as exc:  # malformed body: treat as a failed token, not a 500
                raise CsrfFailed() from exc
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    binding = request.scope["state"].get("csrf_binding")
    if not request.app.state.signer.csrf_valid(token, binding):
        raise CsrfFailed()


def _session_token(request: Request, cookie: str, max_age: int) -> str | None:
    return request.app.state.signer.unsign_cookie(request.cookies.get(cookie), max_age)


def citizen_session(request: Request, db: DB, now: Now) -> sessions.SignedIn:
    settings: Settings = request.app.state.settings
    token = _session_token(request, CITIZEN_COOKIE, settings.session_max_hours * 3600)
    row = sessions.load_session(
        db, token, kind=sessions.CITIZEN, now=now, idle=timedelta(minutes=settings.citizen_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
    if row is None or row.case_id is None:
        raise NeedsCitizen()
    request.state.citizen_token = token
    return row


def staff_session(request: Request, db: DB, now: Now) -> sessions.SignedIn:
    """A staff session that has passed every required factor."""
    row = staff_session_password_only(request, db, now)
    settings: Settings = request.app.state.settings
    if settings.require_staff_2fa and not row.second_factor_passed:
        raise NeedsSecondFactor()
    return row


def staff_session_password_only(request: Request, db: DB, now: Now) -> sessions.SignedIn:
    settings: Settings = request.app.state.settings
    token = _session_token(request, STAFF_COOKIE, settings.session_max_hours * 3600)
    row = sessions.load_session(
        db, token, kind=sessions.STAFF, now=now, idle=timedelta(minutes=settings.staff_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
    if row is None or row.staff_id is None:
        raise NeedsStaff()
    request.state.staff_token = token
    return row


CitizenSession = Annotated[sessions.SignedIn, Depends(citizen_session)]
StaffSession = Annotated[sessions.SignedIn, Depends(staff_session)]

T = TypeVar("T")
CitizenPageWork = Callable[[Request, Session, sessions.SignedIn, datetime], T]
ReadPageWork = Callable[[Request, Session, datetime], T]


async def citizen_page(request: Request, work: CitizenPageWork) -> T:
    """A signed-in citizen GET page: the session check, then the page, as one read_page.

    Raises NeedsCitizen like CitizenSession."""
    return await read_page(request, lambda r, db, now: work(r, db, citizen_session(r, db, now), now))


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
    - On PostgreSQL every query is a network round trip: the whole page runs in one worker-thread
      call, under the same DbSlots bound as get_db.

    Rendering happens inside the work, so a template may still load what it shows lazily."""
    state = request.app.state
    now = state.clock.now()
    if state.engine.dialect.name != "sqlite":
        async with state.db_slots():
            return await run_in_threadpool(_read_page_work, request, now, work, None)
    writes: list = []
    try:
        return _read_page_work(request, now, work, writes)
    finally:
        if writes:
            await run_in_threadpool(run_writes_aside, state.engine, writes)


def _read_page_work(request: Request, now: datetime, work: ReadPageWork, writes: list | None) -> T:
    # A connection and its transaction, and an ORM session on it that stays idle unless a panel
    # needs it: the page's own reads go to the connection (app.core.db.connection_of). A session that
    # opened the connection itself cost about 50 µs more a request.
    with request.app.state.page_engine.connect() as connection, connection.begin():
        with Session(bind=connection, expire_on_commit=False) as db:
            db.info[PAGE_CONNECTION] = connection
            if writes is not None:
                db.info[DEFERRED_WRITES] = writes
            return work(request, db, now)
