"""Booking, attendance, gift cards from real rows, and the calendar file."""

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from app.appointments import service
from app.core.errors import NotFound
from app.plans import service as plans
from tests.factories import make_case, make_staff

UTC = timezone.utc


def _booking(case, clock, **kw):
    data = dict(case_id=case.id, staff_id=None, kind="individual", day="2026-11-24", time="10:00",
                duration_minutes="60", location="Sundhedscentret", video_url="", starts_treatment=False, note="",
                now=clock.now())
    data.update(kw)
    return data


def book(db, case, clock, **kw):
    return service.book_appointment(db, discharged_at=None, **_booking(case, clock, **kw))


def book_on_case(db, case, clock, **kw):
    """Booked the way staff book: plans passes the case's discharge, if any."""
    return plans.book_case_appointment(db, **_booking(case, clock, **kw))


def test_booking_stores_copenhagen_wall_clock_in_utc(db, clock):
    case, _ = make_case(db, now=clock.now())
    winter = book(db, case, clock)
    summer = book(db, case, clock, day="2027-06-01")
    assert winter.starts_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert summer.starts_at == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("kw, field", [
    ({"kind": "party"}, "kind"), ({"day": "24.11.2026"}, "day"), ({"time": "25:00"}, "time"),
    ({"duration_minutes": "5"}, "duration_minutes"), ({"kind": "video", "video_url": "http://x"}, "video_url"),
    ({"day": "2026-11-01"}, "day"),
])
def test_bad_booking_input_names_the_field(db, clock, kw, field):
    case, _ = make_case(db, now=clock.now())
    with pytest.raises(service.AppointmentError) as err:
        book(db, case, clock, **kw)
    assert err.value.field == field


def test_a_cancelled_treatment_start_can_be_booked_again(db, clock):
    case, _ = make_case(db, now=clock.now())
    first = book(db, case, clock, starts_treatment=True)
    service.mark_attendance(db, appointment=first, attendance="cancelled_by_centre", now=clock.now())
    again = book(db, case, clock, day="2026-11-25", starts_treatment=True)
    assert first.starts_treatment and again.starts_treatment


def test_attendance_only_after_the_start_but_cancellation_any_time(db, clock):
    case, _ = make_case(db, now=clock.now())
    appt = book(db, case, clock)
    with pytest.raises(service.AppointmentError):
        service.mark_attendance(db, appointment=appt, attendance="attended", now=clock.now())
    service.mark_attendance(db, appointment=appt, attendance="cancelled_in_time", now=clock.now())
    clock.advance(days=1, hours=1)
    service.mark_attendance(db, appointment=appt, attendance="attended", now=clock.now())
    assert appt.attendance == "attended"


def test_appointments_after_discharge_are_follow_up_and_earn_no_cards(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    plans.create_plan(db, case_id=case.id, staff=staff, treatment_form="move", aim="reduction", medical=[],
                      under_30=True, now=clock.now())
    for day in ("2026-11-24", "2026-11-25"):
        appt = book(db, case, clock, day=day)
        appt.attendance = "attended"
    plans.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=False, staff=staff,
                         now=clock.now() + timedelta(days=3))
    late = [book_on_case(db, case, clock, day=d) for d in ("2026-12-01", "2026-12-02")]
    assert all(a.in_follow_up for a in late)
    for a in late:
        a.attendance = "attended"
    db.commit()
    earned, _given = plans.cards_for_case(db, case.id)
    assert len(earned) == 1


def test_cards_due_until_handed_out_once(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    older, _ = make_case(db, now=clock.now())
    plans.create_plan(db, case_id=case.id, staff=staff, treatment_form="move", aim="reduction", medical=[],
                      under_30=True, now=clock.now())
    plans.create_plan(db, case_id=older.id, staff=staff, treatment_form="outpatient", aim="reduction", medical=[],
                      under_30=False, now=clock.now())
    for c in (case, older):
        for day in ("2026-11-24", "2026-11-25"):
            book(db, c, clock, day=day).attendance = "attended"
    db.commit()
    due = plans.cards_due(db)
    assert [(d.case.id, d.card.number) for d in due] == [(case.id, 1)]  # 30 and over: no MOVE cards
    plans.hand_out_card(db, case_id=case.id, number=1, staff=staff, now=clock.now())
    assert plans.cards_due(db) == []
    with pytest.raises(plans.AlreadyExists):
        plans.hand_out_card(db, case_id=case.id, number=1, staff=staff, now=clock.now())
    with pytest.raises(NotFound):
        plans.hand_out_card(db, case_id=case.id, number=2, staff=staff, now=clock.now())  # not earned


def test_ics_has_a_stable_uid_so_a_moved_appointment_replaces_the_event(db, clock):
    case, _ = make_case(db, now=clock.now())
    appt = book(db, case, clock, time="14:30")
    first = Calendar.from_ical(service.ics_for(appt, summary="Samtale", centre_name="Rusmiddelcentret",
                                               now=clock.now())).walk("VEVENT")[0]
    appt.starts_at += timedelta(days=2)
    clock.advance(hours=2)
    second = Calendar.from_ical(service.ics_for(appt, summary="Samtale", centre_name="Rusmiddelcentret",
                                                now=clock.now())).walk("VEVENT")[0]
    assert str(first["uid"]) == str(second["uid"]) == f"aftale-{appt.id}@selvbetjening.invalid"
    assert second["sequence"] > first["sequence"]
    assert first.decoded("dtstart") == datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # 14.30 in Copenhagen
    assert second.decoded("dtstart") == datetime(2026, 11, 26, 13, 30, tzinfo=UTC)


def test_an_appointment_is_only_found_through_its_own_case(db, clock):
    case, _ = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    appt = book(db, case, clock)
    with pytest.raises(NotFound):
        service.get_for_case(db, case_id=other.id, appointment_id=appt.id)


def test_appointments_booked_before_discharge_for_after_it_become_follow_up(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    earlier = book(db, case, clock, day="2026-11-23", time="08:00")
    later = book(db, case, clock, day="2026-12-10")
    plans.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=False, staff=staff,
                         now=clock.now())
    db.commit()
    db.expire_all()
    assert not db.get(type(earlier), earlier.id).in_follow_up
    assert db.get(type(later), later.id).in_follow_up
