"""A booking as an iCalendar file: Copenhagen wall-clock time with its VTIMEZONE, a UID shared by
a booking and the bookings it was moved to (so the calendar replaces the event), SEQUENCE counting
the changes, and STATUS:CANCELLED once it no longer holds a place."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from app.booking.models import ACTIVE, CounsellingBooking, CounsellingSession
from app.core.calendar import PRODID, UID_DOMAIN
from app.core.clock import LOCAL_TZ



def booking_ics(booking: CounsellingBooking, session: CounsellingSession, *, summary: str, description: str,
                now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.uid}@{UID_DOMAIN}")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at.astimezone(LOCAL_TZ))
    event.add("dtend", session.ends_at.astimezone(LOCAL_TZ))
    event.add("summary", summary)
    event.add("location", session.place)
    event.add("description", description)
    active = booking.status in ACTIVE and session.status == "open"
    event.add("status", "CONFIRMED" if active else "CANCELLED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
