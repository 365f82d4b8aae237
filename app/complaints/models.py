"""Complaints (klager) about a decision or the treatment plan, and their way through
re-assessment (genvurdering) to Ankestyrelsen."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Text
from sqlalchemy import text as sql
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class ComplaintStatus(LabelledEnum):
    """Where a complaint is on its way (the moves allowed are complaints.service.TRANSITIONS)."""

    received = "received", N_("Modtaget")
    changed = "changed", N_("Genvurderet – afgørelsen er ændret")
    upheld = "upheld", N_("Genvurderet – afgørelsen er fastholdt")
    forwarded = "forwarded", N_("Sendt til Ankestyrelsen")
    resolved = "resolved", N_("Ankestyrelsen har afgjort klagen")


class ComplaintChannel(LabelledEnum):
    """How a complaint reached the centre."""

    portal = "portal", N_("Min side")
    phone = "phone", N_("Telefon")
    letter = "letter", N_("Brev eller e-mail")
    in_person = "in_person", N_("Personligt fremmøde")


class ComplaintOutcome(LabelledEnum):
    """Ankestyrelsen's possible outcomes."""

    upheld = "upheld", N_("Stadfæstet – afgørelsen står ved magt")
    changed = "changed", N_("Ændret")
    remitted = "remitted", N_("Hjemvist – sendt tilbage til fornyet behandling")
    dismissed = "dismissed", N_("Afvist")


class Complaint(TenantOwned, table=True):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_case", "case_id"),
        Index("ix_complaint_open_received", "closed_at", "received_at"),
        # One complaint at a time about the same thing: a double-click or a resent form does not
        # create a second one. Closed complaints (changed, final, Ankestyrelsen's outcome) do not count.
        Index("uq_complaint_open_subject", "case_id", "subject", unique=True,
              sqlite_where=sql("closed_at IS NULL"), postgresql_where=sql("closed_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    # "decision:<id>" or "plan": what the complaint is about.
    subject: str = Field(max_length=30)
    decision_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="SET NULL")
    # A complaint needs no reasons: empty is fine.
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    channel: str = Field(max_length=20)  # portal | phone | letter | in_person
    registered_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The complaint deadline as it stood when the complaint arrived (None: no deadline ran).
    deadline: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    late: bool = Field(default=False)
    status: str = Field(max_length=20, default=ComplaintStatus.received.value)
    # Re-assessment (genvurdering)
    reassessed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    reassessed_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    reassessment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    new_decision_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="SET NULL")
    # Forwarding to Ankestyrelsen
    forwarded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    forwarded_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    # Ankestyrelsen's outcome, entered by staff
    outcome: str | None = Field(default=None, max_length=20)
    outcome_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    outcome_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
