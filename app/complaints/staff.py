"""Staff: the complaints list, re-assessment, forwarding with the case file, Ankestyrelsen's outcome,
and registering a complaint received by phone, letter or in person. Thin routes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access
from app.cases import service as cases
from app.complaints import service
from app.complaints.case_file import build_case_file
from app.core.clock import local_date, local_datetime
from app.core.deps import DB, AppCentre, Now
from app.staff.session import staff_session
from app.core.i18n import N_
from app.core.web import render, see_other
from app.decisions import service as decisions
from app.decisions.models import Decision
from app.staff.deps import Counsellor

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])

Text = Annotated[str, Form(max_length=8000)]
Short = Annotated[str, Form(max_length=40)]


@router.get("/klager")
def list_complaints(request: Request, db: DB, now: Now, user: Counsellor):
    record_access(db, staff=user, case_id=None, action="list_complaints", now=now)
    return render(request, "staff/complaints/list.html", {
        "user": user, "today": local_date(now),
        "open": service.open_complaints(db, now=now), "closed": service.recently_closed(db, now=now),
    })


def _detail(request: Request, db, user, complaint, now, *, form=None, errors=None, status=200):
    case = cases.get_case(db, complaint.case_id)
    decision = db.get(Decision, complaint.decision_id) if complaint.decision_id else None
    return render(request, "staff/complaints/detail.html", {
        "user": user, "complaint": complaint, "case": case, "decision": decision,
        "new_decision": db.get(Decision, complaint.new_decision_id) if complaint.new_decision_id else None,
        "block": service.forwarding_block(db, complaint),
        "forwarding_deadline": service.forwarding_deadline(complaint), "today": local_date(now),
        "form": form or {}, "errors": errors or {},
    }, status=status)


def _open(db, user, complaint_id: int, action: str, now):
    """Find the complaint and log the staff member's access to its case (read or change)."""
    complaint = service.get_complaint(db, complaint_id)
    record_access(db, staff=user, case_id=complaint.case_id, action=action, now=now,
                  detail=f"complaint {complaint.id}")
    return complaint


def _back(complaint, flash: str):
    """POST-redirect-GET to the complaint's page with a message."""
    return see_other(f"/personale/klager/{complaint.id}", flash=flash)


@router.get("/klager/{complaint_id}")
def show_complaint(request: Request, db: DB, now: Now, user: Counsellor, complaint_id: int):
    complaint = _open(db, user, complaint_id, "view_complaint", now)
    return _detail(request, db, user, complaint, now)


def _parse_changed(value: str) -> bool | None:
    return {"changed": True, "upheld": False}.get(value)


@router.post("/klager/{complaint_id}/genvurdering")
def reassess_complaint(
    request: Request, db: DB, now: Now, centre: AppCentre, user: Counsellor, complaint_id: int,
    result: Short = "", reassessment: Text = "", treatment_type: Short = "", legal_basis: Short = "",
    rules_applied: Text = "", considerations: Text = "", key_facts: Text = "",
):
    complaint = _open(db, user, complaint_id, "reassess_complaint", now)
    form = {"result": result, "reassessment": reassessment, "treatment_type": treatment_type,
            "legal_basis": legal_basis, "rules_applied": rules_applied, "considerations": considerations,
            "key_facts": key_facts}
    new = decisions.DecisionInput(treatment_type, legal_basis, rules_applied, considerations, key_facts)
    try:
        service.reassess_complaint(db, complaint=complaint, staff=user, changed=_parse_changed(result),
                                   reassessment=reassessment, centre=centre, now=now, new_decision=new)
    except service.ComplaintError as err:
        errors = {("result" if k == "changed" else k): v for k, v in err.errors.items()}
        return _detail(request, db, user, complaint, now, form=form, errors=errors, status=422)
    except decisions.DecisionAlreadyReplaced:
        return _back(complaint, N_("Afgørelsen er allerede erstattet af en nyere."))
    except service.TransitionNotAllowed as err:
        return _back(complaint, err.reason)
    return _back(complaint, N_("Genvurderingen er gemt. Borgeren kan se den på Min side."))


@router.post("/klager/{complaint_id}/videresend")
def forward_complaint(request: Request, db: DB, now: Now, user: Counsellor, complaint_id: int):
    complaint = _open(db, user, complaint_id, "forward_complaint", now)
    try:
        service.forward_complaint(db, complaint=complaint, staff=user, now=now)
    except service.TransitionNotAllowed as err:
        return _back(complaint, err.reason)
    return _back(complaint, N_("Videresendelsen til Ankestyrelsen er registreret. Borgeren kan se det på Min side."))


@router.post("/klager/{complaint_id}/resultat")
def record_complaint_outcome(
    request: Request, db: DB, now: Now, user: Counsellor, complaint_id: int,
    outcome: Short = "", outcome_text: Text = "",
):
    complaint = _open(db, user, complaint_id, "complaint_outcome", now)
    try:
        service.record_outcome(db, complaint=complaint, staff=user, outcome=outcome, text=outcome_text, now=now)
    except service.ComplaintError as err:
        return _detail(request, db, user, complaint, now, form={"outcome": outcome, "outcome_text": outcome_text},
                       errors=err.errors, status=422)
    except service.TransitionNotAllowed as err:
        return _back(complaint, err.reason)
    return _back(complaint, N_("Ankestyrelsens afgørelse er registreret."))


@router.get("/klager/{complaint_id}/sagsakter")
def show_case_file(request: Request, db: DB, now: Now, user: Counsellor, complaint_id: int):
    """The printable case file for Ankestyrelsen: exactly this complaint's case."""
    complaint = _open(db, user, complaint_id, "export", now)
    return render(request, "staff/complaints/case_file.html", {
        "user": user, "complaint": complaint,
        "case": cases.get_case(db, complaint.case_id), "sections": build_case_file(db, complaint, now, request.app.state.house.case_file_sections),
        "printed_at": now,
    })


def _register_page(request: Request, db, user, case, now, *, form=None, errors=None, status=200):
    return render(request, "staff/complaints/register.html", {
        "user": user, "case": case, "options": service.complaint_options(db, case.id),
        "staff_channels": service.STAFF_CHANNELS, "today": local_date(now),
        "form": form or {"channel": "phone", "received_on": local_date(now).isoformat()}, "errors": errors or {},
    }, status=status)


@router.get("/sager/{case_id}/klager/ny")
def show_register_complaint(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    case = cases.get_case(db, case_id)
    record_access(db, staff=user, case_id=case.id, action="view_decisions", now=now)
    return _register_page(request, db, user, case, now)


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@router.post("/sager/{case_id}/klager/ny")
def register_complaint(
    request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
    subject: Short = "", text: Text = "", channel: Short = "", received_on: Short = "",
):
    case = cases.get_case(db, case_id)
    record_access(db, staff=user, case_id=case.id, action="register_complaint", now=now)
    form = {"subject": subject, "text": text, "channel": channel, "received_on": received_on}
    day = _parse_day(received_on)
    if day is None:
        return _register_page(request, db, user, case, now, form=form, status=422,
                              errors={"received_on": N_("Skriv datoen som åååå-mm-dd, fx 2026-11-23.")})
    received_at = now if day == local_date(now) else local_datetime(day, 12)
    if channel not in service.STAFF_CHANNELS:
        channel = ""
    try:
        complaint = service.file_complaint(db, case=case, subject=subject, text=text, now=now,
                                           channel=channel, staff=user, received_at=received_at)
    except service.ComplaintError as err:
        return _register_page(request, db, user, case, now, form=form, errors=err.errors, status=422)
    return _back(complaint, N_("Klagen er registreret."))
