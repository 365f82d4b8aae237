"""Earlier first appointments: a freed first-appointment time is suggested to the marked request closest
to missing its 14-day deadline, and given once."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.appointments import service as appointments
from app.appointments.models import Appointment
from app.earlier import service
from app.earlier.models import EarlierSlotGiven, EarlierStartWish
from app.requests import flows, service as requests_service
from tests.factories import make_staff


def _request(db, now, *, area="alcohol"):
    case, _code, req = flows.submit_request(db, intake=requests_service.Intake(
        area=area, for_relative=False, anonymous=True, display_name="Kim"), now=now)
    db.commit()
    return case, req


def _first(db, case, now, *, days, staff):
    day = (now + timedelta(days=days)).strftime("%Y-%m-%d")
    appointment = appointments.book_appointment(
        db, case_id=case.id, staff_id=staff.id, kind="individual", day=day, time="10:00", duration_minutes="60",
        location="Sundhedscentret", video_url="", starts_treatment=True, note="", discharged_at=None, now=now)
    db.commit()
    return appointment


def _freed(db, now, staff, *, days=3):
    """Someone's first appointment in `days` days, cancelled."""
    case, _req = _request(db, now)
    slot = _first(db, case, now, days=days, staff=staff)
    appointments.mark_attendance(db, appointment=slot, attendance="cancelled_in_time", now=now)
    db.commit()
    return slot


def test_the_freed_time_is_suggested_to_the_marked_request_closest_to_its_deadline(db, clock):
    staff = make_staff(db, now=clock.now())
    later_case, later = _request(db, clock.now() + timedelta(days=2))  # deadline two days later
    sooner_case, sooner = _request(db, clock.now())
    unmarked_case, _ = _request(db, clock.now() - timedelta(days=3))  # closest, but not marked
    for case, req in ((later_case, later), (sooner_case, sooner)):
        service.mark_wish(db, case_id=case.id, request_id=req.id, wants=True, staff_id=staff.id, now=clock.now())
        _first(db, case, clock.now(), days=12, staff=staff)
    slot = _freed(db, clock.now(), staff)
    [freed] = service.freed_slots(db, now=clock.now())
    assert freed.slot.id == slot.id
    assert freed.suggested.request.id == sooner.id and [o.request.id for o in freed.others] == [later.id]
    assert freed.suggested.days_gained(slot) == 9


def test_giving_the_time_moves_the_first_appointment_once(db, clock):
    staff = make_staff(db, now=clock.now())
    case, req = _request(db, clock.now())
    service.mark_wish(db, case_id=case.id, request_id=req.id, wants=True, staff_id=staff.id, now=clock.now())
    present = _first(db, case, clock.now(), days=12, staff=staff)
    slot = _freed(db, clock.now(), staff)
    given = service.give_slot(db, appointment_id=slot.id, request_id=req.id, staff_id=staff.id, now=clock.now())
    db.commit()
    db.expire_all()
    assert given.appointment_id == present.id and given.days_gained == 9
    assert db.get(Appointment, present.id).starts_at == slot.starts_at  # moved: the calendar event is kept
    assert db.exec(select(EarlierStartWish)).all() == []  # fulfilled
    assert service.freed_slots(db, now=clock.now()) == []
    with pytest.raises(service.EarlierError):
        service.give_slot(db, appointment_id=slot.id, request_id=req.id, staff_id=staff.id, now=clock.now())
    db.rollback()
    db.add(EarlierSlotGiven(freed_appointment_id=slot.id, case_id=case.id, given_at=clock.now()))
    with pytest.raises(IntegrityError):  # the database holds "given once"
        db.flush()


def test_a_request_without_a_first_appointment_gets_one_booked_in_the_freed_time(db, clock):
    staff = make_staff(db, now=clock.now())
    case, req = _request(db, clock.now())
    service.mark_wish(db, case_id=case.id, request_id=req.id, wants=True, staff_id=staff.id, now=clock.now())
    slot = _freed(db, clock.now(), staff)
    given = service.give_slot(db, appointment_id=slot.id, request_id=req.id, staff_id=staff.id, now=clock.now())
    db.commit()
    new = db.get(Appointment, given.appointment_id)
    assert new.case_id == case.id and new.starts_treatment and new.starts_at == slot.starts_at
    assert given.days_gained is None


def test_a_request_with_an_earlier_appointment_already_is_not_suggested(db, clock):
    staff = make_staff(db, now=clock.now())
    case, req = _request(db, clock.now())
    service.mark_wish(db, case_id=case.id, request_id=req.id, wants=True, staff_id=staff.id, now=clock.now())
    _first(db, case, clock.now(), days=1, staff=staff)
    slot = _freed(db, clock.now(), staff, days=3)
    assert service.freed_slots(db, now=clock.now())[0].suggested is None
    with pytest.raises(service.EarlierError) as err:
        service.give_slot(db, appointment_id=slot.id, request_id=req.id, staff_id=staff.id, now=clock.now())
    assert err.value.reason == "no_later"


def test_an_unmarked_request_cannot_be_given_a_time_and_a_time_too_soon_is_not_free(db, clock):
    staff = make_staff(db, now=clock.now())
    case, req = _request(db, clock.now())
    slot = _freed(db, clock.now(), staff)
    with pytest.raises(service.EarlierError) as err:
        service.give_slot(db, appointment_id=slot.id, request_id=req.id, staff_id=staff.id, now=clock.now())
    assert err.value.reason == "not_marked"
    service.mark_wish(db, case_id=case.id, request_id=req.id, wants=True, staff_id=staff.id, now=clock.now())
    late = slot.starts_at - timedelta(hours=1)
    with pytest.raises(service.EarlierError) as err:
        service.give_slot(db, appointment_id=slot.id, request_id=req.id, staff_id=staff.id, now=late)
    assert err.value.reason == "not_free"


def test_marking_is_once_per_request_and_can_be_removed(db, clock):
    staff = make_staff(db, now=clock.now())
    case, req = _request(db, clock.now())
    for _ in range(2):
        assert service.mark_wish(db, case_id=case.id, request_id=req.id, wants=True, staff_id=staff.id,
                                 now=clock.now())
    db.commit()
    assert len(db.exec(select(EarlierStartWish)).all()) == 1
    assert not service.mark_wish(db, case_id=case.id, request_id=req.id, wants=False, staff_id=staff.id,
                                 now=clock.now())
    db.commit()
    assert db.exec(select(EarlierStartWish)).all() == []
