"""What a booking tells identified citizens outside the portal (through app.notify): a confirmation,
a reminder 24 hours before with the calendar file, and a cancelled session. Anonymous citizens get
nothing outside the portal (notify.enqueue sees to that).

Texts leaving the portal must not reveal what the meeting is about, so the attached calendar event
is neutral: "Samtale" at the centre's address, no centre name."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app.booking.ics import booking_ics
from app.booking.models import CounsellingBooking, CounsellingSession
from app.cases.models import CitizenCase
from app.notify import service as notify

REMINDER_BEFORE = timedelta(hours=24)
NEUTRAL_SUMMARY = {"da": "Samtale", "en": "Appointment"}


def _neutral_ics(booking: CounsellingBooking, session: CounsellingSession, case: CitizenCase, now: datetime) -> bytes:
    lang = getattr(case, "language", "da") or "da"
    return booking_ics(booking, session, summary=NEUTRAL_SUMMARY.get(lang, "Samtale"), description="", now=now)


def _reminder_prefix(booking: CounsellingBooking) -> str:
    return f"booking-reminder:{booking.id}:"


def booked(db: Session, booking: CounsellingBooking, session: CounsellingSession, case: CitizenCase,
           *, now: datetime) -> None:
    ics = _neutral_ics(booking, session, case, now)
    context = {"starts_at": session.starts_at, "place": session.place, "ics": ics}
    notify.enqueue(db, case=case, kind="booking_confirmation", context=context, now=now,
                   dedupe_key=f"booking-confirmation:{booking.id}")
    remind_at = session.starts_at - REMINDER_BEFORE
    if remind_at > now:
        notify.enqueue(db, case=case, kind="booking_reminder", context=context, now=now, due_at=remind_at,
                       expires_at=session.starts_at,
                       dedupe_key=f"{_reminder_prefix(booking)}{session.starts_at.isoformat()}")


def released(db: Session, booking: CounsellingBooking, *, now: datetime) -> None:
    """The booking no longer holds a place (cancelled, moved away): its reminder must not go."""
    notify.cancel(db, now=now, prefix=_reminder_prefix(booking))


def session_cancelled(db: Session, booking: CounsellingBooking, session: CounsellingSession, case: CitizenCase,
                      *, now: datetime) -> None:
    released(db, booking, now=now)
    notify.enqueue(db, case=case, kind="booking_cancelled", context={"starts_at": session.starts_at}, now=now,
                   dedupe_key=f"booking-cancelled:{booking.id}")


def lay_out_sessions(db: Session, *, now: datetime, **_) -> int:
    """A job: keep the weekly Åben Rådgivning sessions laid out ahead (idempotent)."""
    from app.booking.service import generate_sessions  # the service imports this module
    generate_sessions(db, now=now)
    return 0
