"""The rules of Åben Rådgivning: schedules, sessions, booking, cancelling, moving, attendance.

Places are taken and released with single conditional UPDATEs on `counselling_session.booked`
(CHECK booked BETWEEN 0 AND capacity), so two requests can never take the last place twice, on
SQLite (one writer at a time, BEGIN IMMEDIATE) or PostgreSQL (the row lock of the UPDATE, with
the WHERE re-checked after a concurrent commit). Booking status changes are conditional UPDATEs too,
so a booking cannot be cancelled (and its place released) twice.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core.db import insert_for
from app.booking.models import (
    ACTIVE, BookingNotice, BookingStatus, CounsellingBooking, CounsellingSchedule, CounsellingSession,
    SessionStatus,
)
from app.booking import notifications
from app.cases import service as cases
from app.cases.models import CitizenCase
from app.core.clock import local_date, local_datetime
from app.core.codes import PersonalCode
from app.core.errors import NotFound
from app.core.i18n import N_

GENERATE_WEEKS = 8


class BookingError(Exception):
    """A booking cannot be made or changed. `reason` picks the message shown to the citizen."""

    def __init__(self, reason: str):
        super().__init__(reason)
        # full | started | cancelled | double | relatives_only | no_video | not_active | same
        self.reason = reason


class ScheduleError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


MAX_ID = 2**31 - 1  # ids beyond what the databases store are simply not found (never an overflow error)


def _id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise NotFound()
    return value


# --- Schedule templates -------------------------------------------------------------------------

@dataclass
class ScheduleInput:
    weekday: int
    start_hour: int
    start_minute: int
    duration_minutes: int
    place: str
    capacity: int
    relatives_only: bool = False
    video: bool = False
    active: bool = True


def parse_schedule_form(form: dict[str, str]) -> ScheduleInput:
    """Staff's schedule form → checked values, or ScheduleError naming the field."""
    def number(name: str, low: int, high: int, message: str) -> int:
        try:
            value = int((form.get(name) or "").strip())
        except ValueError:
            raise ScheduleError(name, message) from None
        if not low <= value <= high:
            raise ScheduleError(name, message)
        return value

    weekday = number("weekday", 0, 6, N_("Vælg en ugedag."))
    start = (form.get("start") or "").strip().replace(".", ":")
    try:
        hour_text, minute_text = start.split(":")
        hour, minute = int(hour_text), int(minute_text)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise ValueError
    except ValueError:
        raise ScheduleError("start", N_("Skriv starttidspunktet som tt.mm, fx 15.00.")) from None
    duration = number("duration_minutes", 15, 480, N_("Varigheden skal være mellem 15 og 480 minutter."))
    capacity = number("capacity", 1, 100, N_("Antal pladser skal være mellem 1 og 100."))
    place = (form.get("place") or "").strip()
    if not place:
        raise ScheduleError("place", N_("Skriv hvor rådgivningen foregår."))
    return ScheduleInput(weekday, hour, minute, duration, place[:200], capacity,
                         relatives_only=form.get("relatives_only") == "1", video=form.get("video") == "1",
                         active=form.get("active", "1") == "1")


def list_schedules(db: Session) -> list[CounsellingSchedule]:
    return list(db.exec(select(CounsellingSchedule).order_by(
        CounsellingSchedule.active.desc(), CounsellingSchedule.weekday, CounsellingSchedule.start_hour)))


def get_schedule(db: Session, schedule_id: int) -> CounsellingSchedule:
    row = db.get(CounsellingSchedule, _id(schedule_id))
    if row is None:
        raise NotFound()
    return row


def save_schedule(db: Session, *, values: ScheduleInput, now: datetime,
                  schedule: CounsellingSchedule | None = None) -> CounsellingSchedule:
    """Create or change a weekly slot. Sessions already generated keep their own facts."""
    if schedule is None:
        schedule = CounsellingSchedule(created_at=now, updated_at=now, **values.__dict__)
        db.add(schedule)
    else:
        for key, value in values.__dict__.items():
            setattr(schedule, key, value)
        schedule.updated_at = now
    db.flush()
    return schedule


