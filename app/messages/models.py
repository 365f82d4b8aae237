"""Messages between a citizen (anonymous or not) and the centre: one thread per case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class Message(TenantOwned, table=True):
    __tablename__ = "case_message"
    __table_args__ = (Index("ix_case_message_case_sent", "case_id", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    from_staff: bool = Field(default=False)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    # What the citizen sees as the sender: a first name only, kept even if the account goes.
    staff_first_name: str | None = Field(default=None, max_length=60)
    body: str = Field(sa_column=Column(Text, nullable=False))
    sent_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
