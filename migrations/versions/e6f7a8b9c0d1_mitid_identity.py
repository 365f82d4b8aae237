"""MitID: verified case identities, the SAML round trip's memory, MitID sessions, verified requests

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-07 12:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from app.core.db import UTCDateTime

revision: str = "e6f7a8b9c0d1"
down_revision: Union[str, None] = "d5e6f7a8b9c0"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "case_identity",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("citizen_case.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("cpr", sa.String(length=11), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("verified_by", sa.String(length=10), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_case_identity_cpr", "case_identity", ["cpr"])
    op.create_table(
        "mitid_login",
        sa.Column("id", sa.String(length=100), primary_key=True),
        sa.Column("browser_digest", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("came_from", sa.String(length=200), nullable=False),
        sa.Column("attach_case_id", sa.Integer(), sa.ForeignKey("citizen_case.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("attach_session_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("cpr", sa.String(length=11), nullable=True),
        sa.Column("full_name", sa.String(length=120), nullable=True),
        sa.Column("name_id", sa.String(length=200), nullable=True),
        sa.Column("session_index", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_mitid_login_browser", "mitid_login", ["browser_digest"])
    op.create_index("ix_mitid_login_created", "mitid_login", ["created_at"])
    op.create_table(
        "mitid_assertion",
        sa.Column("id", sa.String(length=100), primary_key=True),
        sa.Column("not_on_or_after", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "mitid_session",
        sa.Column("session_id", sa.String(length=64), sa.ForeignKey("web_session.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("cpr", sa.String(length=11), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("session_index", sa.String(length=200), nullable=False),
    )
    with op.batch_alter_table("treatment_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cpr_verified_by", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("treatment_request", schema=None) as batch_op:
        batch_op.drop_column("cpr_verified_by")
    op.drop_table("mitid_session")
    op.drop_table("mitid_assertion")
    op.drop_index("ix_mitid_login_created", table_name="mitid_login")
    op.drop_index("ix_mitid_login_browser", table_name="mitid_login")
    op.drop_table("mitid_login")
    op.drop_index("ix_case_identity_cpr", table_name="case_identity")
    op.drop_table("case_identity")
