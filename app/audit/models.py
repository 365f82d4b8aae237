"""The access log: who (staff, role) looked at or changed which case, and when. Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class AccessLogEntry(TenantOwned, table=True):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case_at", "case_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # No foreign keys: the log must outlive (and never block deleting) what it describes.
    staff_id: int | None = Field(default=None)
    staff_role: str = Field(max_length=20)
    staff_first_name: str = Field(max_length=60)
    case_id: int | None = Field(default=None)
    action: str = Field(max_length=40)  # e.g. "view_case", "edit_plan", "send_message", "decision", "export"
    detail: str = Field(default="", max_length=200)  # never personal data: a short description


from app.audit.append_only import install_ddl_events  # noqa: E402

install_ddl_events(AccessLogEntry.__table__)
