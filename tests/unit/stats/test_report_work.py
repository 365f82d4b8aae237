"""How the figures are computed, not what they are: a CSV computes only its own table's figures,
and PostgreSQL's JIT is switched off for the statistics' transaction only."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import event, text

from app.stats.service import PARTS, Period, centre_statistics
from app.stats.sql import tune_for_report
from app.stats.tables import TABLE_PARTS, build_tables
from tests.factories.stats import TODAY, build_courses, build_requests

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
PERIOD = Period(date(2026, 1, 1), TODAY)


def test_every_table_names_the_figures_its_csv_computes(db):
    keys = [t.key for t in build_tables(centre_statistics(db, period=PERIOD, now=NOW), "da")]
    assert sorted(keys) == sorted(TABLE_PARTS)
    assert set(TABLE_PARTS.values()) == PARTS


def test_a_csv_computes_only_its_own_figures_and_leaves_the_rest_empty(db):
    build_requests(db)
    build_courses(db)
    db.commit()
    full = centre_statistics(db, period=PERIOD, now=NOW)
    only = centre_statistics(db, period=PERIOD, now=NOW, parts=frozenset({"courses"}))
    assert only.extra["completion"] == full.extra["completion"] and only.extra["reasons"] == full.extra["reasons"]
    assert full.requests[-1].requests > 0 and full.extra["revisions"][-1].active > 0
    assert only.requests == [] and only.breaches == [] and only.extra["revisions"] == []


def test_jit_is_switched_off_for_the_statistics_transaction_only(db):
    statements = []
    engine = db.get_bind()
    before = db.execute(text("SHOW jit")).scalar_one() if engine.dialect.name == "postgresql" else None
    db.rollback()
    listener = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        tune_for_report(db)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    if engine.dialect.name != "postgresql":
        assert statements == []  # SQLite has no JIT: nothing to set
        return
    assert db.execute(text("SHOW jit")).scalar_one() == "off"
    db.rollback()
    assert db.execute(text("SHOW jit")).scalar_one() == before  # SET LOCAL: the pooled connection is as it was
