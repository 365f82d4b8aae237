"""The outbox: one row per message per channel, rendered when queued, sent by the jobs runner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class Channel(LabelledEnum):
    email = "email", N_("E-mail")
    sms = "sms", N_("SMS")
    portal = "portal", N_("I portalen")  # the notice on Min side; always on, nothing leaves the portal
    # A letter (decision, deadline letter) as a MeMo through SF1601, for MitID-verified citizens only.
    digital_post = "digital_post", N_("Digital Post")


class Status(LabelledEnum):
    pending = "pending", N_("Venter")
    sending = "sending", N_("Sendes")  # claimed by a runner (claimed_by, claimed_at)
    sent = "sent", N_("Sendt")
    failed = "failed", N_("Fejlet")  # gave up after max attempts, a permanent error, or withheld by the wording check
    cancelled = "cancelled", N_("Annulleret")  # the event went away (booking cancelled) or the message expired unsent


class NoticeKind(LabelledEnum):
    """The kinds of message the outbox page names (a kind not listed is shown as it is stored)."""

    booking_confirmation = "booking_confirmation", N_("Bekræftelse af tid")
    booking_reminder = "booking_reminder", N_("Påmindelse om tid")
    booking_cancelled = "booking_cancelled", N_("Aflyst tid")
    waitlist_offer = "waitlist_offer", N_("Ledig plads fra ventelisten")
    new_message = "new_message", N_("Ny besked")
    deadline_letter = "deadline_letter", N_("Brev om frist")
    decision_letter = "decision_letter", N_("Afgørelse")
    plan_revision_due = "plan_revision_due", N_("Plan skal revideres")
    followup_calls_due = "followup_calls_due", N_("Opfølgningsopkald")
    staff_digest = "staff_digest", N_("Dagligt overblik")


class OutboxMessage(TenantOwned, table=True):
    __tablename__ = "notify_outbox"
    __table_args__ = (
        # The same event is never queued twice on the same channel, whoever calls enqueue and however often.
        UniqueConstraint("tenant_id", "dedupe_key", "channel", name="uq_notify_outbox_dedupe_channel"),
        Index("ix_notify_outbox_due", "status", "next_attempt_at"),
        Index("ix_notify_outbox_case", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=20)
    dedupe_key: str = Field(max_length=200)
    # Exactly one of case_id / staff_id. Deleting a case (retention, un-visited anonymous request)
    # deletes what was queued for it.
    case_id: int | None = Field(default=None, foreign_key="citizen_case.id", ondelete="CASCADE")
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="CASCADE")
    recipient: str = Field(default="", max_length=200)  # e-mail address, MSISDN or (Digital Post) CPR; "" for portal
    lang: str = Field(default="da", max_length=5)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    attachment_name: str | None = Field(default=None, max_length=100)
    attachment: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    status: str = Field(default=Status.pending.value, max_length=10)
    attempts: int = Field(default=0)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Never personal data here: an exception class, an SMTP code or an HTTP status.
    last_error: str = Field(default="", max_length=200)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
