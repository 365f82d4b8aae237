"""Booking appointments on a case, marking attendance, and the calendar file (.ics) for the citizen."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlparse

from sqlmodel import Session, select

from app.appointments.models import Appointment, AppointmentKind, Attendance
from app.cases import service as cases
from app.core.calendar import event_ics
from app.core.clock import local_datetime
from app.core.errors import NotFound
from app.core.i18n import N_

# What staff mark after (or, for cancellations, before) the appointment.
MARKABLE = (Attendance.attended, Attendance.no_show, Attendance.cancelled_in_time, Attendance.cancelled_by_centre)


class AppointmentError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _parse_start(day: str, time: str) -> datetime:
    try:
        parsed_day = date.fromisoformat((day or "").strip())
    except ValueError:
        raise AppointmentError("day", N_("Skriv datoen som åååå-mm-dd, fx 2026-12-01.")) from None
    try:
        hh, mm = (time or "").strip().replace(".", ":").split(":")
        hour, minute = int(hh), int(mm)
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise AppointmentError("time", N_("Skriv tidspunktet som tt:mm, fx 14:30.")) from None
    return local_datetime(parsed_day, hour, minute)


def book_appointment(
    db: Session, *, case_id: int, staff_id: int | None, kind: str, day: str, time: str, duration_minutes: str,
    location: str, video_url: str, starts_treatment: bool, note: str, discharged_at: datetime | None, now: datetime,
) -> Appointment:
    """Book an appointment at a Copenhagen wall-clock time. One from the case's discharge on is a follow-up
    appointment: the caller passes when the case was discharged (plans owns discharges, see
    plans.service.book_case_appointment), so this domain needs nothing from plans."""
    cases.get_case(db, case_id)
    if kind not in {k.value for k in AppointmentKind}:
        raise AppointmentError("kind", N_("Vælg hvilken slags aftale det er."))
    starts_at = _parse_start(day, time)
    if starts_at < now - timedelta(days=1):
        raise AppointmentError("day", N_("Tidspunktet er allerede gået. Vælg et tidspunkt fremover."))
    try:
        duration = int(duration_minutes or 60)
    except ValueError:
        duration = 0
    if not 10 <= duration <= 480:
        raise AppointmentError("duration_minutes", N_("Varigheden skal være mellem 10 og 480 minutter."))
    video_url = (video_url or "").strip()
    if kind == AppointmentKind.video.value:
        parsed = urlparse(video_url)
        if parsed.scheme != "https" or not parsed.netloc or len(video_url) > 300:
            raise AppointmentError("video_url", N_("Skriv linket til videosamtalen. Det skal begynde med https://."))
    else:
        video_url = ""
    location = (location or "").strip()[:200]
    in_follow_up = discharged_at is not None and starts_at >= discharged_at
    appointment = Appointment(case_id=case_id, staff_id=staff_id, kind=kind, starts_at=starts_at,
                              duration_minutes=duration, location=location, video_url=video_url or None,
                              starts_treatment=starts_treatment, in_follow_up=in_follow_up,
                              note=(note or "").strip()[:500], created_at=now)
    # Several may start treatment over a case's life (a new request after discharge starts a new clock,
    # a cancelled start is re-booked): the requests domain measures from the first after the request.
    db.add(appointment)
    db.flush()
    return appointment


def move_appointment(db: Session, *, appointment: Appointment, day: str, time: str, now: datetime) -> Appointment:
    """Move a planned appointment. Its calendar UID stays, so the citizen's calendar replaces the event."""
    if appointment.attendance != Attendance.planned.value:
        raise AppointmentError("day", N_("Kun en planlagt aftale kan flyttes."))
    starts_at = _parse_start(day, time)
    if starts_at < now:
        raise AppointmentError("day", N_("Tidspunktet er allerede gået. Vælg et tidspunkt fremover."))
    appointment.starts_at = starts_at
    db.add(appointment)
    db.flush()
    return appointment


def mark_attendance(db: Session, *, appointment: Appointment, attendance: str, now: datetime) -> Appointment:
    """Attended / no-show only once the appointment has begun; cancellations any time."""
    if attendance not in {a.value for a in MARKABLE}:
        raise AppointmentError("attendance", N_("Vælg fremmøde."))
    if attendance in (Attendance.attended.value, Attendance.no_show.value) and appointment.starts_at > now:
        raise AppointmentError("attendance", N_("Aftalen er ikke begyndt endnu. Marker fremmøde bagefter."))
    appointment.attendance = attendance
    db.add(appointment)
    db.flush()
    return appointment


def get_for_case(db: Session, *, case_id: int, appointment_id: int) -> Appointment:
    """An appointment only through its own case: another case's id is not found."""
    appointment = db.get(Appointment, appointment_id)
    if appointment is None or appointment.case_id != case_id:
        raise NotFound()
    return appointment


def list_for_case(db: Session, case_id: int) -> list[Appointment]:
    return list(db.exec(select(Appointment).where(Appointment.case_id == case_id)
                        .order_by(Appointment.starts_at, Appointment.id)))


def upcoming_for_case(db: Session, case_id: int, now: datetime) -> list[Appointment]:
    return list(db.exec(select(Appointment).where(
        Appointment.case_id == case_id, Appointment.starts_at >= now - timedelta(hours=1),
        Appointment.attendance == Attendance.planned.value).order_by(Appointment.starts_at)))


def ics_for(appointment: Appointment, *, summary: str, centre_name: str, now: datetime) -> bytes:
    """A calendar file (app.core.calendar) with a UID that never changes for the appointment, so
    importing it again after the time was moved replaces the old event instead of adding a second one."""
    cancelled = appointment.attendance in (Attendance.cancelled_in_time.value, Attendance.cancelled_by_centre.value)
    # A file fetched later always carries a higher sequence, so calendars take it as the newer version.
    sequence = max(0, int((now - appointment.created_at).total_seconds() // 60))
    return event_ics(uid=f"aftale-{appointment.id}", sequence=sequence, starts_at=appointment.starts_at,
                     ends_at=appointment.starts_at + timedelta(minutes=appointment.duration_minutes),
                     summary=summary, location=appointment.video_url or appointment.location or centre_name,
                     cancelled=cancelled, now=now)
