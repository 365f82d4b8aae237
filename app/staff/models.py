"""Staff users and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class Role(LabelledEnum):
    reception = "reception", N_("Reception")
    counsellor = "counsellor", N_("Behandler")
    leader = "leader", N_("Leder")
    admin = "admin", N_("Administrator")


class StaffUser(TenantOwned, table=True):
    __tablename__ = "staff_user"
    # Unique within a municipality: two municipalities may each have an "admin".
    __table_args__ = (UniqueConstraint("tenant_id", "username", name="uq_staff_user_tenant_username"),
                      UniqueConstraint("tenant_id", "oidc_subject", name="uq_staff_user_tenant_oidc_subject"))

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60)
    first_name: str = Field(max_length=60)
    full_name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    # Work address for staff alerts and the daily digest (app/notify); optional.
    email: str | None = Field(default=None, max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)
    # The `sub` of the municipality's identity provider (app/staff/oidc.py): stable where names and
    # e-mail addresses change. Linked at the first sign-in there; None for password-only members.
    oidc_subject: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    password_changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
