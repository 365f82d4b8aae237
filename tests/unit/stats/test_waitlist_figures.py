"""The statistics page's waiting-list figures: offers made, taken, expired, declined, and days gained
(how many days before the next session with a free place the citizen came), small cells hidden."""

from __future__ import annotations

from datetime import date, timedelta

from app.booking import service, waitlist
from app.stats.service import Period, centre_statistics
from app.stats.tables import build_tables
from tests.factories import make_case
from tests.factories.booking import make_booking, make_session


def _table(db, now):
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    return next(t for t in build_tables(centre_statistics(db, period=period, now=now), "da") if t.key == "venteliste")


def test_offers_made_taken_expired_and_days_gained_with_small_cells_hidden(db, clock):
    now = clock.now()
    session = make_session(db, now=now, capacity=6)
    make_session(db, now=now, day=session.day + timedelta(days=7), capacity=3)  # the next free time
    bookings = [make_booking(db, session, now=now, case=make_case(db, now=now)[0]).booking for _ in range(6)]
    waiting = []
    for i in range(6):
        case, _ = make_case(db, now=now)
        waitlist.join_waitlist(db, session_id=session.id, now=now + timedelta(seconds=i), as_relative=False, case=case)
        waiting.append(case)
    for b in bookings:
        service.cancel_booking(db, case_id=b.case_id, booking_id=b.id, now=now)
    for case in waiting[:5]:
        waitlist.take_offer(db, case_id=case.id, session_id=session.id, now=now)
    waitlist.expire_offers(db, now=now + timedelta(hours=3))
    db.commit()
    table = _table(db, now)
    assert table.rows == [["6", "5", "<5", "<5", "83,3 %", "7"]]


def test_no_offers_shows_hidden_zeroes_not_an_error(db, clock):
    assert _table(db, clock.now()).rows == [["<5", "<5", "<5", "<5", "<5", "<5"]]
