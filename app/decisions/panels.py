"""Decisions on Min side and on the staff's case page."""

from __future__ import annotations

from app.core.panels import Panel
from app.decisions import service


def decisions_panel(db, case, now, found) -> Panel | None:
    rows = service.decisions_for_case(db, case.id) if found["decisions"] else []
    if not rows:
        return None
    return Panel("public/decisions/_panel.html", {
        "decisions": rows, "deadline": service.complaint_deadline,
        "route": service.complaint_route, "patientklager_url": service.PATIENTKLAGER_URL,
    }, order=50)


def staff_decisions_panel(db, case, now) -> Panel:
    return Panel("staff/decisions/_panel.html", {
        "case": case, "decisions": service.active_decisions(db, case.id),
    }, order=50)
