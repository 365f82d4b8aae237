"""Request rules on a real database: start from Appointment rows, new clock, deadline letter, free choice,
and brute force on the personal code."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.appointments.models import Appointment
from app.messages.models import Message
from app.requests import flows, service
from app.requests.guarantee import GuaranteeState
from tests.factories import make_staff


def submit(db, now, **kw):
    intake = service.Intake(**{"area": "alcohol", "for_relative": False, "anonymous": True, **kw})
    case, code, req = flows.submit_request(db, intake=intake, now=now)
    db.commit()
    return case, code, req


def appointment(db, case, at, *, starts_treatment=True, attendance="planned"):
    db.add(Appointment(case_id=case.id, starts_at=at, starts_treatment=starts_treatment, attendance=attendance,
                       created_at=at))
    db.commit()


def test_first_treatment_appointment_within_14_days_meets_the_guarantee(db, clock):
    case, _, req = submit(db, clock.now())
    assert service.guarantee_for(db, req, now=clock.now()).state == GuaranteeState.running
    appointment(db, case, clock.now() + timedelta(days=3), starts_treatment=False)  # not a start
    assert service.guarantee_for(db, req, now=clock.now()).start is None
    appointment(db, case, clock.now() + timedelta(days=14))
    view = service.guarantee_for(db, req, now=clock.now())
    assert view.state == GuaranteeState.met and view.start == date(2026, 12, 7)


def test_start_on_day_15_breaches_and_a_no_show_does_not_count(db, clock):
    case, _, req = submit(db, clock.now())
    appointment(db, case, clock.now() + timedelta(days=5), attendance="no_show")
    appointment(db, case, clock.now() + timedelta(days=15))
    assert service.guarantee_for(db, req, now=clock.now()).state == GuaranteeState.breached


def test_deadline_passing_without_a_start_is_breached_and_overdue(db, clock):
    _, _, req = submit(db, clock.now())
    view = service.guarantee_for(db, req, now=clock.now() + timedelta(days=15))
    assert view.state == GuaranteeState.breached and view.overdue and view.days_left == -1


def test_three_days_left_is_urgent(db, clock):
    _, _, req = submit(db, clock.now())
    assert service.guarantee_for(db, req, now=clock.now() + timedelta(days=11)).urgent
    assert not service.guarantee_for(db, req, now=clock.now() + timedelta(days=10)).urgent


def test_recorded_start_meets_the_guarantee(db, clock):
    _, _, req = submit(db, clock.now())
    service.record_start(db, req, started_on=date(2026, 11, 30), now=clock.now())
    assert service.guarantee_for(db, req, now=clock.now()).state == GuaranteeState.met
    assert req.status == "in_treatment"
    with pytest.raises(service.RequestError):
        service.record_start(db, req, started_on=date(2026, 11, 1), now=clock.now())


def test_a_new_request_on_the_same_case_starts_a_new_clock(db, clock):
    case, _, first = submit(db, clock.now())
    appointment(db, case, clock.now() + timedelta(days=2))
    later = clock.now() + timedelta(days=200)
    second = service.add_request(db, case=case, area="alcohol", now=later)
    assert second.deadline_on == date(2026, 11, 23) + timedelta(days=214)
    # The old appointment belongs to the first request, not the new one.
    assert service.guarantee_for(db, first, now=later).state == GuaranteeState.met
    assert service.guarantee_for(db, second, now=later).state == GuaranteeState.running


def test_free_choice_waives_and_101a_is_not_applicable(db, clock):
    _, _, req = submit(db, clock.now())
    service.choose_free_choice(db, req, by="staff", now=clock.now())
    assert service.guarantee_for(db, req, now=clock.now() + timedelta(days=30)).state == GuaranteeState.waived
    _, _, anon_drugs = submit(db, clock.now(), area="drugs", other_social_problems="no")
    assert anon_drugs.section_101a and anon_drugs.deadline_on is None
    assert service.guarantee_for(db, anon_drugs, now=clock.now()).state == GuaranteeState.not_applicable
    _, _, identified_drugs = submit(db, clock.now(), area="drugs", anonymous=False, full_name="Bo")
    assert not identified_drugs.section_101a and identified_drugs.deadline_on is not None


def test_deadline_letter_is_recorded_and_sent_to_the_citizen(db, clock):
    staff = make_staff(db, first_name="Mette")
    _, _, req = submit(db, clock.now())
    with pytest.raises(service.RequestError) as err:
        flows.send_deadline_letter(db, req, staff=staff, reason="", new_date=date(2026, 12, 14), now=clock.now())
    assert err.value.field == "reason"
    flows.send_deadline_letter(db, req, staff=staff, reason="Sygdom i teamet", new_date=date(2026, 12, 14),
                               now=clock.now())
    assert req.delay_new_date == date(2026, 12, 14) and req.delay_notified_at == clock.now()
    letter = db.exec(select(Message).where(Message.case_id == req.case_id)).one()
    assert letter.from_staff and letter.staff_first_name == "Mette"
    assert "07.12.2026" in letter.body and "Sygdom i teamet" in letter.body and "14.12.2026" in letter.body


def test_inbox_is_sorted_by_deadline_with_no_deadline_last(db, clock):
    _, _, late = submit(db, clock.now())
    _, _, none = submit(db, clock.now() - timedelta(days=5), area="drugs", other_social_problems="no")
    _, _, early = submit(db, clock.now() - timedelta(days=3))
    rows = service.inbox(db, now=clock.now()).rows
    assert [r.request.id for r in rows] == [early.id, late.id, none.id]
    assert [r.request.id for r in service.inbox(db, now=clock.now(), area="drugs").rows] == [none.id]
