"""Åben Rådgivning use from the booking domain: bookings in sessions held in the period, who came,
and the no-show rate (no-shows of those who were expected: attended + no-show). Computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, cast, func, null, select, union_all
from sqlmodel import Session

from app.stats.service import ALL, Period, _sum_if

from app.booking.models import BookingStatus, CounsellingBooking, CounsellingSession, SessionStatus


@dataclass
class CounsellingFigures:
    who: str  # "citizen" | "relative" | "all"
    bookings: int = 0  # places used: attended + no-show
    attended: int = 0
    no_show: int = 0
    walk_in: int = 0

    @property
    def expected(self) -> int:
        return self.attended + self.no_show


def counselling_use(db: Session, *, period: Period, now: datetime) -> tuple[int, list[CounsellingFigures]]:
    """(sessions held, figures per citizen/relative/all) for sessions in the period that have begun."""
    s, b = CounsellingSession.__table__.c, CounsellingBooking.__table__.c
    lo, hi = period.utc_bounds
    held = (s.starts_at >= lo, s.starts_at < hi, s.starts_at <= now, s.status == SessionStatus.open.value)
    sessions = db.execute(select(func.count()).where(*held)).scalar_one()
    base = (select(b.as_relative, b.status, b.walk_in)
            .join_from(CounsellingBooking.__table__, CounsellingSession.__table__, s.id == b.session_id)
            .where(*held, b.status.in_((BookingStatus.attended.value, BookingStatus.no_show.value)))
            .cte("counselling_base"))
    cols = (func.count(), _sum_if(base.c.status == BookingStatus.attended.value),
            _sum_if(base.c.status == BookingStatus.no_show.value), _sum_if(base.c.walk_in.is_(True)))
    q = union_all(select(base.c.as_relative, *cols).group_by(base.c.as_relative),
                  select(cast(null(), Boolean), *cols))
    found = {}
    for x in db.execute(q):
        key = ALL if x[0] is None else ("relative" if x[0] else "citizen")
        found[key] = CounsellingFigures(key, x[1], x[2], x[3], x[4])
    return sessions, [found.get(k) or CounsellingFigures(k) for k in ("citizen", "relative", ALL)]


def waitlist_use(db: Session, *, period: Period):
    """Offers of freed places made in the period and what came of them (booking.waitlist)."""
    from app.booking.waitlist import offer_figures
    lo, hi = period.utc_bounds
    return offer_figures(db, start=lo, end=hi)
