"""One connection cannot take what belongs to many: a cap per connection and session, and staff
remove a flood in one action, freeing its places at once."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from app.booking import service
from app.booking.models import BookingStatus, CounsellingBooking, CounsellingSession
from tests.factories.booking import fresh, make_session


def _book(db, session, now, source):
    return service.book_session(db, session_id=session.id, now=now, as_relative=False, source=source)


def test_one_connection_gets_a_small_share_of_a_session_and_everyone_else_still_books(db, clock):
    session = make_session(db, now=clock.now(), capacity=99)
    flood = service.source_tag(session.id, "one-address")
    taken = 0
    with pytest.raises(service.BookingError) as err:
        for _ in range(99):
            _book(db, session, clock.now(), flood)
            taken += 1
    assert err.value.reason == "source_full" and taken == service.places_per_source(99) == 20
    for i in range(79):  # the other 79 places go to 79 other connections
        _book(db, session, clock.now(), service.source_tag(session.id, f"citizen-{i}"))
    db.commit()
    fresh(db)
    assert db.get(CounsellingSession, session.id).booked == 99


def test_a_family_or_a_shelter_behind_one_address_gets_three_places_even_in_a_small_session(db, clock):
    session = make_session(db, now=clock.now(), capacity=8)
    shelter = service.source_tag(session.id, "shelter-wifi")
    for _ in range(3):
        _book(db, session, clock.now(), shelter)
    with pytest.raises(service.BookingError):
        _book(db, session, clock.now(), shelter)
    # The refused attempt took no place (its savepoint was rolled back).
    db.commit()
    fresh(db)
    assert db.get(CounsellingSession, session.id).booked == 3


def test_the_cap_is_per_session_and_cancelled_places_no_longer_count(db, clock):
    first = make_session(db, now=clock.now(), capacity=8)
    second = make_session(db, now=clock.now(), capacity=8, hour=17)
    assert service.source_tag(first.id, "x") != service.source_tag(second.id, "x")
    results = [_book(db, first, clock.now(), service.source_tag(first.id, "x")) for _ in range(3)]
    _book(db, second, clock.now(), service.source_tag(second.id, "x"))
    service.cancel_booking(db, case_id=results[0].case.id, booking_id=results[0].booking.id, now=clock.now())
    _book(db, first, clock.now(), service.source_tag(first.id, "x"))


def test_parallel_bookings_from_one_connection_cannot_slip_past_the_cap(app, clock):
    with Session(app.state.engine) as setup:
        session = make_session(setup, now=clock.now(), capacity=50)
        session_id = session.id
    tag = service.source_tag(session_id, "burst")
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def attempt():
        with Session(app.state.engine, expire_on_commit=False) as db:
            start.wait()
            try:
                service.book_session(db, session_id=session_id, now=clock.now(), as_relative=False, source=tag)
                db.commit()
                outcomes.append("booked")
            except service.BookingError as err:
                db.rollback()
                outcomes.append(err.reason)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("booked") == service.places_per_source(50) == 10
    assert outcomes.count("source_full") == 10


def test_staff_remove_a_connections_bookings_in_one_action_and_the_places_are_free_at_once(db, clock):
    session = make_session(db, now=clock.now(), capacity=8)
    flood = service.source_tag(session.id, "flood")
    for _ in range(3):
        _book(db, session, clock.now(), flood)
    real = _book(db, session, clock.now(), service.source_tag(session.id, "someone"))
    assert service.sources_with_several(db, session.id) == {flood: 3}
    removed = service.remove_bookings_from_source(db, session_id=session.id, tag=flood, now=clock.now())
    db.commit()
    fresh(db)
    assert len(removed) == 3
    assert db.get(CounsellingSession, session.id).booked == 1
    statuses = {b.id: b.status for b in db.exec(select(CounsellingBooking))}
    assert statuses.pop(real.booking.id) == BookingStatus.booked.value
    assert set(statuses.values()) == {BookingStatus.removed.value}
    assert service.sources_with_several(db, session.id) == {}