def generate_sessions(db: Session, *, now: datetime, weeks: int = GENERATE_WEEKS) -> int:
    """Create the sessions of every active template for the coming weeks. Idempotent: the unique
    (template_id, day) makes a second run – or a concurrent one – add nothing."""
    today = local_date(now)
    insert = insert_for(db)
    created = 0
    for tpl in db.exec(select(CounsellingSchedule).where(CounsellingSchedule.active == True)):  # noqa: E712
        first = today + timedelta(days=(tpl.weekday - today.weekday()) % 7)
        for week in range(weeks):
            day = first + timedelta(weeks=week)
            starts = local_datetime(day, tpl.start_hour, tpl.start_minute)
            if starts <= now:
                continue
            stmt = insert(CounsellingSession).values(
                template_id=tpl.id, day=day, starts_at=starts, ends_at=starts + timedelta(minutes=tpl.duration_minutes),
                place=tpl.place, capacity=tpl.capacity, booked=0, relatives_only=tpl.relatives_only,
                video=tpl.video, status=SessionStatus.open.value, cancel_reason="", created_at=now,
            ).on_conflict_do_nothing(index_elements=["template_id", "day"]).returning(CounsellingSession.id)
            created += len(db.exec(stmt).all())
    db.flush()
    return created


# --- Sessions -----------------------------------------------------------------------------------

def get_session(db: Session, session_id: int) -> CounsellingSession:
    row = db.get(CounsellingSession, _id(session_id))
    if row is None:
        raise NotFound()
    return row


def upcoming_sessions(db: Session, *, now: datetime, days: int = 42, include_cancelled: bool = True,
                      as_relative: bool | None = None) -> list[CounsellingSession]:
    """Sessions that have not started yet, soonest first. `as_relative=False` leaves out the
    relatives-only ones (a citizen booking for themselves cannot use them)."""
    query = select(CounsellingSession).where(
        CounsellingSession.starts_at > now, CounsellingSession.starts_at <= now + timedelta(days=days))
    if not include_cancelled:
        query = query.where(CounsellingSession.status == SessionStatus.open.value)
    if as_relative is False:
        query = query.where(CounsellingSession.relatives_only == False)  # noqa: E712
    return list(db.exec(query.order_by(CounsellingSession.starts_at, CounsellingSession.id)))


def next_free_sessions(db: Session, *, now: datetime, as_relative: bool, exclude: int | None = None,
                       limit: int = 3) -> list[CounsellingSession]:
    """Alternatives to offer when a session is full or gone."""
    free = [s for s in upcoming_sessions(db, now=now, include_cancelled=False,
                                         as_relative=None if as_relative else False)
            if s.free > 0 and s.id != exclude]
    return free[:limit]


def sessions_between(db: Session, start: date, end: date) -> list[CounsellingSession]:
    return list(db.exec(select(CounsellingSession).where(CounsellingSession.day >= start, CounsellingSession.day <= end)
                        .order_by(CounsellingSession.starts_at, CounsellingSession.id)))


def _take_place(db: Session, session_id: int, *, now: datetime, walk_in: bool = False) -> None:
    """Take one place with a single conditional UPDATE, or raise why not."""
    stmt = (update(CounsellingSession)
            .where(CounsellingSession.id == session_id, CounsellingSession.booked < CounsellingSession.capacity,
                   CounsellingSession.status == SessionStatus.open.value)
            .values(booked=CounsellingSession.booked + 1)
            .execution_options(synchronize_session=False))
    if not walk_in:  # a walk-in is there in person, possibly after the start
        stmt = stmt.where(CounsellingSession.starts_at > now)
    if db.exec(stmt).rowcount == 1:
        return
    session = db.exec(select(CounsellingSession).where(CounsellingSession.id == session_id)
                      .execution_options(populate_existing=True)).first()
    if session is None:
        raise NotFound()
    if session.status != SessionStatus.open.value:
        raise BookingError("cancelled")
    if not walk_in and session.starts_at <= now:
        raise BookingError("started")
    raise BookingError("full")


def _offer_freed(db: Session, session_id: int, *, now: datetime) -> None:
    """A place was freed: the waiting list gets it first (booking.waitlist)."""
    from app.booking import waitlist  # it builds on this module
    waitlist.offer_free_places(db, session_id, now=now)


def _release_place(db: Session, session_id: int) -> None:
    db.exec(update(CounsellingSession)
            .where(CounsellingSession.id == session_id, CounsellingSession.booked > 0)
            .values(booked=CounsellingSession.booked - 1)
            .execution_options(synchronize_session=False))


