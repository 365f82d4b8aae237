"""Shared plumbing tables: server-side sessions and throttling counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class WebSession(TenantOwned, table=True):
    """A signed-in browser. The cookie holds a random id; we keep only its digest."""

    __tablename__ = "web_session"
    __table_args__ = (
        Index("ix_web_session_case", "case_id"),
        Index("ix_web_session_staff", "staff_id"),
    )

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the cookie token
    kind: str = Field(max_length=10)  # "citizen" | "staff"
    case_id: int | None = Field(default=None, foreign_key="citizen_case.id", ondelete="CASCADE")
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="CASCADE")
    second_factor_passed: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    user_agent: str = Field(default="", max_length=200)


class Throttle(SQLModel, table=True):
    """Verified-failure counters and the paced key's next free turn, shared by every worker."""

    __tablename__ = "throttle"

    key: str = Field(primary_key=True, max_length=80)
    failures: int = Field(default=0)
    # UTC epoch seconds, a plain number so a turn is booked in one SQL statement on both databases.
    next_turn: float | None = Field(default=None)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
