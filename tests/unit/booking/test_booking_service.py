"""The booking rules, without HTTP."""

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from app.booking import service
from app.booking.models import ACTIVE, BookingNotice, CounsellingBooking, CounsellingSession
from app.cases.service import ContactDetails
from app.core.clock import LOCAL_TZ
from tests.factories.booking import make_booking, make_session
from tests.factories import make_case


def _active_count(db, session_id):
    return db.exec(select(func.count()).select_from(CounsellingBooking).where(
        CounsellingBooking.session_id == session_id, CounsellingBooking.status.in_(ACTIVE))).one()


def _booked(db, session_id):
    db.expire_all()
    return db.get(CounsellingSession, session_id).booked


def _schedule(db, now, **kw):
    values = service.ScheduleInput(**{"weekday": 1, "start_hour": 15, "start_minute": 0, "duration_minutes": 120,
                                      "place": "Sundhedscentret", "capacity": 8, **kw})
    return service.save_schedule(db, values=values, now=now)


def test_generating_sessions_is_idempotent_and_covers_eight_weeks(db, clock):
    _schedule(db, clock.now())
    assert service.generate_sessions(db, now=clock.now()) == 8
    assert service.generate_sessions(db, now=clock.now()) == 0
    db.commit()
    days = [s.day for s in db.exec(select(CounsellingSession).order_by(CounsellingSession.day))]
    assert len(days) == 8 and all(d.weekday() == 1 for d in days)
    assert days[0] == date(2026, 11, 24)


