"""Min side: the case's in-portal notices (the same neutral text that went by e-mail or SMS)."""

from __future__ import annotations

from app.cases.panels import Panel, min_side_panel, rows_of_case
from app.notify.models import Channel, OutboxMessage
from app.notify.service import portal_notices


@min_side_panel(probes={"portal": rows_of_case(OutboxMessage, OutboxMessage.channel == Channel.portal.value)})
def notices_panel(db, case, now, found):
    if not found["portal"]:
        return None
    notices = portal_notices(db, case_id=case.id, now=now)
    if not notices:
        return None
    return Panel("public/notify/panel.html", {"notices": notices}, order=20)
