"""Online treatment (#21): course templates in versions (modules, exercises), assignments to cases,
the citizen's answers (drafts and submitted), the consumption diary and its weekly goal, outcome measures (AUDIT-C, diary totals)

Revision ID: c0d1e2f3a4b5
Revises: b9c0d1e2f3a4
Create Date: 2026-12-07 12:54:00.003076
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import app.core.db


revision: str = 'c0d1e2f3a4b5'
down_revision: Union[str, None] = 'b9c0d1e2f3a4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('online_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('for_relatives', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('online_course_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('published_at', app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['online_course.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('course_id', 'version_no', name='uq_online_course_version_no')
    )
    op.create_table('online_diary_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('units_tenths', sa.Integer(), nullable=True),
    sa.Column('drinks', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('substances', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('saved_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('units_tenths IS NULL OR (units_tenths >= 0 AND units_tenths <= 5000)', name='ck_online_diary_units'),
    sa.ForeignKeyConstraint(['case_id'], ['citizen_case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'day', name='uq_online_diary_case_day')
    )
    op.create_table('online_diary_goal',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('weekly_units', sa.Integer(), nullable=False),
    sa.Column('set_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weekly_units >= 0 AND weekly_units <= 500', name='ck_online_diary_goal'),
    sa.ForeignKeyConstraint(['case_id'], ['citizen_case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('online_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('self_started', sa.Boolean(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('started_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['citizen_case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['online_course_version.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'version_id', name='uq_online_assignment_case_version')
    )
    with op.batch_alter_table('online_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_assignment_case_id'), ['case_id'], unique=False)

    op.create_table('online_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['online_course_version.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'position', name='uq_online_module_position')
    )
    op.create_table('online_exercise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('hint', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['online_module.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['online_course_version.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('module_id', 'position', name='uq_online_exercise_position')
    )
    with op.batch_alter_table('online_exercise', schema=None) as batch_op:
        batch_op.create_index('ix_online_exercise_version', ['version_id'], unique=False)

    op.create_table('online_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('saved_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('feedback_at', app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('feedback_message_id', sa.Integer(), nullable=True),
    sa.Column('feedback_staff_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'answered')", name='ck_online_answer_status'),
    sa.ForeignKeyConstraint(['assignment_id'], ['online_assignment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['citizen_case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exercise_id'], ['online_exercise.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_message_id'], ['case_message.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_staff_id'], ['staff_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assignment_id', 'exercise_id', name='uq_online_answer_exercise')
    )
    with op.batch_alter_table('online_answer', schema=None) as batch_op:
        batch_op.create_index('ix_online_answer_case', ['case_id'], unique=False)
        batch_op.create_index('ix_online_answer_status_submitted', ['status', 'submitted_at'], unique=False)

    op.create_table('online_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('point', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('audit_c', sa.Integer(), nullable=True),
    sa.Column('diary_units_tenths', sa.Integer(), nullable=True),
    sa.Column('by_staff_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("point IN ('start', 'discharge', 'month1', 'month6')", name='ck_online_outcome_point'),
    sa.CheckConstraint('audit_c IS NULL OR (audit_c >= 0 AND audit_c <= 12)', name='ck_online_outcome_audit_c'),
    sa.CheckConstraint('audit_c IS NOT NULL OR diary_units_tenths IS NOT NULL', name='ck_online_outcome_some'),
    sa.ForeignKeyConstraint(['case_id'], ['citizen_case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_staff_id'], ['staff_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'point', name='uq_online_outcome_case_point')
    )
    # A published course version never changes (the same SQL as the models' create_all hook).
    from app.online.models import PUBLISHED_TRIGGERS
    for sql in PUBLISHED_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(sql)


def downgrade() -> None:
    op.drop_table('online_outcome')
    with op.batch_alter_table('online_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_online_answer_status_submitted')
        batch_op.drop_index('ix_online_answer_case')

    op.drop_table('online_answer')
    with op.batch_alter_table('online_exercise', schema=None) as batch_op:
        batch_op.drop_index('ix_online_exercise_version')

    op.drop_table('online_exercise')
    op.drop_table('online_module')
    with op.batch_alter_table('online_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_assignment_case_id'))

    op.drop_table('online_assignment')
    op.drop_table('online_diary_goal')
    op.drop_table('online_diary_day')
    op.drop_table('online_course_version')
    op.drop_table('online_course')  # the tables' triggers go with them
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS online_version_published()")
        op.execute("DROP FUNCTION IF EXISTS online_part_published()")
