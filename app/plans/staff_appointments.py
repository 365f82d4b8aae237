"""Staff pages for a case's appointments: book one, mark attendance, move one; with the MOVE gift cards
they earn. Here, not in appointments/, because the page shows plan data (a plan lists appointments)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.appointments import service
from app.appointments.models import AppointmentKind
from app.audit.service import record_access
from app.cases import service as cases
from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.i18n import N_
from app.core.web import render, see_other
from app.plans import service as plans
from app.staff.deps import AnyStaff

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])

Short = Annotated[str, Form(max_length=300)]


def _page(request, db, user, now, case_id, *, form=None, errors=None, status=200):
    case = cases.get_case(db, case_id)
    earned, given = plans.cards_for_case(db, case_id)
    return render(request, "staff/appointments/appointments.html", {
        "user": user, "case": case,
        "appointments": service.list_for_case(db, case_id), "kinds": [k.value for k in AppointmentKind],
        "markable": [a.value for a in service.MARKABLE], "now": now, "earned": earned, "given": given,
        "form": form or {"kind": "individual", "duration_minutes": "60"}, "errors": errors or {},
    }, status=status)


@router.get("/sager/{case_id}/aftaler")
def show_appointments(request: Request, db: DB, now: Now, user: AnyStaff, case_id: int):
    cases.get_case(db, case_id)
    record_access(db, staff=user, case_id=case_id, action="view_appointments", now=now)
    return _page(request, db, user, now, case_id)


@router.post("/sager/{case_id}/aftaler")
def book_appointment(request: Request, db: DB, now: Now, user: AnyStaff, case_id: int,
                     kind: Short = "", day: Short = "", time: Short = "", duration_minutes: Short = "60",
                     location: Short = "", video_url: Short = "", starts_treatment: Short = "", note: Short = ""):
    fields = dict(kind=kind, day=day, time=time, duration_minutes=duration_minutes, location=location,
                  video_url=video_url, note=note)
    try:
        plans.book_case_appointment(db, case_id=case_id, staff_id=user.id,
                                    starts_treatment=starts_treatment == "1", now=now, **fields)
    except service.AppointmentError as err:
        return _page(request, db, user, now, case_id, form={**fields, "starts_treatment": starts_treatment},
                     errors={err.field: err.message}, status=422)
    record_access(db, staff=user, case_id=case_id, action="book_appointment", now=now)
    return see_other(f"/personale/sager/{case_id}/aftaler", flash=N_("Aftalen er booket."))


@router.post("/sager/{case_id}/aftaler/{appointment_id}/fremmoede")
def mark_attendance(request: Request, db: DB, now: Now, user: AnyStaff, case_id: int, appointment_id: int,
                    attendance: Short = ""):
    appointment = service.get_for_case(db, case_id=case_id, appointment_id=appointment_id)
    try:
        service.mark_attendance(db, appointment=appointment, attendance=attendance, now=now)
    except service.AppointmentError as err:
        db.refresh(appointment)
        return _page(request, db, user, now, case_id, errors={f"a{appointment_id}-attendance": err.message},
                     status=422)
    record_access(db, staff=user, case_id=case_id, action="attendance", now=now, detail=attendance)
    return see_other(f"/personale/sager/{case_id}/aftaler", flash=N_("Fremmødet er gemt."))


@router.post("/sager/{case_id}/aftaler/{appointment_id}/flyt")
def move_appointment(request: Request, db: DB, now: Now, user: AnyStaff, case_id: int, appointment_id: int,
                     day: Short = "", time: Short = ""):
    appointment = service.get_for_case(db, case_id=case_id, appointment_id=appointment_id)
    try:
        service.move_appointment(db, appointment=appointment, day=day, time=time, now=now)
    except service.AppointmentError as err:
        db.refresh(appointment)
        return _page(request, db, user, now, case_id, errors={f"a{appointment_id}-{err.field}": err.message},
                     status=422)
    record_access(db, staff=user, case_id=case_id, action="move_appointment", now=now)
    return see_other(f"/personale/sager/{case_id}/aftaler", flash=N_("Aftalen er flyttet."))