def test_template_and_day_are_unique_in_the_database(db, clock):
    tpl = _schedule(db, clock.now())
    service.generate_sessions(db, now=clock.now(), weeks=1)
    db.commit()
    first = db.exec(select(CounsellingSession)).one()
    db.add(CounsellingSession(template_id=tpl.id, day=first.day, starts_at=first.starts_at, ends_at=first.ends_at,
                              place="x", capacity=1, created_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_sessions_keep_local_time_across_daylight_saving(db, clock):
    """15.00 in Copenhagen is 14.00 UTC in winter and 13.00 UTC in summer."""
    clock.set(clock.now().replace(month=3, day=2))  # Monday 2 March 2026: eight Tuesdays span 29 March
    _schedule(db, clock.now(), weekday=1)
    service.generate_sessions(db, now=clock.now(), weeks=8)
    db.commit()
    sessions = list(db.exec(select(CounsellingSession).order_by(CounsellingSession.day)))
    local_times = {s.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M") for s in sessions}
    utc_hours = {s.starts_at.hour for s in sessions}
    assert local_times == {"15:00"}
    assert utc_hours == {13, 14}  # the series crosses the switch on 29 March 2026


def test_inactive_templates_generate_nothing(db, clock):
    _schedule(db, clock.now(), active=False)
    assert service.generate_sessions(db, now=clock.now()) == 0


def test_capacity_is_checked_by_the_database(db, clock):
    session = make_session(db, now=clock.now(), capacity=1)
    session.booked = 2
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_booking_takes_a_place_and_opens_a_case_with_a_code(db, clock):
    session = make_session(db, now=clock.now(), capacity=2)
    result = make_booking(db, session, now=clock.now())
    assert result.code is not None and result.case.anonymous
    assert _booked(db, session.id) == 1 == _active_count(db, session.id)


def test_a_full_session_refuses_and_opens_no_case(db, clock):
    from app.cases.models import CitizenCase
    session = make_session(db, now=clock.now(), capacity=1)
    make_booking(db, session, now=clock.now())
    with pytest.raises(service.BookingError) as err:
        make_booking(db, session, now=clock.now())
    assert err.value.reason == "full"
    db.rollback()
    assert db.exec(select(func.count()).select_from(CitizenCase)).one() == 1


def test_started_and_cancelled_sessions_refuse_bookings(db, clock):
    started = make_session(db, now=clock.now(), day=clock.now().date(), hour=9)  # 9.00 local < 10.00 now
    with pytest.raises(service.BookingError) as err:
        make_booking(db, started, now=clock.now())
    assert err.value.reason == "started"
    cancelled = make_session(db, now=clock.now())
    service.cancel_session(db, session_id=cancelled.id, reason="Helligdag", now=clock.now())
    with pytest.raises(service.BookingError) as err:
        make_booking(db, cancelled, now=clock.now())
    assert err.value.reason == "cancelled"


def test_relatives_only_sessions_are_only_for_relatives(db, clock):
    session = make_session(db, now=clock.now(), relatives_only=True)
    with pytest.raises(service.BookingError) as err:
        make_booking(db, session, now=clock.now(), as_relative=False)
    assert err.value.reason == "relatives_only"
    result = make_booking(db, session, now=clock.now(), as_relative=True)
    assert result.case.is_relative


def test_video_only_where_offered(db, clock):
    session = make_session(db, now=clock.now(), video=False)
    with pytest.raises(service.BookingError) as err:
        service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False, video=True)
    assert err.value.reason == "no_video"


def test_one_case_cannot_book_the_same_session_twice(db, clock):
    session = make_session(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    make_booking(db, session, now=clock.now(), case=case)
    with pytest.raises(service.BookingError) as err:
        make_booking(db, session, now=clock.now(), case=case)
    assert err.value.reason == "double"
    db.rollback()
    assert _booked(db, session.id) == 1


def test_partial_unique_index_stops_a_second_active_booking(db, clock):
    session = make_session(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    make_booking(db, session, now=clock.now(), case=case)
    now = clock.now()
    db.add(CounsellingBooking(session_id=session.id, case_id=case.id, uid="x", created_at=now, changed_at=now))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_cancel_then_rebook_frees_and_refills_exactly_one_place(db, clock):
    session = make_session(db, now=clock.now(), capacity=2)
    first = make_booking(db, session, now=clock.now())
    make_booking(db, session, now=clock.now())
    assert _booked(db, session.id) == 2
    service.cancel_booking(db, case_id=first.case.id, booking_id=first.booking.id, now=clock.now())
    db.commit()
    assert _booked(db, session.id) == 1 == _active_count(db, session.id)
    cancelled = db.get(CounsellingBooking, first.booking.id)
    assert cancelled.status == "cancelled"  # kept, not deleted
    # cancelling again changes nothing
    with pytest.raises(service.BookingError):
        service.cancel_booking(db, case_id=first.case.id, booking_id=first.booking.id, now=clock.now())
    assert _booked(db, session.id) == 1
    make_booking(db, session, now=clock.now())
    assert _booked(db, session.id) == 2 == _active_count(db, session.id)
    with pytest.raises(service.BookingError):
        make_booking(db, session, now=clock.now())


def test_the_same_case_may_book_again_after_cancelling(db, clock):
    session = make_session(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    first = make_booking(db, session, now=clock.now(), case=case)
    service.cancel_booking(db, case_id=case.id, booking_id=first.booking.id, now=clock.now())
    make_booking(db, session, now=clock.now(), case=case)
    assert _booked(db, session.id) == 1


def test_moving_takes_the_new_place_and_frees_the_old_in_one_step(db, clock):
    old = make_session(db, now=clock.now())
    new = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=8))
    result = make_booking(db, old, now=clock.now())
    moved = service.move_booking(db, case_id=result.case.id, booking_id=result.booking.id, to_session_id=new.id,
                                 now=clock.now())
    db.commit()
    assert (_booked(db, old.id), _booked(db, new.id)) == (0, 1)
    assert moved.uid == result.booking.uid and moved.sequence == result.booking.sequence + 1
    assert db.get(CounsellingBooking, result.booking.id).status == "moved"


def test_moving_to_a_full_session_keeps_the_old_place(db, clock):
    old = make_session(db, now=clock.now())
    full = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=8), capacity=1)
    make_booking(db, full, now=clock.now())
    result = make_booking(db, old, now=clock.now())
    with pytest.raises(service.BookingError) as err:
        service.move_booking(db, case_id=result.case.id, booking_id=result.booking.id, to_session_id=full.id,
                             now=clock.now())
    assert err.value.reason == "full"
    db.commit()
    assert (_booked(db, old.id), _booked(db, full.id)) == (1, 1)
    assert db.get(CounsellingBooking, result.booking.id).status == "booked"


def test_a_failure_in_the_middle_of_a_move_leaves_exactly_the_old_place(db, clock, monkeypatch):
    """Never two places, never none: if releasing the old place fails, the new one is given back too."""
    old = make_session(db, now=clock.now())
    new = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=8))
    result = make_booking(db, old, now=clock.now())

    def broken(*args, **kwargs):
        raise RuntimeError("crash between the two halves")
    monkeypatch.setattr(service, "_release_place", broken)
    with pytest.raises(RuntimeError):
        service.move_booking(db, case_id=result.case.id, booking_id=result.booking.id, to_session_id=new.id,
                             now=clock.now())
    db.rollback()
    assert (_booked(db, old.id), _booked(db, new.id)) == (1, 0)
    assert db.get(CounsellingBooking, result.booking.id).status == "booked"


