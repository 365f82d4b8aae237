"""Online treatment (internetbaseret behandling): course templates in immutable published versions,
a course version assigned to a case, the citizen's answers to its exercises, and the consumption diary.

A citizen keeps the version they started: a leader's edit is a new draft version (a copy), and
publishing it never touches the versions already assigned."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, CheckConstraint, Column, Date, Index, Text, UniqueConstraint, event
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class AnswerStatus(LabelledEnum):
    draft = "draft", N_("Kladde – kun du kan se den")
    submitted = "submitted", N_("Sendt – venter på svar")
    answered = "answered", N_("Din behandler har svaret")


class Substance(LabelledEnum):
    cannabis = "cannabis", N_("Hash eller pot")
    cocaine = "cocaine", N_("Kokain")
    amphetamine = "amphetamine", N_("Amfetamin")
    opioids = "opioids", N_("Opioider")
    benzodiazepines = "benzodiazepines", N_("Nerve- eller sovepiller")
    other = "other", N_("Andet")


class Course(TenantOwned, table=True):
    """A course template; its content lives in its versions."""

    __tablename__ = "online_course"
    __table_args__ = (UniqueConstraint("tenant_id", "slug", name="uq_online_course_tenant_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60)
    for_relatives: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CourseVersion(TenantOwned, table=True):
    """One version of a course. A draft (published_at None) may be edited; a published one never."""

    __tablename__ = "online_course_version"
    __table_args__ = (UniqueConstraint("course_id", "version_no", name="uq_online_course_version_no"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="online_course.id", ondelete="CASCADE")
    version_no: int
    title: str = Field(max_length=200)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CourseModule(TenantOwned, table=True):
    __tablename__ = "online_module"
    __table_args__ = (UniqueConstraint("version_id", "position", name="uq_online_module_position"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="online_course_version.id", ondelete="CASCADE")
    position: int
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))  # short paragraphs, separated by a blank line

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class CourseExercise(TenantOwned, table=True):
    __tablename__ = "online_exercise"
    __table_args__ = (UniqueConstraint("module_id", "position", name="uq_online_exercise_position"),
                      Index("ix_online_exercise_version", "version_id"))

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="online_module.id", ondelete="CASCADE")
    version_id: int = Field(foreign_key="online_course_version.id", ondelete="CASCADE")
    position: int
    prompt: str = Field(sa_column=Column(Text, nullable=False))
    hint: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class CourseAssignment(TenantOwned, table=True):
    """A course version given to a case (by a counsellor, or started by the citizen where the centre allows it)."""

    __tablename__ = "online_assignment"
    __table_args__ = (UniqueConstraint("case_id", "version_id", name="uq_online_assignment_case_version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE", index=True)
    version_id: int = Field(foreign_key="online_course_version.id", ondelete="RESTRICT")
    self_started: bool = Field(default=False)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ExerciseAnswer(TenantOwned, table=True):
    """The citizen's answer to one exercise: a draft saved as they go, then submitted; feedback is a message."""

    __tablename__ = "online_answer"
    __table_args__ = (
        UniqueConstraint("assignment_id", "exercise_id", name="uq_online_answer_exercise"),
        Index("ix_online_answer_status_submitted", "status", "submitted_at"),
        Index("ix_online_answer_case", "case_id"),
        CheckConstraint("status IN ('draft', 'submitted', 'answered')", name="ck_online_answer_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="online_assignment.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    exercise_id: int = Field(foreign_key="online_exercise.id", ondelete="CASCADE")
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=AnswerStatus.draft.value, max_length=10)
    saved_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    feedback_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    feedback_message_id: int | None = Field(default=None, foreign_key="case_message.id", ondelete="SET NULL")
    feedback_staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")


class DiaryDay(TenantOwned, table=True):
    """One day of the consumption diary: genstande (in tenths, so sums are exact) and the substances used."""

    __tablename__ = "online_diary_day"
    __table_args__ = (
        UniqueConstraint("case_id", "day", name="uq_online_diary_case_day"),
        CheckConstraint("units_tenths IS NULL OR (units_tenths >= 0 AND units_tenths <= 5000)",
                        name="ck_online_diary_units"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    day: date = Field(sa_column=Column(Date, nullable=False))
    units_tenths: int | None = Field(default=None)  # None: nothing about alcohol written that day
    drinks: str = Field(default="", max_length=300)  # what was typed in the helper, "beer33=2,wine75=1"
    substances: str = Field(default="", max_length=200)  # comma-separated Substance values used that day
    note: str = Field(default="", max_length=500)
    saved_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def units(self) -> float | None:
        return None if self.units_tenths is None else self.units_tenths / 10

    @property
    def units_text(self) -> str:
        from app.online.diary import units_text
        return "" if self.units_tenths is None else units_text(self.units_tenths)

    @property
    def substance_list(self) -> list[str]:
        return [s for s in self.substances.split(",") if s]


class DiaryGoal(TenantOwned, table=True):
    """The citizen's own weekly goal in genstande, drawn on the diary's chart."""

    __tablename__ = "online_diary_goal"
    __table_args__ = (CheckConstraint("weekly_units >= 0 AND weekly_units <= 500", name="ck_online_diary_goal"),)

    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE", primary_key=True)
    weekly_units: int
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MeasurePoint(LabelledEnum):
    start = "start", N_("Ved start")
    discharge = "discharge", N_("Ved afslutning")
    month1 = "month1", N_("1 måned efter")
    month6 = "month6", N_("6 måneder efter")


class OutcomeMeasure(TenantOwned, table=True):
    """A treatment-effect measure at one point of the course: AUDIT-C (0–12) and/or the diary's total
    for the 28 days before (in tenths of genstande), answered by the citizen or taken by phone by staff."""

    __tablename__ = "online_outcome"
    __table_args__ = (
        UniqueConstraint("case_id", "point", name="uq_online_outcome_case_point"),
        CheckConstraint("point IN ('start', 'discharge', 'month1', 'month6')", name="ck_online_outcome_point"),
        CheckConstraint("audit_c IS NULL OR (audit_c >= 0 AND audit_c <= 12)", name="ck_online_outcome_audit_c"),
        CheckConstraint("audit_c IS NOT NULL OR diary_units_tenths IS NOT NULL", name="ck_online_outcome_some"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    point: str = Field(max_length=10)
    audit_c: int | None = Field(default=None)
    diary_units_tenths: int | None = Field(default=None)
    by_staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# A published course version never changes, in the database too: the service has no path for it, and these
# stop raw SQL. (Deleting stays possible: a course nobody was given can be removed.)
PUBLISHED_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER online_version_published BEFORE UPDATE ON online_course_version "
        "WHEN OLD.published_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'published course versions are immutable'); END",
        *(f"CREATE TRIGGER {table}_published BEFORE UPDATE ON {table} "
          "WHEN (SELECT published_at FROM online_course_version WHERE id = OLD.version_id) IS NOT NULL "
          "BEGIN SELECT RAISE(ABORT, 'published course versions are immutable'); END"
          for table in ("online_module", "online_exercise")),
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION online_version_published() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'published course versions are immutable'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER online_version_published BEFORE UPDATE ON online_course_version "
        "FOR EACH ROW WHEN (OLD.published_at IS NOT NULL) EXECUTE FUNCTION online_version_published()",
        "CREATE OR REPLACE FUNCTION online_part_published() RETURNS trigger AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM online_course_version WHERE id = OLD.version_id AND published_at IS NOT NULL) "
        "THEN RAISE EXCEPTION 'published course versions are immutable'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
        *(f"CREATE TRIGGER {table}_published BEFORE UPDATE ON {table} "
          "FOR EACH ROW EXECUTE FUNCTION online_part_published()" for table in ("online_module", "online_exercise")),
    ],
}
_TRIGGER_TABLE = {"online_version_published": CourseVersion.__table__, "online_module_published": CourseModule.__table__,
                  "online_exercise_published": CourseExercise.__table__}
for _dialect, _statements in PUBLISHED_TRIGGERS.items():
    for _sql in _statements:
        if _sql.startswith("CREATE TRIGGER"):
            _table = _TRIGGER_TABLE[_sql.split()[2]]
        else:  # a function: created with the version table, before the triggers that use it
            _table = CourseVersion.__table__
        event.listen(_table, "after_create", DDL(_sql).execute_if(dialect=_dialect))
