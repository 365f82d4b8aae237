"""Min side: the case's in-portal notices (the same neutral text that went by e-mail or SMS). The staff's
case page: the case's letters by Digital Post, and which of them must go by post instead."""

from __future__ import annotations

from app.core.panels import Panel
from app.notify.service import letters_of_case, portal_notices


def notices_panel(db, case, now, found):
    if not found["portal"]:
        return None
    notices = portal_notices(db, case_id=case.id, now=now)
    if not notices:
        return None
    return Panel("public/notify/panel.html", {"notices": notices}, order=20)


def staff_letters_panel(db, case, now):
    letters = list(letters_of_case(db, case.id).values())
    if not letters:
        return None
    return Panel("staff/notify/_letters_panel.html", {"case": case, "letters": letters}, order=55)
