"""/min-side/beskeder: the citizen reads the thread and writes to the centre."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.cases.citizen_session import CitizenSession, citizen_page, signed_in_case
from app.core.deps import DB, Now
from app.core.i18n import N_
from app.core.web import is_htmx, render, see_other
from app.messages import service

router = APIRouter()

TEMPLATE = "public/messages/messages.html"


def _thread_page(request, db, case, now, *, form=None, errors=None, status=200, messages=None):
    messages = service.thread(db, case.id) if messages is None else messages
    return render(request, TEMPLATE, {"case": case, "messages": messages, "form": form or {},
                                      "errors": errors or {}, "signed_in": True}, status=status)


def _thread_block(request, db, case, *, form=None, errors=None, sent=False):
    return render(request, TEMPLATE,
                  {"case": case, "messages": service.thread(db, case.id), "form": form or {},
                   "errors": errors or {}, "sent": sent}, block="thread")


@router.get("/min-side/beskeder")
@citizen_page
def show_citizen_messages(request: Request, db, session, now):
    case = signed_in_case(db, session)
    messages = service.thread(db, case.id)
    response = _thread_page(request, db, case, now, messages=messages)
    if any(m.from_staff and m.read_at is None for m in messages):  # nothing to mark: no write, no lock
        service.mark_read_by_citizen(db, case_id=case.id, now=now)
    return response


@router.post("/min-side/beskeder")
def send_citizen_message(request: Request, db: DB, now: Now, session: CitizenSession,
                         body: Annotated[str, Form(max_length=5000)] = ""):
    case = signed_in_case(db, session)
    try:
        service.send_citizen_message(db, case_id=case.id, body=body, now=now)
    except service.MessageError as err:
        if is_htmx(request):  # htmx does not swap 4xx answers: show the error in the thread block
            return _thread_block(request, db, case, form={"body": body}, errors={"body": err.message})
        return _thread_page(request, db, case, now, form={"body": body}, errors={"body": err.message}, status=422)
    if is_htmx(request):
        return _thread_block(request, db, case, sent=True)
    return see_other("/min-side/beskeder#ny-besked", flash=N_("Din besked er sendt."))
