"""MitID's part of Min side and of the staff's case page."""

from __future__ import annotations

from app.core.panels import Panel
from app.identity.queries import verified_identity


def min_side_panel(db, case, now, found):
    """A verified case: how to see the person's other cases. Any other: the offer to attach it to
    MitID (the template shows it only when MitID is configured)."""
    identity = verified_identity(db, case.id) if found["verified"] else None
    return Panel("public/identity/panel.html", {"identity": identity}, order=90)


def staff_identity_panel(db, case, now):
    """Staff see whether name and CPR number were proven with MitID, and when."""
    identity = verified_identity(db, case.id)
    if identity is None:
        return None
    return Panel("staff/identity/_case_panel.html", {"identity": identity}, order=5)
