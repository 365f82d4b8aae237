"""Staff: a reply to the citizen from the case page's thread (/personale/sager/{case_id}/beskeder)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access
from app.cases import service as cases
from app.cases.staff import case_page
from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.i18n import N_
from app.core.web import is_htmx, render, see_other
from app.messages import service
from app.staff.deps import Counsellor

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])


def _thread_block(request, db, user, case, *, errors=None, sent=False):
    """The thread alone (its template's `thread` block), the htmx answer to a reply."""
    return render(request, "staff/messages/_case_panel.html", {
        "user": user, "case": case, "p": {"messages": service.thread(db, case.id)}, "errors": errors or {},
        "form": {}, "sent": sent}, block="thread")


@router.post("/sager/{case_id}/beskeder")
def reply_to_citizen(request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
                     body: Annotated[str, Form(max_length=5000)] = ""):
    case = cases.get_case(db, case_id)
    try:
        service.send_staff_message(db, case_id=case.id, staff=user, body=body, now=now)
    except service.MessageError as err:
        if is_htmx(request):  # htmx does not swap 4xx answers: show the error in the thread block
            return _thread_block(request, db, user, case, errors={"body": err.message})
        return case_page(request, db, now, user, case, errors={"body": err.message}, form={"body": body},
                         status=422)
    record_access(db, staff=user, case_id=case.id, action="send_message", now=now)
    if is_htmx(request):
        return _thread_block(request, db, user, case, sent=True)
    return see_other(f"/personale/sager/{case.id}#beskeder", flash=N_("Beskeden er sendt."))
