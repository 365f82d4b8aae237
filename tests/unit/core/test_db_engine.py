"""The engine factory accepts every SQLite URL form: file, ':memory:' and the bare in-memory 'sqlite://';
a pooled connection that sat idle is pinged before use and replaced if it is dead."""

import time

import pytest
from sqlalchemy import create_engine, text

from app.core import db as db_module
from app.core.db import PING_AFTER_IDLE_SECONDS, make_engine, ping_idle_connections


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_urls_make_a_working_engine(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_file_sqlite_gets_a_sized_pool(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert engine.pool.size() >= 10
    engine.dispose()


def _engine_pinging_after(database_url: str, seconds: float):
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    ping_idle_connections(engine, after_seconds=seconds)
    return engine


def _counting_pings(engine, monkeypatch, fail_first: bool = False) -> list:
    pings = []
    real_ping = engine.dialect.do_ping

    def ping(dbapi_connection):
        pings.append(dbapi_connection)
        if fail_first and len(pings) == 1:
            raise RuntimeError("server closed the connection")
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def test_a_connection_in_steady_use_is_not_pinged(settings, monkeypatch):
    engine = _engine_pinging_after(settings.database_url, 60)
    pings = _counting_pings(engine, monkeypatch)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar() == 1
    assert pings == []
    engine.dispose()


def test_an_idle_connection_that_fails_its_ping_is_replaced_before_use(settings, monkeypatch):
    engine = _engine_pinging_after(settings.database_url, 0)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    pings = _counting_pings(engine, monkeypatch, fail_first=True)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
        assert conn.connection.dbapi_connection is not first
    assert pings[0] is first
    engine.dispose()


def test_an_idle_connection_closed_underneath_is_replaced_before_use(settings):
    """What a database restart does to a pooled connection: the next request still gets a working one."""
    engine = _engine_pinging_after(settings.database_url, 0)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
    raw.close()
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_the_apps_engine_replaces_an_idle_connection_closed_underneath(settings, monkeypatch):
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
    raw.close()
    later = time.monotonic() + PING_AFTER_IDLE_SECONDS + 1
    monkeypatch.setattr(db_module.time, "monotonic", lambda: later)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()
