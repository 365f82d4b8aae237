"""Complaints on Min side (status at every step), on the staff's case page and on a case's decisions page."""

from __future__ import annotations

from app.core.panels import Panel
from app.complaints import service
from app.decisions.models import Decision


def _with_decisions(db, rows):
    return [(c, db.get(Decision, c.decision_id) if c.decision_id else None,
             db.get(Decision, c.new_decision_id) if c.new_decision_id else None) for c in rows]


def complaints_panel(db, case, now, found) -> Panel | None:
    rows = service.complaints_for_case(db, case.id) if found["complaints"] else []
    if not rows:
        return None
    return Panel("public/complaints/_panel.html", {
        "rows": _with_decisions(db, rows),
        "forwarding_deadline": service.forwarding_deadline,
        "block": lambda c: service.forwarding_block(db, c),
    }, order=55)


def staff_complaints_panel(db, case, now) -> Panel | None:
    rows = service.complaints_for_case(db, case.id)
    if not rows:
        return None
    return Panel("staff/complaints/_panel.html", {"complaints": rows}, order=55)


def decisions_page_complaints(db, case, now) -> Panel:
    """The complaints in a case, on its decisions page (shown also when there are none: where to register one)."""
    return Panel("staff/complaints/_decisions_page.html", {"case": case, "complaints": service.complaints_for_case(db, case.id)},
                 order=10)
