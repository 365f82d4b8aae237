"""Åben Rådgivning's waiting list: entries per (session, case) and the offers of freed places; earlier first
appointments for treatment requests (the wish, and each freed time given once)

Revision ID: b9c0d1e2f3a4
Revises: a8b9c0d1e2f3
Create Date: 2026-12-07 13:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from app.core.db import UTCDateTime

revision: str = "b9c0d1e2f3a4"
down_revision: Union[str, None] = "a8b9c0d1e2f3"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN = "state = 'offered'"


def upgrade() -> None:
    op.create_table(
        "waitlist_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("counselling_session.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("citizen_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("as_relative", sa.Boolean(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "case_id", name="uq_waitlist_entry_session_case"),
    )
    op.create_index("ix_waitlist_entry_queue", "waitlist_entry", ["session_id", "status", "joined_at"])
    op.create_index("ix_waitlist_entry_case", "waitlist_entry", ["case_id"])
    op.create_table(
        "waitlist_offer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("waitlist_entry.id", ondelete="CASCADE"), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("counselling_session.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("citizen_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("offered_at", UTCDateTime(), nullable=False),
        sa.Column("held_until", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("booking_id", sa.Integer(), sa.ForeignKey("counselling_booking.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("days_gained", sa.Integer(), nullable=True),
        sa.UniqueConstraint("booking_id", name="uq_waitlist_offer_booking"),
    )
    op.create_index("uq_waitlist_offer_open", "waitlist_offer", ["entry_id"], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    op.create_index("ix_waitlist_offer_due", "waitlist_offer", ["state", "held_until"])
    op.create_index("ix_waitlist_offer_session", "waitlist_offer", ["session_id"])
    op.create_index("ix_waitlist_offer_case", "waitlist_offer", ["case_id"])
    op.create_table(
        "earlier_start_wish",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("treatment_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("citizen_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("marked_by", sa.Integer(), sa.ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("request_id", name="uq_earlier_start_wish_request"),
    )
    op.create_index("ix_earlier_start_wish_case", "earlier_start_wish", ["case_id"])
    op.create_table(
        "earlier_slot_given",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("freed_appointment_id", sa.Integer(), sa.ForeignKey("appointment.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("treatment_request.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("citizen_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("appointment_id", sa.Integer(), sa.ForeignKey("appointment.id", ondelete="SET NULL"), nullable=True),
        sa.Column("given_by", sa.Integer(), sa.ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.Column("days_gained", sa.Integer(), nullable=True),
        sa.UniqueConstraint("freed_appointment_id", name="uq_earlier_slot_given_freed"),
    )
    op.create_index("ix_earlier_slot_given_case", "earlier_slot_given", ["case_id"])


def downgrade() -> None:
    op.drop_table("earlier_slot_given")
    op.drop_table("earlier_start_wish")
    op.drop_table("waitlist_offer")
    op.drop_table("waitlist_entry")
