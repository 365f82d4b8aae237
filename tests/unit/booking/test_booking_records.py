"""The booking panels read records (booking.queries) on Min side and the staff case page: rendered from
records or from the model objects of the same rows, they are the same HTML."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.booking import queries, service
from app.booking.models import BookingNotice, BookingStatus, CounsellingBooking, CounsellingSession
from app.booking.queries import BookingRecord, SessionRecord
from tests.factories.booking import make_booking, make_session
from tests.factories import make_case


def _as_models(db, pairs):
    return [(db.get(CounsellingBooking, b.id), db.get(CounsellingSession, s.id)) for b, s in pairs]


def _case_with_bookings_of_every_kind(db, clock):
    """Booked and coming, cancelled by the citizen, attended, and in a session the centre cancelled."""
    now = clock.now()
    case, _ = make_case(db, now=now)
    db.commit()
    coming, cancelled, attended = (make_session(db, now=now, hour=h) for h in (10, 13, 17))
    gone = make_session(db, now=now, day=now.date() + timedelta(days=2))
    for session in (coming, cancelled, attended, gone):
        make_booking(db, session, now=now, case=case)
    bookings = {b.session_id: b for b in db.exec(select(CounsellingBooking).where(CounsellingBooking.case_id == case.id))}
    service.cancel_booking(db, case_id=case.id, booking_id=bookings[cancelled.id].id, now=now)
    service.mark_attendance(db, session_id=attended.id, booking_id=bookings[attended.id].id,
                            status=BookingStatus.attended.value, now=now)
    service.cancel_session(db, session_id=gone.id, reason="Helligdag", now=now)
    db.commit()
    return case


def test_the_citizens_booking_panel_is_the_same_from_records_and_from_models(app, db, clock):
    case = _case_with_bookings_of_every_kind(db, clock)
    pairs, notices = queries.bookings_of_case(db, case.id), queries.notices_of_case(db, case.id)
    assert len(pairs) == 4 and len(notices) == 1
    assert all(isinstance(b, BookingRecord) and isinstance(s, SessionRecord) for b, s in pairs)
    template = app.state.templates["da"].get_template("public/booking/panel.html")
    from_records = template.render(p={"bookings": pairs, "notices": notices, "now": clock.now()}, csrf_token="t")
    from_models = template.render(p={"bookings": _as_models(db, pairs), "now": clock.now(),
                                     "notices": [db.get(BookingNotice, n.id) for n in notices]}, csrf_token="t")
    assert from_records == from_models
    assert "Afmeld tiden" in from_records and "Du var der" in from_records and "Helligdag" in from_records


def test_the_staff_booking_panel_is_the_same_from_records_and_from_models(app, db, clock):
    case = _case_with_bookings_of_every_kind(db, clock)
    pairs = queries.bookings_of_case(db, case.id)
    template = app.state.templates["da"].get_template("staff/booking/case_panel.html")
    from_records = template.render(p={"bookings": pairs, "now": clock.now()})
    from_models = template.render(p={"bookings": _as_models(db, pairs), "now": clock.now()})
    assert from_records == from_models and "Mødt" in from_records


def test_records_derive_what_the_models_derive(db, clock):
    case = _case_with_bookings_of_every_kind(db, clock)
    pairs = queries.bookings_of_case(db, case.id)
    for (b, s), (model_b, model_s) in zip(pairs, _as_models(db, pairs)):
        assert (b.is_active, s.free) == (model_b.is_active, model_s.free)
    assert {b.is_active for b, _ in pairs} == {True, False} and {s.free for _, s in pairs} == {0, 7, 8}  # cancelled: the place is free again