def _set_status(db: Session, booking: CounsellingBooking, *, from_: tuple[str, ...], to: str, now: datetime,
                bump_sequence: bool = False) -> bool:
    """Change a booking's status only if it still has one of `from_`: the winner of a race does it once."""
    values = {"status": to, "changed_at": now}
    if bump_sequence:
        values["sequence"] = CounsellingBooking.sequence + 1
    done = db.exec(update(CounsellingBooking)
                   .where(CounsellingBooking.id == booking.id, CounsellingBooking.status.in_(from_))
                   .values(**values).execution_options(synchronize_session=False)).rowcount == 1
    db.refresh(booking)
    return done


# --- Booking ------------------------------------------------------------------------------------

@dataclass
class BookingResult:
    booking: CounsellingBooking
    session: CounsellingSession
    case: CitizenCase
    code: PersonalCode | None  # only when a new case was opened


def _check_fits(session: CounsellingSession, *, as_relative: bool, video: bool) -> None:
    if session.relatives_only and not as_relative:
        raise BookingError("relatives_only")
    if video and not session.video:
        raise BookingError("no_video")


def _has_active_booking(db: Session, session_id: int, case_id: int) -> bool:
    return db.exec(select(CounsellingBooking.id).where(
        CounsellingBooking.session_id == session_id, CounsellingBooking.case_id == case_id,
        CounsellingBooking.status.in_(ACTIVE))).first() is not None


def source_tag(session_id: int, client_key: str) -> str:
    """The connection a booking came from, for this session only (see CounsellingBooking.source_tag)."""
    return hashlib.sha256(f"booking:{session_id}:{client_key}".encode()).hexdigest()[:16]


def places_per_source(capacity: int) -> int:
    """How many of a session's places one connection may hold: a small share, but never fewer than
    a family or a few people at a shelter need (3)."""
    return max(SOURCE_MIN_PLACES, math.ceil(capacity * SOURCE_SHARE))


SOURCE_SHARE = 0.2
SOURCE_MIN_PLACES = 3


def _active_from_source(db: Session, session_id: int, tag: str) -> int:
    return db.exec(select(func.count()).select_from(CounsellingBooking).where(
        CounsellingBooking.session_id == session_id, CounsellingBooking.source_tag == tag,
        CounsellingBooking.status.in_(ACTIVE))).one()


def book_session(
    db: Session, *, session_id: int, now: datetime, as_relative: bool, video: bool = False,
    case: CitizenCase | None = None, anonymous: bool = True,
    contact: cases.ContactDetails = cases.ContactDetails(), walk_in: bool = False, language: str = "da",
    source: str | None = None,
) -> BookingResult:
    """Book one place. With `case` (a signed-in citizen) the booking joins that case; without,
    a new case and personal code are opened – only once the place is secured.

    `source` (a source_tag) is stored so staff can see and remove a flood together; for a booking
    that opens a new case it also caps what one connection can hold – counted after the place is
    taken, because taking it locks the session's row (PostgreSQL) or the database (SQLite), so bookings
    from one connection that run at once are counted one after another and cannot slip past. A citizen
    who signs in with their code is not capped by who else shares their address."""
    session = get_session(db, session_id)
    capped = source is not None and case is None
    _check_fits(session, as_relative=as_relative, video=video)
    if case is not None and _has_active_booking(db, session_id, case.id):
        raise BookingError("double")
    code = None
    try:
        with db.begin_nested():
            _take_place(db, session_id, now=now, walk_in=walk_in)
            if capped and _active_from_source(db, session_id, source) >= places_per_source(session.capacity):
                raise BookingError("source_full")
            if case is None:
                case, code = cases.open_case(db, now=now, anonymous=anonymous, is_relative=as_relative,
                                             contact=contact, language=language)
            booking = CounsellingBooking(
                session_id=session_id, case_id=case.id, uid=uuid.uuid4().hex, as_relative=as_relative,
                video=video, walk_in=walk_in, created_at=now, changed_at=now, source_tag=source,
                status=BookingStatus.attended.value if walk_in else BookingStatus.booked.value,
            )
            db.add(booking)
            db.flush()  # the partial unique index is the final word on double booking
    except IntegrityError:
        raise BookingError("double") from None
    db.refresh(session)
    if not walk_in:
        notifications.booked(db, booking, session, case, now=now)
    return BookingResult(booking, session, case, code)


