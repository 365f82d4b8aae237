"""The booking's reads for Min side, the staff case page and the exports: statements built and compiled
once (Min side runs them on every view; building one costs more than running it), returning frozen
records with the models' columns and derived properties (app.core.prepared)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from app.booking.models import (BookingFacts, BookingNotice, BookingStatus, CounsellingBooking,
                                CounsellingSession, SessionFacts)
from app.core.prepared import PreparedRead


@dataclass(frozen=True, slots=True)
class BookingRecord(BookingFacts):
    """A counselling_booking row, read only."""

    tenant_id: int  # the municipality (app.core.tenancy); every model column, in order
    id: int
    session_id: int
    case_id: int
    uid: str
    sequence: int
    as_relative: bool
    video: bool
    walk_in: bool
    status: str
    moved_to_id: int | None
    source_tag: str | None
    created_at: datetime
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRecord(SessionFacts):
    """A counselling_session row, read only."""

    tenant_id: int  # the municipality (app.core.tenancy); every model column, in order
    id: int
    template_id: int | None
    day: date
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    booked: int
    relatives_only: bool
    video: bool
    status: str
    cancel_reason: str
    cancelled_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """A booking_notice row, read only."""

    tenant_id: int  # the municipality (app.core.tenancy); every model column, in order
    id: int
    case_id: int
    booking_id: int
    kind: str
    reason: str
    external_pending: bool
    created_at: datetime


_BOOKINGS_OF_CASE = PreparedRead(
    select(CounsellingBooking.__table__, CounsellingSession.__table__)
    .join(CounsellingSession.__table__, CounsellingSession.id == CounsellingBooking.session_id)
    .where(CounsellingBooking.case_id == bindparam("case_id"), CounsellingBooking.status != BookingStatus.moved.value)
    .order_by(CounsellingSession.starts_at, CounsellingBooking.id),
    BookingRecord, SessionRecord)

_NOTICES_OF_CASE = PreparedRead(
    select(BookingNotice.__table__).where(BookingNotice.case_id == bindparam("case_id"))
    .order_by(BookingNotice.created_at.desc(), BookingNotice.id.desc()),
    NoticeRecord)


def bookings_of_case(db: Session, case_id: int) -> list[tuple[BookingRecord, SessionRecord]]:
    """The case's bookings with their sessions, leaving out the old halves of moves, soonest first."""
    return _BOOKINGS_OF_CASE.all(db, case_id=case_id)


def notices_of_case(db: Session, case_id: int) -> list[NoticeRecord]:
    """The case's booking notices, newest first."""
    return _NOTICES_OF_CASE.all(db, case_id=case_id)
