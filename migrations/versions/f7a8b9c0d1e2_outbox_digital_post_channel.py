"""Outbox: room for the "digital_post" channel name (channel 10 -> 20 characters)

Revision ID: f7a8b9c0d1e2
Revises: e6f7a8b9c0d1
Create Date: 2026-12-07 13:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "f7a8b9c0d1e2"
down_revision: Union[str, None] = "e6f7a8b9c0d1"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("notify_outbox", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=10), type_=sa.String(length=20),
                              existing_nullable=False)


def downgrade() -> None:
    # Digital Post rows do not fit the old width: they go with the channel.
    op.execute("DELETE FROM notify_outbox WHERE channel = 'digital_post'")
    with op.batch_alter_table("notify_outbox", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=20), type_=sa.String(length=10),
                              existing_nullable=False)
