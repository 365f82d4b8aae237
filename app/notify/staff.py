"""/personale/notifikationer: which channels are on, and the outbox (counts, statuses, masked
recipients). Leaders and admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from app.audit.service import record_access
from app.cases import service as cases
from app.core.errors import NotFound

from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.web import render
from app.notify import service
from app.notify.config import current
from app.notify.models import Channel, Status
from app.notify.wording import revealing_words
from app.staff.deps import Counsellor, Leader

router = APIRouter(prefix="/personale/notifikationer", dependencies=[Depends(staff_session)])
letters_router = APIRouter(prefix="/personale/sager", dependencies=[Depends(staff_session)])


@router.get("")
def show_outbox(request: Request, db: DB, user: Leader):
    config = current()
    s = config.settings
    # Anything configured that would appear in outgoing text and gives the treatment away.
    leaks = sorted({w for text in (config.sender_name, s.smtp_from, config.login_url, config.sms_sender)
                    for w in revealing_words(text)})
    return render(request, "staff/notify/outbox.html", {
        "user": user, "overview": service.outbox_overview(db),
        "email_on": s.email_on, "sms_on": s.sms_on, "digital_post_on": s.digital_post_on,
        "digital_post_url": s.digital_post_url.split("?", 1)[0], "digital_post_cvr": s.digital_post_sender_cvr, "smtp_host": s.smtp_host, "smtp_from": s.smtp_from,
        "sms_url": s.sms_gateway_url.split("?", 1)[0], "sender_name": config.sender_name,
        "login_url": config.login_url, "leaks": leaks,
        "channels": [c.value for c in Channel], "statuses": [st.value for st in Status],
    })


@letters_router.get("/{case_id}/digital-post/{letter_id}/brev.pdf")
def letter_pdf(db: DB, now: Now, user: Counsellor, case_id: int, letter_id: int):
    """A letter queued for Digital Post as its PDF: to print and post when it cannot go digitally."""
    case = cases.get_case(db, case_id)
    pdf = service.letter_pdf(db, case_id=case.id, letter_id=letter_id)
    if pdf is None:
        raise NotFound()
    record_access(db, staff=user, case_id=case.id, action="letter", now=now, detail=f"outbox {letter_id}")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="brev.pdf"', "Cache-Control": "no-store"})