def own_booking(db: Session, *, case_id: int, booking_id: int) -> CounsellingBooking:
    """A booking of this case, or NotFound (another case's id looks exactly like a missing one)."""
    booking = db.get(CounsellingBooking, _id(booking_id))
    if booking is None or booking.case_id != case_id:
        raise NotFound()
    return booking


def cancel_booking(db: Session, *, case_id: int, booking_id: int, now: datetime) -> CounsellingBooking:
    """The citizen cancels: the status changes (history is kept) and the place is free at once."""
    booking = own_booking(db, case_id=case_id, booking_id=booking_id)
    session = get_session(db, booking.session_id)
    if booking.status != BookingStatus.booked.value:
        raise BookingError("not_active")
    if session.starts_at <= now:
        raise BookingError("started")
    if not _set_status(db, booking, from_=(BookingStatus.booked.value,), to=BookingStatus.cancelled.value,
                       now=now, bump_sequence=True):
        raise BookingError("not_active")
    _release_place(db, session.id)
    notifications.released(db, booking, now=now)
    _offer_freed(db, session.id, now=now)
    db.flush()
    return booking


def move_booking(db: Session, *, case_id: int, booking_id: int, to_session_id: int,
                 now: datetime) -> CounsellingBooking:
    """Move to another session in one step: the new place is taken first, then the old one is
    released – all in one savepoint, so it ends with exactly one place either way."""
    booking = own_booking(db, case_id=case_id, booking_id=booking_id)
    old = get_session(db, booking.session_id)
    if booking.status != BookingStatus.booked.value:
        raise BookingError("not_active")
    if old.starts_at <= now:
        raise BookingError("started")
    if to_session_id == old.id:
        raise BookingError("same")
    target = get_session(db, to_session_id)
    _check_fits(target, as_relative=booking.as_relative, video=False)
    if _has_active_booking(db, target.id, case_id):
        raise BookingError("double")
    try:
        with db.begin_nested():
            _take_place(db, target.id, now=now)
            if not _set_status(db, booking, from_=(BookingStatus.booked.value,), to=BookingStatus.moved.value,
                               now=now):
                raise BookingError("not_active")
            _release_place(db, old.id)
            new = CounsellingBooking(
                session_id=target.id, case_id=case_id, uid=booking.uid, sequence=booking.sequence + 1,
                as_relative=booking.as_relative, video=booking.video and target.video,
                created_at=now, changed_at=now,
            )
            db.add(new)
            db.flush()
            booking.moved_to_id = new.id
            db.flush()
    except IntegrityError:
        raise BookingError("double") from None
    notifications.released(db, booking, now=now)
    notifications.booked(db, new, target, db.get(CitizenCase, case_id), now=now)
    _offer_freed(db, old.id, now=now)
    return new


# --- Staff: attendance, walk-ins, cancelling a session ------------------------------------------

ATTENDANCE_CHOICES = (BookingStatus.attended.value, BookingStatus.no_show.value,
                      BookingStatus.cancelled_in_time.value)


def session_list(db: Session, session_id: int) -> list[tuple[CounsellingBooking, CitizenCase]]:
    """Everyone on a session's list, moved-away bookings left out, in booking order."""
    rows = db.exec(select(CounsellingBooking, CitizenCase)
                   .join(CitizenCase, CitizenCase.id == CounsellingBooking.case_id)
                   .where(CounsellingBooking.session_id == session_id,
                          CounsellingBooking.status != BookingStatus.moved.value)
                   .order_by(CounsellingBooking.created_at, CounsellingBooking.id))
    return [(b, c) for b, c in rows]


def mark_attendance(db: Session, *, session_id: int, booking_id: int, status: str,
                    now: datetime) -> CounsellingBooking:
    """Attended / no-show keep the place; cancelled-in-time (the citizen rang) frees it."""
    if status not in ATTENDANCE_CHOICES:
        raise BookingError("not_active")
    booking = db.get(CounsellingBooking, _id(booking_id))
    if booking is None or booking.session_id != session_id:
        raise NotFound()
    holding = ACTIVE
    if not _set_status(db, booking, from_=holding, to=status, now=now,
                       bump_sequence=status == BookingStatus.cancelled_in_time.value):
        raise BookingError("not_active")
    if status == BookingStatus.cancelled_in_time.value:
        _release_place(db, session_id)
        _offer_freed(db, session_id, now=now)
    db.flush()
    return booking


