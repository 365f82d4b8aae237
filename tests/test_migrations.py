"""Schema only through Alembic: upgrade from empty equals the models, and downgrade/upgrade round-trips."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app.core import migrate
from app.core.db import make_engine
from app.models import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def empty_url(tmp_path):
    if PG_URL:
        engine = make_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS migr CASCADE"))
            conn.execute(text("CREATE SCHEMA migr"))
        engine.dispose()
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3Dmigr"
        yield url
        engine = make_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS migr CASCADE"))
        engine.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'migr.db'}"


def _diff(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    engine.dispose()
    return diff


def _tables(url):
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def test_upgrade_from_empty_matches_the_models(empty_url):
    migrate.upgrade(empty_url)
    assert _diff(empty_url) == []


def test_downgrade_to_base_and_upgrade_again(empty_url):
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    migrate.upgrade(empty_url)
    assert _tables(empty_url) == {t.name for t in metadata.sorted_tables}


def test_migrated_access_log_refuses_update_and_delete(empty_url):
    from sqlalchemy.exc import DatabaseError
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO access_log (at, staff_role, staff_first_name, action, detail) "
                          "VALUES (CURRENT_TIMESTAMP, 'counsellor', 'Mette', 'view_case', '')"))
    for sql in ("UPDATE access_log SET action = 'x'", "DELETE FROM access_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(sql))
    engine.dispose()
