"""Tenants (#20): the municipalities one installation serves. Every existing row becomes the first
tenant's (id 1), so a single-municipality database keeps all its data; on PostgreSQL every
tenant-owned table gets row-level security, forced for the owner too.

Revision ID: d1e2f3a4b5c6
Revises: c0d1e2f3a4b5
Create Date: 2026-12-07 16:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision: str = 'd1e2f3a4b5c6'
down_revision: Union[str, None] = 'c0d1e2f3a4b5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen here: the tables as they stand at this revision (app.core.tenancy.tenant_owned_tables).
TABLES = ['access_log', 'citizen_case', 'counselling_schedule', 'online_course', 'staff_user', 'appointment',
          'case_identity', 'case_message', 'counselling_session', 'decision', 'discharge', 'mitid_login',
          'notify_outbox', 'online_course_version', 'online_diary_day', 'online_diary_goal', 'online_outcome',
          'staff_recovery_code', 'staff_totp', 'treatment_plan', 'treatment_request', 'web_session', 'complaint',
          'counselling_booking', 'earlier_slot_given', 'earlier_start_wish', 'follow_up', 'gift_card',
          'mitid_session', 'online_assignment', 'online_module', 'plan_goal', 'plan_version', 'waitlist_entry',
          'booking_notice', 'online_exercise', 'plan_goal_comment', 'waitlist_offer', 'online_answer']
CURRENT = "(NULLIF(current_setting('app.tenant', true), ''))::integer"
# SQLite names an unnamed constraint it reflects by this convention, so batch mode can drop it.
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.create_table('tenant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=253), nullable=True),
    sa.Column('centre_toml', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('host'),
    sa.UniqueConstraint('slug')
    )
    op.execute("INSERT INTO tenant (slug, name) VALUES ('standard', 'Standard')")
    pg = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        # A constant default fills every existing row in place (no table rewrite on either database).
        op.add_column(table, sa.Column('tenant_id', sa.Integer(), nullable=False, server_default=sa.text('1')))
        op.create_index(f'ix_{table}_tenant_id', table, ['tenant_id'])
        if pg:  # from now on a row belongs to the tenant of the transaction that inserts it
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN tenant_id SET DEFAULT {CURRENT}')

    # Unique within a municipality, not across them.
    with op.batch_alter_table('staff_user') as batch_op:
        batch_op.drop_index('ix_staff_user_username')
        batch_op.drop_constraint('uq_staff_user_oidc_subject', type_='unique')
        batch_op.create_unique_constraint('uq_staff_user_tenant_username', ['tenant_id', 'username'])
        batch_op.create_unique_constraint('uq_staff_user_tenant_oidc_subject', ['tenant_id', 'oidc_subject'])
    with op.batch_alter_table('online_course', naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint('online_course_slug_key' if pg else 'uq_online_course_slug', type_='unique')
        batch_op.create_unique_constraint('uq_online_course_tenant_slug', ['tenant_id', 'slug'])
    with op.batch_alter_table('notify_outbox') as batch_op:
        batch_op.drop_constraint('uq_notify_outbox_dedupe_channel', type_='unique')
        batch_op.create_unique_constraint('uq_notify_outbox_dedupe_channel', ['tenant_id', 'dedupe_key', 'channel'])

    if pg:
        if op.get_context().as_sql:
            return
        from app.core.tenancy import policy_sql
        for table in TABLES:
            for sql in policy_sql(table):
                op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM tenant")).scalar() > 1:
        raise RuntimeError("more than one municipality: a downgrade would merge their data")
    pg = bind.dialect.name == "postgresql"
    if pg:
        for table in TABLES:
            op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"')
            op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
    with op.batch_alter_table('notify_outbox') as batch_op:
        batch_op.drop_constraint('uq_notify_outbox_dedupe_channel', type_='unique')
        batch_op.create_unique_constraint('uq_notify_outbox_dedupe_channel', ['dedupe_key', 'channel'])
    with op.batch_alter_table('online_course') as batch_op:
        batch_op.drop_constraint('uq_online_course_tenant_slug', type_='unique')
        batch_op.create_unique_constraint('online_course_slug_key' if pg else 'uq_online_course_slug', ['slug'])
    with op.batch_alter_table('staff_user') as batch_op:
        batch_op.drop_constraint('uq_staff_user_tenant_oidc_subject', type_='unique')
        batch_op.drop_constraint('uq_staff_user_tenant_username', type_='unique')
        batch_op.create_unique_constraint('uq_staff_user_oidc_subject', ['oidc_subject'])
        batch_op.create_index('ix_staff_user_username', ['username'], unique=True)
    for table in reversed(TABLES):
        op.drop_index(f'ix_{table}_tenant_id', table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('tenant_id')
    op.drop_table('tenant')
