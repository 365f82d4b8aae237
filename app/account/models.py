"""Staff second factor: TOTP state (pending enrolment, last used time step) and recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class StaffTotp(TenantOwned, table=True):
    """Per staff member: a secret being enrolled, and the last accepted time step.

    The confirmed secret lives on StaffUser.totp_secret. `last_step` makes a code usable once:
    it is raised with an atomic conditional UPDATE, so two requests with the same code cannot both win.
    """

    __tablename__ = "staff_totp"

    staff_id: int = Field(primary_key=True, foreign_key="staff_user.id", ondelete="CASCADE")
    pending_secret: str | None = Field(default=None, max_length=64)
    last_step: int | None = Field(default=None)
    enrolled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class RecoveryCode(TenantOwned, table=True):
    """A one-time recovery code, stored only as an argon2 hash."""

    __tablename__ = "staff_recovery_code"
    __table_args__ = (Index("ix_staff_recovery_code_staff", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE")
    code_hash: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
