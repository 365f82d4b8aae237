"""The citizen's own appointments: a calendar file for each (only ever their own case's)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.appointments import service
from app.cases.citizen_session import citizen_page
from app.core.i18n import N_
from app.core.web import translate

router = APIRouter()


@router.get("/min-side/aftaler/{appointment_id}.ics")
@citizen_page
def download_appointment_ics(request: Request, db, session, now, appointment_id: int):
    centre = request.app.state.centre
    appointment = service.get_for_case(db, case_id=session.case_id, appointment_id=appointment_id)
    # Neutral on purpose: calendars show on lock screens and shared phones (app/core/calendar.py).
    body = service.ics_for(appointment, summary=translate(request, N_("Aftale")),
                           centre_name=f"{centre.address}, {centre.postcode_city}", now=now)
    return Response(body, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="aftale-{appointment.id}.ics"',
        "Cache-Control": "no-store"})
