"""Throttle: paced turns instead of locks (a key's next free turn, as UTC epoch seconds)

Revision ID: c4d5e6f7a8b9
Revises: b3c1d2e4f5a6
Create Date: 2026-12-07 05:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "c4d5e6f7a8b9"
down_revision: Union[str, None] = "b3c1d2e4f5a6"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Locks in flight are dropped with the column: the counters stay, and a paced key books turns.
    with op.batch_alter_table("throttle", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.add_column(sa.Column("next_turn", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("throttle", schema=None) as batch_op:
        batch_op.drop_column("next_turn")
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
