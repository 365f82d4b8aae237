"""The daily digest to each counsellor: counts from the sections domains declare (`digest_sections`
in their domain.py), e.g.

    def requests_near_deadline(db, *, staff, now):
        n = ...  # this counsellor's requests with <= 3 days to the deadline
        return DigestItem(Msg(N_("%(count)s anmodninger har frist inden for 3 dage"), count=n), n) if n else None

Only counts, never names, pseudonyms or dates of a citizen: e-mail is not a safe place for them, and
the digest's text must pass the same wording check as everything else sent (app/notify/wording.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.core.clock import local
from app.core.i18n import Msg
from app.notify.config import NotifyConfig
from app.notify.service import enqueue_staff
from app.staff.models import Role, StaffUser

log = logging.getLogger("app.notify")

DIGEST_ROLES = (Role.counsellor.value,)


@dataclass(frozen=True)
class DigestItem:
    label: Msg | str  # shown with tr(); a Msg carrying the count reads best
    count: int


SectionFn = Callable[..., DigestItem | None]


def build_digest(db: Session, *, staff: StaffUser, now: datetime, sections: Sequence[SectionFn]) -> list[DigestItem]:
    items = []
    for section in sections:
        try:
            item = section(db, staff=staff, now=now)
        except Exception as exc:  # one broken section must not cost the others
            log.error("digest section %s failed: %s", getattr(section, "__name__", "?"), type(exc).__name__)
            continue
        if item is not None and item.count > 0:
            items.append(item)
    return items


def digest_key(staff: StaffUser, now: datetime) -> str:
    return f"staff-digest:{staff.id}:{local(now).date().isoformat()}"


def queue_digests(db: Session, *, now: datetime, config: NotifyConfig, house) -> int:
    """From digest_hour (local time) on, queue today's digest for each active counsellor with an
    e-mail address and something to report. The dedupe key holds it to one a day."""
    if local(now).hour < config.settings.digest_hour or not config.settings.email_on:
        return 0
    queued = 0
    staff = db.exec(select(StaffUser).where(StaffUser.active == True, StaffUser.role.in_(DIGEST_ROLES),  # noqa: E712
                                            StaffUser.email.is_not(None))).all()
    for person in staff:
        items = build_digest(db, staff=person, now=now, sections=house.digest_sections)
        if items:
            queued += len(enqueue_staff(db, staff=person, kind="staff_digest", context={"items": items},
                                        dedupe_key=digest_key(person, now), now=now, config=config))
    return queued
