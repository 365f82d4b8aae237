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


def test_a_single_municipality_database_keeps_its_data_as_the_first_tenant(empty_url):
    """Upgrading a database from before tenants: every row is the first tenant's, unique rules are
    per municipality, and (on PostgreSQL) the rows are reachable only inside that tenant."""
    migrate.upgrade(empty_url, "c0d1e2f3a4b5")
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO citizen_case (pseudonym, code_selector, code_hash, code_issued_at, anonymous, "
                          "is_relative, language, created_at) VALUES ('Borger 7', 'sel7', 'h', CURRENT_TIMESTAMP, "
                          "true, false, 'da', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO staff_user (username, first_name, full_name, role, password_hash, active, "
                          "created_at, password_changed_at) VALUES ('admin', 'Anne', 'Anne A', 'admin', 'x', true, "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO case_message (case_id, from_staff, body, sent_at) "
                          "SELECT id, false, 'Hej', CURRENT_TIMESTAMP FROM citizen_case"))
    engine.dispose()
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        if PG_URL:  # row-level security: a superuser is not bound by it, so ask as if bound
            assert conn.execute(text("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'citizen_case' "
                                     "AND relnamespace = 'migr'::regnamespace")).scalar() is True
        for table in ("citizen_case", "staff_user", "case_message"):
            assert conn.execute(text(f"SELECT tenant_id FROM {table}")).scalars().all() == [1], table
        assert conn.execute(text("SELECT slug FROM tenant")).scalars().all() == ["standard"]
        conn.execute(text("INSERT INTO tenant (slug, name, host) VALUES ('aabenraa', 'Aabenraa', 'a.example.dk')"))
        # The same username in another municipality is allowed; twice in one is not.
        conn.execute(text("INSERT INTO staff_user (tenant_id, username, first_name, full_name, role, password_hash, "
                          "active, created_at, password_changed_at) VALUES (2, 'admin', 'B', 'B B', 'admin', 'x', "
                          "true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO staff_user (tenant_id, username, first_name, full_name, role, "
                              "password_hash, active, created_at, password_changed_at) VALUES (1, 'admin', 'C', "
                              "'C C', 'admin', 'x', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    engine.dispose()
