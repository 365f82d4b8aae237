"""Min side: the case's in-portal notices (the same neutral text that went by e-mail or SMS)."""

from __future__ import annotations

from app.cases.panels import Panel, min_side_panel
from app.notify.service import portal_notices


@min_side_panel
def notices_panel(db, case, now):
    notices = portal_notices(db, case_id=case.id, now=now)
    if not notices:
        return None
    return Panel("public/notify/panel.html", {"notices": notices}, order=20)