def test_another_cases_booking_is_not_found(db, clock):
    from app.core.errors import NotFound
    session = make_session(db, now=clock.now())
    result = make_booking(db, session, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    with pytest.raises(NotFound):
        service.cancel_booking(db, case_id=other.id, booking_id=result.booking.id, now=clock.now())


def test_cancelling_a_session_notifies_every_booking_and_marks_identified_for_email(db, clock):
    session = make_session(db, now=clock.now())
    anon = make_booking(db, session, now=clock.now())
    named = service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False, anonymous=False,
                                 contact=ContactDetails(full_name="Ida Jensen", phone="20304050"))
    returned = service.cancel_session(db, session_id=session.id, reason="Helligdag", now=clock.now())
    sent = [notice.case_id for notice in returned]
    db.commit()
    notices = {n.case_id: n for n in db.exec(select(BookingNotice))}
    assert set(notices) == {anon.case.id, named.case.id} == set(sent)
    assert notices[named.case.id].external_pending and not notices[anon.case.id].external_pending
    assert {b.status for b in db.exec(select(CounsellingBooking))} == {"session_cancelled"}
    assert _booked(db, session.id) == 0


def test_attendance_no_show_keeps_the_place_and_cancelled_in_time_frees_it(db, clock):
    session = make_session(db, now=clock.now(), capacity=2)
    a = make_booking(db, session, now=clock.now())
    b = make_booking(db, session, now=clock.now())
    service.mark_attendance(db, session_id=session.id, booking_id=a.booking.id, status="no_show", now=clock.now())
    service.mark_attendance(db, session_id=session.id, booking_id=b.booking.id, status="cancelled_in_time",
                            now=clock.now())
    db.commit()
    assert _booked(db, session.id) == 1 == _active_count(db, session.id)


def test_a_walk_in_is_written_on_even_after_the_start(db, clock):
    session = make_session(db, now=clock.now(), day=clock.now().date(), hour=9)
    result = service.add_walk_in(db, session_id=session.id, as_relative=False, display_name="Bo", now=clock.now())
    assert result.booking.status == "attended" and result.booking.walk_in and result.code is not None
    assert _booked(db, session.id) == 1


def test_schedule_form_rejects_bad_values_with_the_field():
    good = {"weekday": "1", "start": "15.00", "duration_minutes": "120", "place": "Sundhedscentret", "capacity": "8"}
    assert service.parse_schedule_form(good).start_hour == 15
    for field, bad in [("weekday", "9"), ("start", "25.00"), ("capacity", "0"), ("place", " "),
                       ("duration_minutes", "x")]:
        with pytest.raises(service.ScheduleError) as err:
            service.parse_schedule_form({**good, field: bad})
        assert err.value.field == field
