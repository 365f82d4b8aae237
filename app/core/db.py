"""Engine and the per-request session (one transaction per request)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Result, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from app.core.clock import ensure_utc
from app.core.tenancy import tell_database


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on both databases: SQLite drops the zone, so add UTC back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use aware UTC datetimes")
        return ensure_utc(value) if dialect.name != "sqlite" else ensure_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else ensure_utc(value)


def make_engine(url: str, *, echo: bool = False, immediate: bool = True) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""  # "sqlite://" is in memory too
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30},
                               **({} if path in ("", ":memory:") else {"pool_size": POOL_SIZE,
                                                                      "max_overflow": POOL_OVERFLOW}))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy issue BEGIN itself so BEGIN IMMEDIATE is possible.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A transaction that will write takes the write lock at the start: concurrent writers
            # queue on busy_timeout instead of failing later with "database is locked" on lock
            # upgrade. Read-only transactions (GET requests, tests' own sessions) use a deferred
            # BEGIN so readers never queue behind writers (WAL lets them read a snapshot).
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE" if immediate else "DEFERRED")
            # On the driver's connection: through exec_driver_sql this cost as much as a page's query.
            conn.connection.driver_connection.execute(f"BEGIN {mode}")

        return engine
    url, options = _pg_options(url)
    engine = create_engine(url, echo=echo, **options)
    event.listen(engine, "begin", _tell_tenant)
    return engine


def make_async_page_engine(url: str) -> AsyncEngine | None:
    """PostgreSQL's read path (app.core.read_path): the same database through psycopg's async
    connection, so a page's queries wait on the event loop instead of holding a worker thread.
    None on SQLite, whose reads are in-process calls that never wait."""
    if url.startswith("sqlite"):
        return None
    url, options = _pg_options(url)
    engine = create_async_engine(url, **options).execution_options(**READ_ONLY)
    event.listen(engine.sync_engine, "begin", _tell_tenant)
    return engine


def _tell_tenant(conn: Connection) -> None:
    # Row-level security separates the municipalities (app.core.tenancy): each transaction
    # names its tenant with SET LOCAL, so a pooled connection (or pgbouncer's) carries nothing over.
    tell_database(conn.connection.dbapi_connection)


def _pg_options(url: str) -> tuple[str, dict]:
    # `?prepare_threshold=none` in the URL: psycopg prepares no statement on the server. Needed behind
    # pgbouncer < 1.21 in transaction mode, where two clients meet on one server connection and
    # psycopg's _pg3_0 "already exists" there (tests/test_pgbouncer.py, README "pgbouncer").
    parsed = make_url(url)
    connect_args = {}
    if "prepare_threshold" in parsed.query:
        value = parsed.query["prepare_threshold"]
        connect_args["prepare_threshold"] = None if value.lower() == "none" else int(value)
        url = parsed.difference_update_query(["prepare_threshold"]).render_as_string(hide_password=False)
    # pool_pre_ping: a connection the server dropped (a restart, a failover) is replaced before
    # use; it costs a round trip per checkout, but after a restart no request fails on a stale one.
    # Reads run at READ COMMITTED (PostgreSQL's default, relied on by app.main's page_engine).
    return url, dict(pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                     isolation_level="READ COMMITTED", connect_args=connect_args)


# Requests hold at most Settings.db_concurrency sessions at once (app.core.deps.get_db), and each
# may take one more connection for a write_aside: the pool must have room for both.
POOL_SIZE = 10
POOL_OVERFLOW = 20
READ_ONLY = {"sqlite_begin": "DEFERRED"}
DEFERRED_WRITES = "deferred_writes"  # Session.info key, see write_aside
PAGE_CONNECTION = "page_connection"  # Session.info key, see read_rows
WRITE = {"sqlite_begin": "IMMEDIATE"}


def insert_for(db: Session):
    """The dialect's INSERT, the one with ON CONFLICT (on_conflict_do_nothing / _do_update)."""
    return postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert


def start_read_only(db: Session) -> None:
    """End the session's transaction and begin a read-only one. For a POST that is mostly turned
    away by a read (a flood of sign-in guesses): on SQLite it must not queue for the write lock a
    POST's transaction normally takes at BEGIN."""
    db.commit()
    db.connection(execution_options=READ_ONLY)


def is_read_only(db: Session) -> bool:
    return db.connection().get_execution_options().get("sqlite_begin") == "DEFERRED"


def write_aside(db: Session, statement) -> None:
    """Execute a bookkeeping write (session activity, access log) from any request.

    In a read-only (GET) request it runs in its own short transaction: a deferred SQLite
    transaction that read first cannot safely start writing once another writer has committed.
    Elsewhere it simply joins the request's transaction. A session whose info holds a
    DEFERRED_WRITES list (a page read on the event loop: app.core.read_path.read_page) only collects
    the statement; the caller runs them with run_writes_aside in a worker thread."""
    deferred = db.info.get(DEFERRED_WRITES)
    if deferred is not None:
        deferred.append(statement)
        return
    if is_read_only(db):
        bind = db.get_bind()
        with Session(bind.engine if isinstance(bind, Connection) else bind) as aside:
            # The request's bind may carry READ_ONLY (see get_db); this transaction only writes.
            aside.connection(execution_options=WRITE)
            aside.execute(statement)
            aside.commit()
    else:
        db.execute(statement)


def count_of(model, *where):
    """How many rows of `model` match, as a scalar SQL expression (a subquery to select or compare)."""
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


def read_rows(db: Session, statement, params: dict | None = None) -> Result:
    """A Core statement's rows, run on the session's connection (see connection_of).

    Session.execute costs about 35 µs more per statement than its connection (the ORM layer, even for
    a Core select). Rows have the columns as attributes, so templates read them as they read model
    objects. For a statement a hot page runs on every view, app.core.prepared skips even the
    connection's per-execution work; this is for those it cannot take (IN lists)."""
    return connection_of(db).execute(statement, params or {})


def connection_of(db: Session) -> Connection:
    """The session's connection, for Core reads (pending changes flushed first, as Session.execute would).

    A page that opened its own connection (app.core.read_path.read_page) leaves it in the session's
    info: reads go to it, and the session never starts a transaction of its own unless the ORM is used."""
    connection = db.info.get(PAGE_CONNECTION)
    if connection is None:
        db.flush()
        connection = db.connection()
    return connection


def run_writes_aside(engine: Engine, statements: list) -> None:
    """The bookkeeping writes a page collected (see write_aside), in one short transaction."""
    with Session(engine) as aside:
        aside.connection(execution_options=WRITE)
        for statement in statements:
            aside.execute(statement)
        aside.commit()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A unit of work outside a request (CLI, jobs): commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
