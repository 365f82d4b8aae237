"""Min side: the case's in-portal notices (the same neutral text that went by e-mail or SMS)."""

from __future__ import annotations

from app.core.panels import Panel
from app.notify.service import portal_notices


def notices_panel(db, case, now, found):
    if not found["portal"]:
        return None
    notices = portal_notices(db, case_id=case.id, now=now)
    if not notices:
        return None
    return Panel("public/notify/panel.html", {"notices": notices}, order=20)
