"""The earlier-first-appointment mark as a section of the staff case page, under the requests."""

from __future__ import annotations

from sqlmodel import select

from app.core.panels import Panel
from app.earlier import service
from app.requests.models import TreatmentRequest


def staff_earlier_panel(db, case, now):
    waiting = db.exec(select(TreatmentRequest).where(
        TreatmentRequest.case_id == case.id, TreatmentRequest.status.in_(service.WAITING),
        TreatmentRequest.started_on.is_(None)).order_by(TreatmentRequest.received_at)).all()
    if not waiting:
        return None
    return Panel("staff/earlier/_case_panel.html", {
        "requests": waiting, "marked": service.wishes_of_case(db, case.id)}, order=11)
