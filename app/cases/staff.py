"""Staff: the case page (/personale/sager/{case_id}), made of the domains' sections, and a new code."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from app.audit.service import record_access
from app.cases import service
from app.cases.panels import build_staff_panels
from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.web import render
from app.staff.deps import Counsellor

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])


def _render(request, user, case, panels, *, errors=None, form=None, status=200):
    return render(request, "staff/cases/case.html", {
        "user": user, "case": case, "panels": panels, "errors": errors or {}, "form": form or {}
    }, status=status)


def case_page(request, db, now, user, case, *, errors=None, form=None, status=200):
    """The case page again with a domain's action errors (status 422), what was typed kept in `form`;
    a section's field errors are keyed by the field's id."""
    panels = build_staff_panels(db, case, now, request.app.state.house.staff_case_panels)
    return _render(request, user, case, panels, errors=errors, form=form, status=status)


@router.get("/sager/{case_id}")
def show_case(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    case = service.get_case(db, case_id)
    record_access(db, staff=user, case_id=case.id, action="view_case", now=now)
    panels = build_staff_panels(db, case, now, request.app.state.house.staff_case_panels)
    response = _render(request, user, case, panels)  # rendered before the sections mark anything seen
    for panel in panels:
        if panel.seen:
            panel.seen()
    return response


@router.get("/sager/{case_id}/ny-kode")
def confirm_reissue_code(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    case = service.get_case(db, case_id)
    record_access(db, staff=user, case_id=case.id, action="view_case", now=now, detail="reissue code page")
    return render(request, "staff/cases/reissue.html",
                  {"user": user, "case": case, "code": None})


@router.post("/sager/{case_id}/ny-kode")
def reissue_code(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    """A new code for a citizen who lost theirs, shown once to the member of staff to hand over in person.
    The old code and all its sessions stop working. The code is never logged or stored."""
    case = service.get_case(db, case_id)
    code = service.reissue_code(db, case, now=now)
    record_access(db, staff=user, case_id=case.id, action="reissue_code", now=now)
    return render(request, "staff/cases/reissue.html",
                  {"user": user, "case": case, "code": code})