def sources_with_several(db: Session, session_id: int) -> dict[str, int]:
    """Connections holding more than one active booking in a session: what staff may remove as junk."""
    rows = db.exec(select(CounsellingBooking.source_tag, func.count())
                   .where(CounsellingBooking.session_id == session_id, CounsellingBooking.source_tag.is_not(None),
                          CounsellingBooking.status.in_(ACTIVE))
                   .group_by(CounsellingBooking.source_tag).having(func.count() > 1))
    return {tag: n for tag, n in rows}


def forget_past_source_tags(db: Session, ctx) -> int:
    """A purge rule: once a session is over, which connection booked it is of no use to anyone."""
    past = select(CounsellingSession.id).where(CounsellingSession.ends_at < ctx.now)
    return db.exec(update(CounsellingBooking)
                   .where(CounsellingBooking.source_tag.is_not(None), CounsellingBooking.session_id.in_(past))
                   .values(source_tag=None).execution_options(synchronize_session=False)).rowcount or 0


def remove_bookings_from_source(db: Session, *, session_id: int, tag: str, now: datetime) -> list[CounsellingBooking]:
    """Staff remove a flood in one action: every still-booked place from one connection is freed at once.
    Attended and no-show bookings stay: someone came (or was expected and did not)."""
    get_session(db, session_id)
    removed = []
    for booking in db.exec(select(CounsellingBooking).where(
            CounsellingBooking.session_id == session_id, CounsellingBooking.source_tag == tag,
            CounsellingBooking.status == BookingStatus.booked.value)).all():
        if _set_status(db, booking, from_=(BookingStatus.booked.value,), to=BookingStatus.removed.value, now=now,
                       bump_sequence=True):
            _release_place(db, session_id)
            removed.append(booking)
    if removed:
        _offer_freed(db, session_id, now=now)
    db.flush()
    return removed


def add_walk_in(db: Session, *, session_id: int, as_relative: bool, display_name: str | None,
                now: datetime) -> BookingResult:
    """Someone who turns up without booking: a new anonymous case, marked attended. No code is
    handed over here; see README/issue 3 report."""
    return book_session(db, session_id=session_id, now=now, as_relative=as_relative, walk_in=True,
                        anonymous=True, contact=cases.ContactDetails(display_name=display_name or None))


def cancel_session(db: Session, *, session_id: int, reason: str, now: datetime) -> list[BookingNotice]:
    """The centre cancels one session (a holiday): every booking gets the status and a notice on
    Min side; identified citizens with contact details are marked for e-mail/SMS."""
    reason = (reason or "").strip()
    if not reason:
        raise ScheduleError("reason", N_("Skriv en begrundelse. Den bliver vist for dem, der har booket."))
    session = get_session(db, session_id)
    done = db.exec(update(CounsellingSession)
                   .where(CounsellingSession.id == session_id, CounsellingSession.status == SessionStatus.open.value)
                   .values(status=SessionStatus.cancelled.value, cancel_reason=reason[:300], cancelled_at=now,
                           booked=0)
                   .execution_options(synchronize_session=False)).rowcount == 1
    if not done:
        raise BookingError("cancelled")
    db.refresh(session)
    from app.booking import waitlist  # it builds on this module
    waitlist.session_cancelled(db, session_id, now=now)
    notices = []
    for booking, case in session_list(db, session_id):
        if booking.status != BookingStatus.booked.value:
            continue
        _set_status(db, booking, from_=(BookingStatus.booked.value,), to=BookingStatus.session_cancelled.value,
                    now=now, bump_sequence=True)
        notice = BookingNotice(case_id=case.id, booking_id=booking.id, kind="session_cancelled",
                               reason=reason[:300], created_at=now,
                               external_pending=not case.anonymous and bool(case.phone or case.email))
        db.add(notice)
        db.flush()
        notifications.session_cancelled(db, booking, session, case, now=now)
        notices.append(notice)
    return notices
