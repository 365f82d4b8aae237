"""/klage: how to complain, and (signed in with the code) the complaint form and its receipt."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.cases.citizen_session import CitizenSession, citizen_page, optional_citizen_session, signed_in_case
from app.complaints import service
from app.core.deps import DB, Now
from app.core.web import render, see_other
from app.decisions import service as decisions

router = APIRouter()


def _page(request: Request, db, session, *, form=None, errors=None, status=200):
    options, elsewhere = [], []
    if session is not None:
        options = service.complaint_options(db, session.case_id)
        elsewhere = service.patientklager_decisions(db, session.case_id)
    return render(request, "public/complaints/klage.html", {
        "signed_in": session is not None, "options": options, "elsewhere": elsewhere,
        "route": decisions.complaint_route, "patientklager_url": decisions.PATIENTKLAGER_URL,
        "ankestyrelsen_url": decisions.ANKESTYRELSEN_URL,
        "form": form or {}, "errors": errors or {},
    }, status=status)


@router.get("/klage")
def show_complaint_page(request: Request, db: DB, now: Now, om: str = ""):
    session = optional_citizen_session(request, db, now)  # /klage is public; the form is for the signed-in only
    return _page(request, db, session, form={"subject": om[:30]})


@router.post("/klage")
def send_complaint(
    request: Request, db: DB, now: Now, session: CitizenSession,
    subject: Annotated[str, Form(max_length=40)] = "", text: Annotated[str, Form(max_length=8000)] = "",
):
    case = signed_in_case(db, session)
    try:
        complaint = service.file_complaint(db, case=case, subject=subject, text=text, now=now)
    except service.ComplaintError as err:
        return _page(request, db, session, form={"subject": subject, "text": text}, errors=err.errors, status=422)
    return see_other(f"/klage/{complaint.id}/kvittering")


@router.get("/klage/{complaint_id}/kvittering")
@citizen_page
def show_complaint_receipt(request: Request, db, session, now, complaint_id: int):
    complaint = service.get_case_complaint(db, case_id=session.case_id, complaint_id=complaint_id)
    decision = decisions.get_case_decision(db, case_id=session.case_id, decision_id=complaint.decision_id) \
        if complaint.decision_id else None
    return render(request, "public/complaints/receipt.html", {
        "complaint": complaint, "decision": decision,
        "no_appeal": decision is not None and decisions.complaint_route(decision.legal_basis) == decisions.ROUTE_NO_APPEAL,
        "signed_in": True,
    })
