"""Decisions: how each one reached the citizen (the complaint period starts from it)

Revision ID: b3c1d2e4f5a6
Revises: 7a62d497813a
Create Date: 2026-12-06 19:50:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "b3c1d2e4f5a6"
down_revision: Union[str, None] = "7a62d497813a"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Every decision so far was made available on Min side: that is what the default says.
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_by", sa.String(length=20), nullable=False,
                                      server_default="min_side"))
        batch_op.create_check_constraint(
            "ck_decision_delivered_by", "delivered_by IN ('min_side', 'digital_post', 'physical_post')")


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint("ck_decision_delivered_by", type_="check")
        batch_op.drop_column("delivered_by")
