"""Åben Rådgivning use and the no-show rate, on tests/factories/stats.build_counselling (answers by hand)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from app.stats import counselling
from app.stats.service import Period
from app.stats.tables import build_tables
from tests.factories.stats import TODAY, build_counselling

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
PERIOD = Period(date(2026, 1, 1), TODAY)


def test_counselling_use_and_no_shows_in_sessions_held(db):
    build_counselling(db)
    db.commit()
    sessions, (citizens, relatives, total) = counselling.counselling_use(db, period=PERIOD, now=NOW)
    assert sessions == 3  # the cancelled session and the one still to come are not held
    assert (citizens.expected, citizens.attended, citizens.no_show, citizens.walk_in) == (7, 5, 2, 1)
    assert (relatives.expected, relatives.attended, relatives.no_show) == (1, 1, 0)
    assert (total.expected, total.attended, total.no_show, total.walk_in) == (8, 6, 2, 1)


def test_counselling_table_hides_small_cells(db):
    from app.stats.service import centre_statistics
    build_counselling(db)
    db.commit()
    table = next(t for t in build_tables(centre_statistics(db, period=PERIOD, now=NOW), "da")
                 if t.key == "raadgivning")
    # No-show rate 2 of 7 = 28,6 %; relatives' single visit and every count under 5 are hidden.
    assert table.rows == [["Borgere", "7", "5", "<5", "28,6 %", "<5"],
                          ["Pårørende", "<5", "<5", "<5", "<5", "<5"],
                          ["I alt", "8", "6", "<5", "25 %", "<5"]]
    assert "Afholdte rådgivningstider i perioden: <5." in table.note
