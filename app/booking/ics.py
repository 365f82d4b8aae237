"""A booking as an iCalendar file (app.core.calendar): one UID for a booking and the bookings it was
moved to, so the calendar replaces the event; cancelled once it no longer holds a place."""

from __future__ import annotations

from datetime import datetime

from app.booking.models import ACTIVE, CounsellingBooking, CounsellingSession
from app.core.calendar import event_ics


def booking_ics(booking: CounsellingBooking, session: CounsellingSession, *, summary: str, description: str,
                now: datetime) -> bytes:
    active = booking.status in ACTIVE and session.status == "open"
    return event_ics(uid=booking.uid, sequence=booking.sequence, starts_at=session.starts_at,
                     ends_at=session.ends_at, summary=summary, location=session.place, description=description,
                     cancelled=not active, now=now)
