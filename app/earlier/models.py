"""An earlier first appointment for treatment requests (issue 19).

A counsellor marks a request "ønsker en tidligere første samtale". When a planned first appointment
(one that starts treatment) is cancelled, its time is free: the staff page suggests the marked request
closest to missing its 14-day deadline, and one action moves that request's first appointment into the
freed time (or books it there). A freed time is given away once: a unique constraint on the freed
appointment, not a check before the insert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class EarlierStartWish(TenantOwned, table=True):
    """A request whose citizen would take an earlier first appointment. One per request."""

    __tablename__ = "earlier_start_wish"
    __table_args__ = (UniqueConstraint("request_id", name="uq_earlier_start_wish_request"),
                      Index("ix_earlier_start_wish_case", "case_id"))

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="treatment_request.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    marked_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    marked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class EarlierSlotGiven(TenantOwned, table=True):
    """A cancelled first appointment's time given to another request: at most once per freed time."""

    __tablename__ = "earlier_slot_given"
    __table_args__ = (UniqueConstraint("freed_appointment_id", name="uq_earlier_slot_given_freed"),
                      Index("ix_earlier_slot_given_case", "case_id"))

    id: int | None = Field(default=None, primary_key=True)
    freed_appointment_id: int = Field(foreign_key="appointment.id", ondelete="CASCADE")
    request_id: int | None = Field(default=None, foreign_key="treatment_request.id", ondelete="SET NULL")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", ondelete="SET NULL")
    given_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    given_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    days_gained: int | None = Field(default=None)  # days earlier than the appointment it replaced
