"""Bookings and requests: the connection they came from, as a short-lived hash (flood cap, removal)

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-12-07 06:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "d5e6f7a8b9c0"
down_revision: Union[str, None] = "c4d5e6f7a8b9"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Earlier bookings have no tag: they count against no connection.
    with op.batch_alter_table("counselling_booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_tag", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_counselling_booking_source", ["session_id", "source_tag"], unique=False)
    with op.batch_alter_table("treatment_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_tag", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_treatment_request_source", ["source_tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("treatment_request", schema=None) as batch_op:
        batch_op.drop_index("ix_treatment_request_source")
        batch_op.drop_column("source_tag")
    with op.batch_alter_table("counselling_booking", schema=None) as batch_op:
        batch_op.drop_index("ix_counselling_booking_source")
        batch_op.drop_column("source_tag")
