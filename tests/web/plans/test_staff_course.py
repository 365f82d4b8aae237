"""Staff pages for appointments, attendance, MOVE gift cards, discharge and follow-up."""

from datetime import timedelta

from sqlmodel import select

from app.appointments.models import Appointment
from app.audit.models import AccessLogEntry
from app.plans import service
from app.plans.models import FollowUp, GiftCard
from tests.factories import make_case, make_staff, sign_in_staff


def test_book_appointment_and_mark_attendance(client, db, clock):
    user = make_staff(db, role="reception", now=clock.now())
    sign_in_staff(client, user)
    case, _ = make_case(db, now=clock.now())
    r = client.submit(f"/personale/sager/{case.id}/aftaler", {"kind": "video", "day": "2026-11-23", "time": "14:00",
                                                              "duration_minutes": "45", "video_url": "ftp://x"})
    assert r.status_code == 422 and 'href="#video_url"' in r.text and 'value="2026-11-23"' in r.text
    r = client.submit(f"/personale/sager/{case.id}/aftaler", {"kind": "individual", "day": "2026-11-23",
                                                              "time": "09:30", "duration_minutes": "45",
                                                              "starts_treatment": "1"})
    assert r.status_code == 303
    db.rollback()
    appt = db.exec(select(Appointment).where(Appointment.case_id == case.id)).one()
    assert appt.starts_treatment
    r = client.submit(f"/personale/sager/{case.id}/aftaler/{appt.id}/fremmoede", {"attendance": "attended"})
    assert r.status_code == 303
    db.rollback()
    db.refresh(appt)
    assert appt.attendance == "attended"
    other, _ = make_case(db, now=clock.now())
    assert client.submit(f"/personale/sager/{other.id}/aftaler/{appt.id}/fremmoede",
                         {"attendance": "no_show"}).status_code == 404
    actions = [e.action for e in db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id))]
    assert actions == ["book_appointment", "attendance"]


def test_gift_card_list_and_hand_out(client, db, clock):
    user = make_staff(db, role="reception", now=clock.now())
    counsellor = make_staff(db, username="counsellor-c", now=clock.now())
    case, _ = make_case(db, now=clock.now())
    service.create_plan(db, case_id=case.id, staff=counsellor, treatment_form="move", aim="reduction", medical=[],
                        under_30=True, now=clock.now())
    for days in (1, 2):
        db.add(Appointment(case_id=case.id, kind="individual", starts_at=clock.now() - timedelta(days=days),
                           attendance="attended", created_at=clock.now()))
    db.commit()
    sign_in_staff(client, user)
    page = client.get("/personale/gavekort")
    assert case.pseudonym in page.text and f"/personale/gavekort/{case.id}/1" in page.text
    assert client.submit(f"/personale/gavekort/{case.id}/2").status_code == 404  # not earned
    assert client.submit(f"/personale/gavekort/{case.id}/1").status_code == 303
    assert client.submit(f"/personale/gavekort/{case.id}/1").status_code == 303  # twice: told, not doubled
    db.rollback()
    assert len(db.exec(select(GiftCard)).all()) == 1
    assert case.pseudonym not in client.get("/personale/gavekort").text


def test_discharge_creates_follow_ups_listed_until_done(client, db, clock):
    user = make_staff(db, now=clock.now())
    sign_in_staff(client, user)
    case, _ = make_case(db, now=clock.now())
    r = client.submit(f"/personale/sager/{case.id}/udskrivning", {"reason": ""})
    assert r.status_code == 422 and 'href="#reason"' in r.text
    r = client.submit(f"/personale/sager/{case.id}/udskrivning", {"reason": "completed", "note": "Flot forløb"})
    assert r.status_code == 303
    page = client.get(f"/personale/sager/{case.id}/udskrivning")
    assert "23.12.2026" in page.text and "23.05.2027" in page.text
    listing = client.get("/personale/opfoelgning")
    assert listing.text.count(case.pseudonym) == 2
    db.rollback()
    first = db.exec(select(FollowUp).where(FollowUp.months == 1)).one()
    r = client.submit(f"/personale/opfoelgning/{first.id}", {"outcome": ""})
    assert r.status_code == 422
    assert client.submit(f"/personale/opfoelgning/{first.id}", {"outcome": "done", "note": "OK"}).status_code == 303
    assert client.get("/personale/opfoelgning").text.count(case.pseudonym) == 1


def test_appointment_after_discharge_is_follow_up(client, db, clock):
    user = make_staff(db, now=clock.now())
    sign_in_staff(client, user)
    case, _ = make_case(db, now=clock.now())
    client.submit(f"/personale/sager/{case.id}/udskrivning", {"reason": "completed"})
    client.submit(f"/personale/sager/{case.id}/aftaler", {"kind": "individual", "day": "2026-12-23", "time": "10:00",
                                                          "duration_minutes": "30"})
    db.rollback()
    assert db.exec(select(Appointment).where(Appointment.case_id == case.id)).one().in_follow_up


def test_moving_an_appointment_keeps_its_calendar_uid(client, db, clock, make_client):
    from tests.factories import sign_in_citizen

    user = make_staff(db, role="reception", now=clock.now())
    sign_in_staff(client, user)
    case, code = make_case(db, now=clock.now())
    client.submit(f"/personale/sager/{case.id}/aftaler", {"kind": "individual", "day": "2026-11-30", "time": "10:00",
                                                          "duration_minutes": "60"})
    db.rollback()
    appt = db.exec(select(Appointment).where(Appointment.case_id == case.id)).one()
    citizen = make_client()
    sign_in_citizen(citizen, code)
    before = citizen.get(f"/min-side/aftaler/{appt.id}.ics").text
    r = client.submit(f"/personale/sager/{case.id}/aftaler/{appt.id}/flyt", {"day": "2026-11-01", "time": "10:00"})
    assert r.status_code == 422 and f'href="#a{appt.id}-day"' in r.text
    r = client.submit(f"/personale/sager/{case.id}/aftaler/{appt.id}/flyt", {"day": "2026-12-02", "time": "11:15"})
    assert r.status_code == 303
    after = citizen.get(f"/min-side/aftaler/{appt.id}.ics").text
    uid = f"UID:aftale-{appt.id}@selvbetjening.invalid"
    assert uid in before and uid in after
    # Copenhagen wall-clock time with its VTIMEZONE, like the bookings' files
    assert "DTSTART;TZID=Europe/Copenhagen:20261202T111500" in after
    assert "DTSTART;TZID=Europe/Copenhagen:20261130T100000" in before
