"""The one builder of the calendar files the portal hands out (bookings and appointments).

A calendar is often synced and shown on a lock screen or a shared phone, so nothing in a .ics file may
reveal what the meeting is about: no centre name, no "rådgivning", not even in the UID or PRODID.

Times are Copenhagen wall-clock time with the VTIMEZONE included. The UID stays the same for the life
of a meeting (a move replaces the event) and SEQUENCE grows with every change. A cancelled meeting is
sent as METHOD:CANCEL with STATUS:CANCELLED (RFC 5546 § 3.2.5): under METHOD:PUBLISH some calendars keep
a cancelled event on the day."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from app.core.clock import LOCAL_TZ

UID_DOMAIN = "selvbetjening.invalid"
PRODID = "-//Selvbetjening//Kalender//DA"


def event_ics(*, uid: str, sequence: int, starts_at: datetime, ends_at: datetime, summary: str, location: str,
              cancelled: bool, now: datetime, description: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", starts_at.astimezone(LOCAL_TZ))
    event.add("dtend", ends_at.astimezone(LOCAL_TZ))
    event.add("summary", summary)
    event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
