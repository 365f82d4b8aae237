"""The deadline letter (the 14-day guarantee cannot be met) reaches a MitID-verified citizen by
Digital Post as well as in the thread; never a citizen known only by a CPR number typed in a form."""

import base64
from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlmodel import select

from app.notify.models import OutboxMessage
from app.notify.runner import run_once
from app.requests import flows, service
from tests.factories import make_staff
from tests.factories.digital_post import verify


def _request(db, clock, *, verified: bool):
    intake = service.Intake(area="alcohol", for_relative=False, anonymous=False, full_name="Kim Hansen",
                            email="kim@example.dk", cpr="0101801234")  # the CPR typed in the form
    case, _, req = flows.submit_request(db, intake=intake, now=clock.now())
    if verified:
        verify(db, case, cpr="010180-1234", name="Kim Hansen", now=clock.now())
    db.commit()
    return case, req


def test_a_deadline_letter_for_a_verified_citizen_is_delivered_by_digital_post(db, clock, app, sf1601):
    case, req = _request(db, clock, verified=True)
    flows.send_deadline_letter(db, req, staff=make_staff(db), reason="Sygdom i teamet", new_date=date(2026, 12, 21),
                               now=clock.now())
    db.commit()
    assert run_once(app.state.engine, config=sf1601.config, clock=clock).sent == 1
    (got,) = sf1601.letters.values()
    assert got.text("MessageHeader/label") == "Brev om din sag"
    assert got.text("MessageHeader/legalNotification") == "false"
    pdf = base64.b64decode(got.text("MessageBody/MainDocument/File/content"))
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "Sygdom i teamet" in text and "21.12.2026" in text and "frit valg" in text
    channels = {r.channel for r in db.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id))}
    assert channels == {"portal", "digital_post"}


def test_a_cpr_number_typed_in_the_request_form_never_gets_digital_post(db, clock, app, sf1601):
    case, req = _request(db, clock, verified=False)
    flows.send_deadline_letter(db, req, staff=make_staff(db), reason="Sygdom", new_date=date(2026, 12, 21),
                               now=clock.now())
    db.commit()
    run_once(app.state.engine, config=sf1601.config, clock=clock)
    assert sf1601.posts == 0 and sf1601.lookups == []
    assert "digital_post" not in {r.channel for r in db.exec(select(OutboxMessage))}


def _letter_with_start_appointment(db, clock, app, sf1601, location):
    """A deadline letter to a verified citizen whose start of treatment is booked at `location`, as received."""
    from datetime import timedelta
    from app.appointments.models import Appointment
    case, req = _request(db, clock, verified=True)
    db.add(Appointment(case_id=case.id, starts_at=clock.now() + timedelta(days=20), duration_minutes=45,
                       location=location, starts_treatment=True, created_at=clock.now()))
    db.commit()
    flows.send_deadline_letter(db, req, staff=make_staff(db), reason="Sygdom", new_date=date(2026, 12, 14),
                               now=clock.now())
    db.commit()
    run_once(app.state.engine, config=sf1601.config, clock=clock)
    (got,) = sf1601.letters.values()
    return got


def test_a_booked_start_of_treatment_goes_with_the_letter_as_a_calendar_action(db, clock, app, sf1601):
    from app.notify.memo import NS
    m = "{%s}" % NS
    got = _letter_with_start_appointment(db, clock, app, sf1601, "Clausensvej 25, 6100 Haderslev")
    (action,) = got.message.iter(m + "Action")
    assert action.findtext(m + "actionCode") == "AFTALE"
    assert (action.findtext(m + "startDateTime"), action.findtext(m + "endDateTime")) == \
        ("2026-12-13T09:00:00Z", "2026-12-13T09:45:00Z")
    assert action.findtext(f"{m}Reservation/{m}location") == "Clausensvej 25, 6100 Haderslev"


def test_a_calendar_entry_that_would_reveal_the_treatment_is_left_out_and_the_letter_still_goes(
        db, clock, app, sf1601):
    from app.notify.memo import NS
    got = _letter_with_start_appointment(db, clock, app, sf1601, "Rusmiddelcentret, Clausensvej 25")
    assert list(got.message.iter("{%s}Action" % NS)) == []
    pdf = base64.b64decode(got.text("MessageBody/MainDocument/File/content"))
    assert "Rusmiddelcentret, Clausensvej 25" in " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
