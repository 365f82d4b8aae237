"""/personale/notifikationer: which channels are on, and the outbox (counts, statuses, masked
recipients). Leaders and admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from app.core.deps import DB
from app.staff.session import staff_session
from app.core.web import render
from app.notify import service
from app.notify.config import current
from app.notify.models import Channel, Status
from app.notify.wording import revealing_words
from app.staff.deps import Leader

router = APIRouter(prefix="/personale/notifikationer", dependencies=[Depends(staff_session)])



@router.get("")
def show_outbox(request: Request, db: DB, user: Leader):
    config = current()
    s = config.settings
    # Anything configured that would appear in outgoing text and gives the treatment away.
    leaks = sorted({w for text in (config.sender_name, s.smtp_from, config.login_url, config.sms_sender)
                    for w in revealing_words(text)})
    return render(request, "staff/notify/outbox.html", {
        "user": user, "overview": service.outbox_overview(db),
        "email_on": s.email_on, "sms_on": s.sms_on, "smtp_host": s.smtp_host, "smtp_from": s.smtp_from,
        "sms_url": s.sms_gateway_url.split("?", 1)[0], "sender_name": config.sender_name,
        "login_url": config.login_url, "leaks": leaks,
        "channels": [c.value for c in Channel], "statuses": [st.value for st in Status],
    })
