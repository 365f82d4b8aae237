"""Calendar files show on lock screens and shared phones: nothing in them may reveal the centre or the topic."""

from datetime import timedelta

from app.booking import service as booking
from app.core.clock import local_datetime
from app.notify.wording import revealing_words
from tests.factories.booking import make_session
from tests.factories import make_case, sign_in_citizen


def test_booking_calendar_file_is_neutral(client, db, clock):
    session = make_session(db, now=clock.now(), day=(clock.now() + timedelta(days=3)).date())
    case, code = make_case(db, now=clock.now())
    result = booking.book_session(db, session_id=session.id, now=clock.now(), as_relative=False, case=case)
    db.commit()
    sign_in_citizen(client, code)
    response = client.get(f"/min-side/raadgivning/{result.booking.id}/kalender.ics")
    assert response.status_code == 200 and "BEGIN:VEVENT" in response.text
    assert revealing_words(response.text) == []
    assert "Rusmiddelcentret" not in response.text


def test_appointment_calendar_file_is_neutral(client, db, clock):
    from app.appointments.models import Appointment
    case, code = make_case(db, now=clock.now())
    appt = Appointment(case_id=case.id, starts_at=local_datetime((clock.now() + timedelta(days=2)).date(), 10),
                       created_at=clock.now())
    db.add(appt)
    db.commit()
    sign_in_citizen(client, code)
    response = client.get(f"/min-side/aftaler/{appt.id}.ics")
    assert response.status_code == 200 and "BEGIN:VEVENT" in response.text
    assert revealing_words(response.text) == []
    assert "Rusmiddelcentret" not in response.text
