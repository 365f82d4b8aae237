"""A citizen case: one personal code, one pseudonym; bookings and requests hang off it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class CitizenCase(TenantOwned, table=True):
    __tablename__ = "citizen_case"

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(max_length=40)
    code_selector: str = Field(max_length=8, unique=True, index=True)
    code_hash: str = Field(max_length=200)
    code_issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    anonymous: bool = Field(default=True)
    is_relative: bool = Field(default=False)
    # Identified citizens only; anonymous ones may give a first name or nickname.
    display_name: str | None = Field(default=None, max_length=80)
    full_name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=200)
    # The language notifications are written in (app/notify renders them when they are queued).
    language: str = Field(default="da", max_length=5, sa_column_kwargs={"server_default": "da"})
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
