"""The signed-in citizen GET pages written with app.cases.citizen_session.citizen_page, each with the rows
it needs: the read-path tests run every one of them."""

from __future__ import annotations

from datetime import timedelta

from tests.factories.booking import make_session
from tests.factories import make_case, make_staff, sign_in_citizen


def _plan(db, clock, case, path):
    from app.plans import service as plans
    plans.create_plan(db, case_id=case.id, staff=make_staff(db, now=clock.now()), treatment_form="outpatient",
                      aim="reduction", medical=[], under_30=False, now=clock.now())
    return path


def _booking_page(db, clock, case, tail):
    from app.booking import service as booking
    session = make_session(db, now=clock.now(), day=(clock.now() + timedelta(days=3)).date())
    result = booking.book_session(db, session_id=session.id, now=clock.now(), as_relative=False, case=case)
    return f"/min-side/raadgivning/{result.booking.id}/{tail}"


def _appointment_file(db, clock, case):
    from app.appointments.models import Appointment
    from app.core.clock import local_datetime
    appointment = Appointment(case_id=case.id, starts_at=local_datetime((clock.now() + timedelta(days=2)).date(), 10),
                              created_at=clock.now())
    db.add(appointment)
    db.flush()
    return f"/min-side/aftaler/{appointment.id}.ics"


def _complaint_receipt(db, clock, case):
    from app.complaints import service as complaints
    complaint = complaints.file_complaint(db, case=case, subject=complaints.SUBJECT_PLAN, text="Min tekst",
                                          now=clock.now())
    return f"/klage/{complaint.id}/kvittering"


def _messages(db, clock, case):
    from app.messages import service as messages
    messages.send_staff_message(db, case_id=case.id, staff=make_staff(db, now=clock.now()), body="Hej fra centret",
                                now=clock.now())  # unread: the page marks it read (a write aside)
    return "/min-side/beskeder"


def _request_page(db, clock, case, tail):
    from app.requests import service as requests
    req = requests.add_request(db, case=case, area="alcohol", message="Jeg vil gerne have hjælp.", now=clock.now())
    return f"/min-side/henvendelser/{req.id}/{tail}"


def _online(db, clock, case, page):
    from app.core.clock import local_date
    from app.online import service as online
    from tests.factories.online import load_courses
    version = load_courses(db, now=clock.now())["forandring"]
    online.assign_course(db, case_id=case.id, version_id=version.id, now=clock.now())
    exercise = online.exercises_of(db, version.id)[0]
    return {"overview": "/min-side/online", "module": f"/min-side/online/modul/{exercise.module_id}",
            "exercise": f"/min-side/online/oevelse/{exercise.id}", "diary": "/min-side/online/dagbog",
            "diary-day": f"/min-side/online/dagbog/{local_date(clock.now()).isoformat()}",
            "measure": "/min-side/online/maaling"}[page]


def _online_start(db, clock, case):
    from app.requests import service as requests
    from tests.factories.online import load_courses
    load_courses(db, now=clock.now())
    requests.add_request(db, case=case, area="alcohol", message="Jeg vil gerne have hjælp.", now=clock.now())
    return "/min-side/online"


# Pages whose view is itself a write (marking the centre's messages read): they wait for the write
# lock like any writer, so the held-lock test leaves them out.
WRITES_ON_VIEW = {"messages"}

# Name → a builder of the page's path for a case (open_signed_in commits).
SIGNED_IN_PAGES = {
    "min-side": lambda db, clock, case: "/min-side",
    "plan": lambda db, clock, case: _plan(db, clock, case, "/min-side/plan"),
    "plan-print": lambda db, clock, case: _plan(db, clock, case, "/min-side/plan/print"),
    "mine-data": lambda db, clock, case: "/min-side/mine-data",
    "mine-data.pdf": lambda db, clock, case: "/min-side/mine-data.pdf",
    "mine-data.json": lambda db, clock, case: "/min-side/mine-data.json",
    "move-booking": lambda db, clock, case: _booking_page(db, clock, case, "flyt"),
    "booking-ics": lambda db, clock, case: _booking_page(db, clock, case, "kalender.ics"),
    "appointment-ics": _appointment_file,
    "complaint-receipt": _complaint_receipt,
    "messages": _messages,
    "free-choice": lambda db, clock, case: _request_page(db, clock, case, "frit-valg"),
    "delete-request": lambda db, clock, case: _request_page(db, clock, case, "slet"),
    "online-start": _online_start,
    "online": lambda db, clock, case: _online(db, clock, case, "overview"),
    "online-module": lambda db, clock, case: _online(db, clock, case, "module"),
    "online-exercise": lambda db, clock, case: _online(db, clock, case, "exercise"),
    "online-diary": lambda db, clock, case: _online(db, clock, case, "diary"),
    "online-diary-day": lambda db, clock, case: _online(db, clock, case, "diary-day"),
    "online-measure": lambda db, clock, case: _online(db, clock, case, "measure"),
}


def open_signed_in(client, db, clock, page: str) -> str:
    """A new case with what the page shows, the client signed in to it: the page's path."""
    case, code = make_case(db, now=clock.now())
    path = SIGNED_IN_PAGES[page](db, clock, case)
    db.commit()
    sign_in_citizen(client, code)
    return path
