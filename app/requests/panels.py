"""The case's requests as a section of the staff's case page: each with its guarantee and actions."""

from __future__ import annotations

from app.core.panels import Panel
from app.requests import queries, service
from app.requests.models import Area, RequestStatus


def staff_requests_panel(db, case, now):
    """Always shown (first on the page): it holds the form for a new request even when there is none."""
    reqs = queries.requests_of_case(db, case.id)
    guarantees = service.guarantees_for(db, reqs, now=now)
    return Panel("staff/requests/_case_panel.html", {
        "rows": [{"req": r, "g": guarantees[r.id]} for r in reqs], "counsellors": service.counsellors(db),
        "status_values": [s.value for s in RequestStatus], "area_values": [a.value for a in Area],
    }, order=10)
