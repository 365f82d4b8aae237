"""The requests' line in a counsellor's daily digest: how many of theirs (or unassigned) are near the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from app.core.clock import local_date
from app.core.i18n import Msg, N_
from app.notify.digest import DigestItem
from app.requests.models import RequestStatus, TreatmentRequest

OPEN = (RequestStatus.received.value, RequestStatus.visitation.value, RequestStatus.offered.value)


def requests_near_deadline(db: Session, *, staff, now: datetime) -> DigestItem | None:
    last_day = local_date(now) + timedelta(days=3)
    n = db.exec(select(func.count()).select_from(TreatmentRequest).where(
        TreatmentRequest.status.in_(OPEN), TreatmentRequest.deadline_on.is_not(None),
        TreatmentRequest.deadline_on <= last_day, TreatmentRequest.started_on.is_(None),
        TreatmentRequest.free_choice_at.is_(None),
        or_(TreatmentRequest.counsellor_id == staff.id, TreatmentRequest.counsellor_id.is_(None)),
    )).one()
    return DigestItem(Msg(N_("%(count)s sager har frist inden for 3 dage"), count=n), n) if n else None
