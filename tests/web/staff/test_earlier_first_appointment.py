"""Earlier first appointments through the staff pages: mark on the case page, the freed times page, give."""

from datetime import timedelta

from sqlmodel import select

from app.appointments import service as appointments
from app.appointments.models import Appointment
from app.earlier.models import EarlierStartWish
from app.requests import flows, service as requests_service
from tests.factories import make_staff, sign_in_staff
from tests.factories.booking import fresh


def _request(db, now):
    case, _code, req = flows.submit_request(db, intake=requests_service.Intake(
        area="alcohol", for_relative=False, anonymous=True, display_name="Kim"), now=now)
    db.commit()
    return case, req


def _cancelled_first(db, now, staff):
    case, _ = _request(db, now)
    slot = appointments.book_appointment(
        db, case_id=case.id, staff_id=staff.id, kind="individual", day=(now + timedelta(days=3)).strftime("%Y-%m-%d"),
        time="10:00", duration_minutes="60", location="Sundhedscentret", video_url="", starts_treatment=True,
        note="", discharged_at=None, now=now)
    appointments.mark_attendance(db, appointment=slot, attendance="cancelled_by_centre", now=now)
    db.commit()
    return slot


def test_a_counsellor_marks_a_request_and_gives_it_a_freed_first_appointment(client, db, clock):
    staff = make_staff(db, role="counsellor", now=clock.now())
    case, req = _request(db, clock.now())
    slot = _cancelled_first(db, clock.now(), staff)
    sign_in_staff(client, staff)
    page = client.get(f"/personale/sager/{case.id}").text
    assert "Tidligere første samtale" in page and "Ønsker en tidligere første samtale" in page
    response = client.submit(f"/personale/sager/{case.id}/henvendelser/{req.id}/tidligere", {"wish": "1"})
    assert response.status_code == 303
    listing = client.get("/personale/tidligere-tider").text
    assert case.pseudonym in listing and "Giv tiden til" in listing
    assert client.submit(f"/personale/tidligere-tider/{slot.id}", {"request_id": str(req.id)}).status_code == 303
    fresh(db)
    booked = db.exec(select(Appointment).where(Appointment.case_id == case.id)).one()
    assert booked.starts_at == slot.starts_at and booked.starts_treatment
    again = client.submit(f"/personale/tidligere-tider/{slot.id}", {"request_id": str(req.id)})
    assert again.status_code == 422 and "Tiden er allerede givet til en sag." in again.text


def test_reception_cannot_mark_or_give(client, db, clock):
    staff = make_staff(db, role="reception", now=clock.now())
    case, req = _request(db, clock.now())
    sign_in_staff(client, staff)
    assert client.get("/personale/tidligere-tider").status_code == 403
    assert client.submit(f"/personale/sager/{case.id}/henvendelser/{req.id}/tidligere",
                         {"wish": "1"}).status_code == 403
    fresh(db)
    assert db.exec(select(EarlierStartWish)).all() == []


def test_a_bad_request_id_is_a_clear_message_not_an_error(client, db, clock):
    staff = make_staff(db, role="counsellor", now=clock.now())
    slot = _cancelled_first(db, clock.now(), staff)
    sign_in_staff(client, staff)
    response = client.submit(f"/personale/tidligere-tider/{slot.id}", {"request_id": "x²"})
    assert response.status_code == 422 and "error-summary" in response.text
