"""Staff pages: mark a request "ønsker en tidligere første samtale" (on the case page), and the list of
freed first-appointment times with the request each should go to."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access, record_list_view
from app.cases import service as cases
from app.cases.staff import case_page
from app.core.deps import DB, Now
from app.core.i18n import N_
from app.core.input_guard import form_number
from app.core.web import render, see_other
from app.earlier import service
from app.staff.deps import Counsellor
from app.staff.session import staff_session

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])

REASONS = {
    "not_waiting": N_("Henvendelsen venter ikke længere på en første samtale."),
    "not_free": N_("Tiden er ikke længere ledig."),
    "taken": N_("Tiden er allerede givet til en sag."),
    "not_marked": N_("Sagen ønsker ikke længere en tidligere tid."),
    "no_later": N_("Sagen har allerede en tidligere første samtale."),
}
Short = Annotated[str, Form(max_length=20)]


@router.post("/sager/{case_id}/henvendelser/{request_id}/tidligere")
def mark_earlier_wish(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, request_id: int,
                      wish: Short = ""):
    case = cases.get_case(db, case_id)
    try:
        marked = service.mark_wish(db, case_id=case.id, request_id=request_id, wants=wish == "1", staff_id=user.id,
                                   now=now)
    except service.EarlierError as err:
        return case_page(request, db, now, user, case, errors={f"tidligere-{request_id}": REASONS[err.reason]},
                         status=422)
    record_access(db, staff=user, case_id=case.id, action="edit_case", detail="earlier_start", now=now)
    return see_other(f"/personale/sager/{case.id}#henvendelse-{request_id}",
                     flash=N_("Markeret: sagen får tilbudt en tidligere første samtale, hvis en tid bliver ledig.")
                     if marked else N_("Markeringen er fjernet."))


def _page(request, db, now, user, *, errors=None, status=200):
    record_list_view(db, staff=user, action="view_earlier_list", now=now)
    return render(request, "staff/earlier/list.html", {
        "user": user, "slots": service.freed_slots(db, now=now), "waiting": service.candidates(db),
        "now": now, "errors": errors or {}, "days_left": service.days_left,
        "figures": service.earlier_figures(db, start=now - timedelta(days=90), end=now + timedelta(seconds=1)),
    }, status=status)


@router.get("/tidligere-tider")
def earlier_times(request: Request, db: DB, now: Now, user: Counsellor):
    return _page(request, db, now, user)


@router.post("/tidligere-tider/{appointment_id}")
def give_earlier_time(request: Request, db: DB, now: Now, user: Counsellor, appointment_id: int,
                      request_id: Short = ""):
    number = form_number(request_id)
    if number is None:
        return _page(request, db, now, user, errors={f"tid-{appointment_id}": REASONS["not_marked"]}, status=422)
    try:
        given = service.give_slot(db, appointment_id=appointment_id, request_id=number, staff_id=user.id, now=now)
    except service.EarlierError as err:
        return _page(request, db, now, user, errors={f"tid-{appointment_id}": REASONS[err.reason]}, status=422)
    record_access(db, staff=user, case_id=given.case_id, action="appointment", detail="earlier_start", now=now)
    return see_other("/personale/tidligere-tider",
                     flash=N_("Tiden er givet til sagen. Ring eller skriv til borgeren om den nye tid."))
