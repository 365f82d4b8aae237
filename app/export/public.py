"""/min-side/mine-data: the citizen's own copy of everything the portal holds about their case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.audit.service import log_for_citizen
from app.cases.citizen_session import citizen_page, signed_in_case
from app.core.web import language, render
from app.export import files
from app.export.service import build_export

router = APIRouter()


def _copy(request: Request, db, now, session) -> files.Copy:
    settings = request.app.state.settings
    case = signed_in_case(db, session)
    return files.Copy(
        sections=build_export(db, case, now, request.app.state.house.export_sections),
        log_lines=log_for_citizen(db, case.id, show_first_name=settings.show_staff_first_name_in_log),
        made_at=now, centre_name=request.app.state.centre.name, lang=language(request))


@router.get("/min-side/mine-data")
@citizen_page
def show_my_data(request: Request, db, session, now):
    copy = _copy(request, db, now, session)
    return render(request, "public/trust/my_data.html", {
        "signed_in": True, "now": now, "sections": copy.sections, "lines": copy.log_lines, "limit": None,
    })


def _download(content: bytes, media_type: str, name: str) -> Response:
    # The file name says nothing about the centre or the subject: it may land in a shared Downloads folder.
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/min-side/mine-data.pdf")
@citizen_page
def download_my_data_pdf(request: Request, db, session, now):
    return _download(files.as_pdf(_copy(request, db, now, session)), "application/pdf", "mine-data.pdf")


@router.get("/min-side/mine-data.json")
@citizen_page
def download_my_data_json(request: Request, db, session, now):
    return _download(files.as_json(_copy(request, db, now, session)), "application/json", "mine-data.json")
