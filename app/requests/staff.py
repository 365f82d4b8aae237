"""Staff: the requests inbox and the request actions on the case page (the page itself: cases/staff.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access, record_list_view
from app.cases import service as cases
from app.cases.models import CitizenCase
from app.cases.staff import case_page
from app.core.input_guard import form_number
from app.core.deps import DB, AppCentre, Now
from app.staff.session import staff_session
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.web import render, see_other
from app.messages import service as messages
from app.requests import flows, service
from app.requests.models import Area, RequestStatus
from app.staff.deps import Counsellor

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])


def _date(value: str) -> date | None:
    """An <input type=date> value (yyyy-mm-dd), or dd.mm.yyyy typed by hand."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@router.get("/indbakke")
def show_inbox(request: Request, db: DB, now: Now, user: Counsellor, area: str = "", status: str = "",
               side: str = ""):
    area = area if area in {a.value for a in Area} else ""
    status = status if status in {s.value for s in RequestStatus} else ""
    page = form_number(side) or 1  # anything else: the first page
    inbox = flows.inbox(db, now=now, area=area or None, status=status or None, page=page)
    # The inbox shows many cases at once: one entry for the list (at most once a minute), one per
    # case opened from it.
    record_list_view(db, staff=user, action="view_inbox", now=now)
    filters = {"area": area, "status": status}
    return render(request, "staff/requests/inbox.html", {
        "user": user, "rows": inbox.rows, "inbox": inbox, "filters": filters,
        "page_url": lambda n: "/personale/indbakke?" + urlencode({**{k: v for k, v in filters.items() if v}, "side": n}),
        "unread_total": messages.unread_total_for_staff(db), "several": service.sources_with_several(db),
    })


@router.post("/indbakke/forbindelse")
def remove_requests_from_source(request: Request, db: DB, now: Now, user: Counsellor,
                                source: Annotated[str, Form(max_length=100)] = ""):
    """One action removes a flood of anonymous requests nobody has looked at (same connection, same
    day); each case's access log keeps who did it, though the case itself goes with its request."""
    for case_id in service.remove_requests_from_source(db, tag=source[:16], now=now):
        record_access(db, staff=user, case_id=case_id, action="remove_junk_request", now=now)
    return see_other("/personale/indbakke",
                     flash=N_("Henvendelserne fra den forbindelse er fjernet."))


def _request(db, case: CitizenCase, request_id: int):
    try:
        return service.get_request(db, case_id=case.id, request_id=request_id)
    except service.RequestNotFound:
        raise NotFound() from None


def _request_action(request, db, now, user, case_id, request_id, action, apply):
    """Shared shape of the per-request actions: find, apply, log, redirect (or re-render with the error)."""
    case = cases.get_case(db, case_id)
    req = _request(db, case, request_id)
    try:
        apply(req)
    except service.RequestError as err:
        return case_page(request, db, now, user, case, errors={f"{err.field}-{req.id}": err.message}, status=422)
    record_access(db, staff=user, case_id=case.id, action=action, now=now, detail=f"request {req.id}")
    return see_other(f"/personale/sager/{case.id}#henvendelse-{req.id}", flash=N_("Ændringen er gemt."))


@router.post("/sager/{case_id}/henvendelser/{request_id}/status")
def change_request_status(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, request_id: int,
                          status: Annotated[str, Form(max_length=20)] = ""):
    return _request_action(request, db, now, user, case_id, request_id, "request_status",
                           lambda req: service.set_status(db, req, status=status, now=now))


@router.post("/sager/{case_id}/henvendelser/{request_id}/behandler")
def assign_counsellor(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, request_id: int,
                      counsellor_id: Annotated[str, Form(max_length=12)] = ""):
    staff_id = form_number(counsellor_id)
    return _request_action(request, db, now, user, case_id, request_id, "assign_counsellor",
                           lambda req: service.assign_counsellor(db, req, staff_id=staff_id, now=now))


@router.post("/sager/{case_id}/henvendelser/{request_id}/start")
def record_start(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, request_id: int,
                 started_on: Annotated[str, Form(max_length=20)] = ""):
    return _request_action(request, db, now, user, case_id, request_id, "record_start",
                           lambda req: service.record_start(db, req, started_on=_date(started_on), now=now))


@router.post("/sager/{case_id}/henvendelser/{request_id}/fristbrev")
def send_deadline_letter(request: Request, db: DB, now: Now, centre: AppCentre, user: Counsellor, case_id: int,
                         request_id: int,
                         reason: Annotated[str, Form(max_length=2000)] = "",
                         new_date: Annotated[str, Form(max_length=20)] = ""):
    return _request_action(request, db, now, user, case_id, request_id, "deadline_letter",
                           lambda req: flows.send_deadline_letter(db, req, staff=user, reason=reason,
                                                                  new_date=_date(new_date), now=now, centre=centre))


@router.post("/sager/{case_id}/henvendelser/{request_id}/frit-valg")
def record_free_choice(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, request_id: int):
    return _request_action(request, db, now, user, case_id, request_id, "free_choice",
                           lambda req: service.choose_free_choice(db, req, by="staff", now=now))


@router.post("/sager/{case_id}/henvendelser")
def register_new_request(request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
                         area: Annotated[str, Form(max_length=20)] = "",
                         message: Annotated[str, Form(max_length=4000)] = ""):
    """The citizen asks for treatment again (e.g. at a follow-up call): a new 14-day clock."""
    case = cases.get_case(db, case_id)
    try:
        service.add_request(db, case=case, area=area, message=message, now=now)
    except service.RequestError as err:
        return case_page(request, db, now, user, case, errors={"new-area": err.message},
                          form={"area": area, "message": message}, status=422)
    record_access(db, staff=user, case_id=case.id, action="new_request", now=now)
    return see_other(f"/personale/sager/{case.id}", flash=N_("Den nye henvendelse er registreret. En ny 14-dagesfrist løber."))
