"""/min-side/mine-data: the citizen's own copy of everything the portal holds about their case."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.audit.service import log_for_citizen
from app.cases.public import signed_in_case
from app.core.deps import DB, AppSettings, CitizenSession, Now
from app.core.web import render
from app.export.service import build_export

router = APIRouter()


@router.get("/min-side/mine-data")
def show_my_data(request: Request, db: DB, now: Now, settings: AppSettings, session: CitizenSession):
    case = signed_in_case(db, session)
    return render(request, "public/trust/my_data.html", {
        "case": case, "signed_in": True, "now": now, "sections": build_export(db, case, now, request.app.state.house.export_sections),
        "lines": log_for_citizen(db, case.id, show_first_name=settings.show_staff_first_name_in_log),
        "limit": None,
    })
