"""Åben Rådgivning: weekly schedule templates, the concrete sessions they generate, bookings and notices.

Capacity lives in the database: `counselling_session.booked` counts the active bookings and a CHECK
keeps it between 0 and `capacity`; places are taken with one conditional UPDATE (see service.py).
A partial unique index stops one case holding two active places in the same session.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, UniqueConstraint, text
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class SessionStatus(str, enum.Enum):
    open = "open"
    cancelled = "cancelled"  # by the centre, e.g. a holiday


class BookingStatus(LabelledEnum):
    booked = "booked", N_("Booket")
    attended = "attended", N_("Mødt")
    no_show = "no_show", N_("Udeblevet")  # did not come and did not cancel
    cancelled = "cancelled", N_("Afmeldt af borgeren")  # the citizen cancelled on Min side
    cancelled_in_time = "cancelled_in_time", N_("Afmeldt i tide")  # the citizen called in; marked by staff
    moved = "moved", N_("Flyttet")  # replaced by a booking in another session (same uid)
    session_cancelled = "session_cancelled", N_("Aflyst af centret")  # the centre cancelled the session
    removed = "removed", N_("Fjernet af personalet")  # staff removed it as junk (one of a flood from one connection)


# Bookings that hold a place. Kept in one place: the partial index and the counter rely on it.
ACTIVE = (BookingStatus.booked.value, BookingStatus.attended.value, BookingStatus.no_show.value)
_ACTIVE_SQL = "status IN ('booked', 'attended', 'no_show')"


class SessionFacts:
    """What follows from a session's columns, for the model and the read record alike
    (booking.queries.SessionRecord): one definition, so a template reads either. No annotations here:
    SQLModel would take them for columns."""

    __slots__ = ()

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked) if self.status == SessionStatus.open.value else 0


class BookingFacts:
    """What follows from a booking's columns, for the model and the read record alike
    (booking.queries.BookingRecord)."""

    __slots__ = ()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class CounsellingSchedule(TenantOwned, table=True):
    """A weekly slot: 'every Tuesday 15.00, 120 minutes, 8 places'. Local wall-clock time."""

    __tablename__ = "counselling_schedule"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_counselling_schedule_weekday"),
        CheckConstraint("start_hour BETWEEN 0 AND 23 AND start_minute BETWEEN 0 AND 59",
                        name="ck_counselling_schedule_start"),
        CheckConstraint("duration_minutes > 0", name="ck_counselling_schedule_duration"),
        CheckConstraint("capacity > 0", name="ck_counselling_schedule_capacity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    weekday: int  # 0 = Monday, as date.weekday()
    start_hour: int
    start_minute: int = Field(default=0)
    duration_minutes: int = Field(default=120)
    place: str = Field(max_length=200)
    capacity: int
    relatives_only: bool = Field(default=False)
    video: bool = Field(default=False)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CounsellingSession(SessionFacts, TenantOwned, table=True):
    """One concrete session on a date. Copies the template's facts, so editing a template later
    does not rewrite history."""

    __tablename__ = "counselling_session"
    __table_args__ = (
        UniqueConstraint("template_id", "day", name="uq_counselling_session_template_day"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_counselling_session_booked"),
        CheckConstraint("capacity > 0", name="ck_counselling_session_capacity"),
        Index("ix_counselling_session_starts_at", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    template_id: int | None = Field(default=None, foreign_key="counselling_schedule.id", ondelete="SET NULL")
    day: date  # the local (Copenhagen) date
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    place: str = Field(max_length=200)
    capacity: int
    booked: int = Field(default=0)
    relatives_only: bool = Field(default=False)
    video: bool = Field(default=False)
    status: str = Field(default=SessionStatus.open.value, max_length=12)
    cancel_reason: str = Field(default="", max_length=300)
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CounsellingBooking(BookingFacts, TenantOwned, table=True):
    """A place in a session for one case. Never deleted: cancelling and moving change the status."""

    __tablename__ = "counselling_booking"
    __table_args__ = (
        Index("uq_counselling_booking_active", "session_id", "case_id", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
        Index("ix_counselling_booking_case", "case_id"),
        Index("ix_counselling_booking_source", "session_id", "source_tag"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="counselling_session.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    # The calendar event's UID: shared by a booking and the ones it was moved to, so a moved
    # booking replaces the event in the citizen's calendar.
    uid: str = Field(max_length=64, index=True)
    sequence: int = Field(default=0)  # iCalendar SEQUENCE: +1 on every move or cancellation
    as_relative: bool = Field(default=False)
    video: bool = Field(default=False)
    walk_in: bool = Field(default=False)
    status: str = Field(default=BookingStatus.booked.value, max_length=20)
    moved_to_id: int | None = Field(default=None)
    # Which connection booked it, as a hash of the session and the client key (itself a keyed hash):
    # bookings from one connection to one session share it, so a flood is capped and staff can remove
    # it in one action; it names no address and links nothing across sessions. None: booked by staff.
    source_tag: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BookingNotice(TenantOwned, table=True):
    """A message to a citizen about their booking (e.g. the centre cancelled the session).

    Shown on Min side. `external_pending` marks notices for identified citizens with a phone or
    e-mail: they are the outbox that e-mail/SMS delivery (issue 10) will send and then clear.
    """

    __tablename__ = "booking_notice"
    __table_args__ = (Index("ix_booking_notice_case", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    booking_id: int = Field(foreign_key="counselling_booking.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)  # "session_cancelled"
    reason: str = Field(default="", max_length=300)
    external_pending: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- The waiting list (issue 19) -----------------------------------------------------------------
#
# A full session keeps a waiting list; a freed place is offered to the first person waiting and held
# for them. A held offer takes its place in `counselling_session.booked` exactly as a booking does (the
# same conditional UPDATE, the same CHECK booked <= capacity), so nobody else can book a held place
# and a place is never held for two people: the counter is bookings + open offers. Taking the offer
# turns the held place into a booking without touching the counter; declining or expiry gives it back.


class WaitStatus(LabelledEnum):
    waiting = "waiting", N_("Venter")
    offered = "offered", N_("Har fået en plads tilbudt")
    booked = "booked", N_("Har taget pladsen")
    declined = "declined", N_("Sagde nej tak")
    expired = "expired", N_("Svarede ikke i tide")
    left = "left", N_("Forlod ventelisten")
    ended = "ended", N_("Tiden blev aflyst")


class OfferState(LabelledEnum):
    offered = "offered", N_("Tilbudt")
    taken = "taken", N_("Taget")
    declined = "declined", N_("Nej tak")
    expired = "expired", N_("Udløbet")
    withdrawn = "withdrawn", N_("Trukket tilbage")  # the centre cancelled the session


ON_LIST = (WaitStatus.waiting.value, WaitStatus.offered.value)


class WaitlistEntry(TenantOwned, table=True):
    """One case waiting for a place in one session. One row per (session, case): joining again after
    an expired offer or leaving puts the same row back at the end of the list."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        UniqueConstraint("session_id", "case_id", name="uq_waitlist_entry_session_case"),
        Index("ix_waitlist_entry_queue", "session_id", "status", "joined_at"),
        Index("ix_waitlist_entry_case", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="counselling_session.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    status: str = Field(default=WaitStatus.waiting.value, max_length=12)
    as_relative: bool = Field(default=False)
    notify: bool = Field(default=False)  # an identified citizen asked for SMS/e-mail when a place is offered
    joined_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))  # the position in the queue
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


_OPEN_OFFER_SQL = "state = 'offered'"


class WaitlistOffer(TenantOwned, table=True):
    """A freed place held for one entry until `held_until`. At most one open offer per entry (a
    partial unique index); the place itself is counted in counselling_session.booked."""

    __tablename__ = "waitlist_offer"
    __table_args__ = (
        Index("uq_waitlist_offer_open", "entry_id", unique=True,
              sqlite_where=text(_OPEN_OFFER_SQL), postgresql_where=text(_OPEN_OFFER_SQL)),
        Index("ix_waitlist_offer_due", "state", "held_until"),
        Index("ix_waitlist_offer_session", "session_id"),
        Index("ix_waitlist_offer_case", "case_id"),
        UniqueConstraint("booking_id", name="uq_waitlist_offer_booking"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="waitlist_entry.id", ondelete="CASCADE")
    session_id: int = Field(foreign_key="counselling_session.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    state: str = Field(default=OfferState.offered.value, max_length=12)
    offered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    held_until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    booking_id: int | None = Field(default=None, foreign_key="counselling_booking.id", ondelete="SET NULL")
    # Taken: how many days sooner than the next session with a free place at that moment.
    days_gained: int | None = Field(default=None)
