"""Builders for Åben Rådgivning tests: a session at a given local time, through the services."""

from __future__ import annotations

from datetime import date, timedelta

from app.booking import service
from app.booking.models import CounsellingSession
from app.core.clock import local_datetime

PLACE = "Sundhedscentret, Clausensvej 25"


def make_session(db, *, now, day: date | None = None, hour: int = 15, capacity: int = 8,
                 relatives_only: bool = False, video: bool = False, booked: int = 0,
                 commit: bool = True) -> CounsellingSession:
    """A one-off session (no template), by default tomorrow at 15.00 Copenhagen time."""
    day = day or (now.date() + timedelta(days=1))
    starts = local_datetime(day, hour)
    session = CounsellingSession(day=day, starts_at=starts, ends_at=starts + timedelta(hours=2), place=PLACE,
                                 capacity=capacity, booked=booked, relatives_only=relatives_only, video=video,
                                 created_at=now)
    db.add(session)
    db.flush()
    if commit:
        db.commit()
    return session


def make_booking(db, session, *, now, case=None, as_relative=False, commit=True):
    result = service.book_session(db, session_id=session.id, now=now, as_relative=as_relative, case=case)
    if commit:
        db.commit()
    return result


ANON_FORM = {"who": "self", "age": "30plus", "identity": "anonymous", "nickname": "Kim"}


def fresh(db) -> None:
    """Forget what the test's session has cached: the app changed rows behind its back."""
    db.rollback()
    db.expire_all()
