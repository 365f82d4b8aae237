"""Figures from the plans domain: courses ended by reason, completion rate against the targets,
plans overdue for revision, and follow-ups 1 and 6 months after discharge. Computed in SQL.

A course's area and age group come from the case's latest treatment request (one index lookup per
course or plan): the age is taken from the CPR number at discharge, unknown for anonymous cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, and_, cast, func, literal, null, select, union_all
from sqlmodel import Session

from app.requests.models import TreatmentRequest
from app.stats.service import ALL, AREA_ORDER, COMPLETION_TARGETS, Period, _age_group, _ordered, _sum_if, _three_levels
from app.stats.sql import day_diff

from app.plans.models import Discharge, DischargeReason, FollowUp, TreatmentPlan
UNKNOWN_AREA = "unknown"


def _latest_request_column(case_id_col, name: str = "id"):
    """A column of the case's latest treatment request (an index lookup per case, ix_treatment_request_case)."""
    r = TreatmentRequest.__table__.alias("r_latest").c
    return (select(r[name]).where(r.case_id == case_id_col).order_by(r.received_at.desc(), r.id.desc())
            .limit(1).scalar_subquery())


def _course_hist(period: Period):
    """The period's ended courses counted per (area, age group, reason): a small table that every
    course figure is rolled up from."""
    d, r = Discharge.__table__.c, TreatmentRequest.__table__.c
    ended = (select(d.reason, d.discharged_on, _latest_request_column(d.case_id).label("request_id"))
             .where(d.discharged_on >= literal(period.start, Date), d.discharged_on <= literal(period.end, Date))
             .cte("course_ended").prefix_with("MATERIALIZED"))
    x = ended.c
    area, age = func.coalesce(r.area, literal(UNKNOWN_AREA)), _age_group(r.cpr, x.discharged_on)
    return (select(area.label("area"), age.label("age"), x.reason, func.count().label("n"),
                   _sum_if(x.reason == DischargeReason.completed.value).label("completed"))
            .select_from(ended.outerjoin(TreatmentRequest.__table__, r.id == x.request_id))
            .group_by(area, age, x.reason).cte("course_hist").prefix_with("MATERIALIZED"))


@dataclass
class CompletionFigures:
    area: str
    age: str
    ended: int = 0
    completed: int = 0

    @property
    def target(self) -> int | None:
        return COMPLETION_TARGETS.get(self.area) if self.age == ALL else None


def _course_statement(period: Period):
    """One statement for the completion table and the reasons table, so the period's courses are
    read once: ('group', area, age, ended, completed) and ('reason', reason, area, courses, NULL) rows."""
    hist = _course_hist(period)
    h = hist.c
    levels = _three_levels(hist, ("area", "age"), ["n", "completed"]).subquery("course_levels")
    groups = select(literal("group").label("kind"), levels.c.g_area.label("a"), levels.c.g_age.label("b"),
                    levels.c.n, levels.c.completed)
    none = cast(null(), Integer)
    per_area = select(literal("reason"), h.reason, h.area, func.sum(h.n), none).group_by(h.reason, h.area)
    total = select(literal("reason"), h.reason, literal(ALL), func.sum(h.n), none).group_by(h.reason)
    return union_all(groups, per_area, total)


def course_rows(db: Session, *, period: Period):
    return db.execute(_course_statement(period)).all()


def completion(db: Session, *, period: Period, rows=None) -> list[CompletionFigures]:
    """Courses ended in the period and how many ended as completed (færdigbehandlet)."""
    found = {(x.a, x.b): CompletionFigures(x.a, x.b, int(x.n or 0), int(x.completed or 0))
             for x in (rows if rows is not None else course_rows(db, period=period)) if x.kind == "group"}
    return _ordered(found, CompletionFigures)


def ended_by_reason(db: Session, *, period: Period, rows=None) -> dict[tuple[str, str], int]:
    """{(reason, area or 'all'): courses} for courses ended in the period."""
    return {(x.a, x.b): int(x.n) for x in (rows if rows is not None else course_rows(db, period=period))
            if x.kind == "reason"}


@dataclass
class RevisionFigures:
    area: str
    active: int = 0
    overdue: int = 0
    overdue_30: int = 0  # more than 30 days overdue


def overdue_revisions(db: Session, *, today: date) -> list[RevisionFigures]:
    """Plans of cases not discharged whose revision date (at least every 3 months) has passed, today."""
    p, d = TreatmentPlan.__table__.c, Discharge.__table__.c
    # NOT EXISTS lets PostgreSQL answer with an anti-join over the two case_id indexes instead of
    # testing each plan against a hashed list of all discharges.
    discharged = select(literal(1)).where(d.case_id == p.case_id).exists()
    base = (select(func.coalesce(_latest_request_column(p.case_id, "area"), literal(UNKNOWN_AREA)).label("area"),
                   p.next_revision_on)
            .where(~discharged).cte("plan_base").prefix_with("MATERIALIZED"))
    today_lit = literal(today, Date)
    overdue = base.c.next_revision_on < today_lit
    cols = (func.count().label("active"), _sum_if(overdue).label("overdue"),
            _sum_if(and_(overdue, day_diff(today_lit, base.c.next_revision_on) > 30)).label("o30"))
    q = union_all(select(base.c.area, *cols).group_by(base.c.area), select(literal(ALL), *cols))
    found = {x[0]: RevisionFigures(x[0], int(x[1]), int(x[2]), int(x[3])) for x in db.execute(q)}
    return [found[a] for a in (*AREA_ORDER, ALL) if a in found] or [RevisionFigures(ALL)]


@dataclass
class FollowUpFigures:
    months: int
    due: int = 0
    done: int = 0
    declined: int = 0

    @property
    def missing(self) -> int:
        return self.due - self.done - self.declined


def follow_ups(db: Session, *, period: Period, today: date) -> list[FollowUpFigures]:
    """Follow-ups 1 and 6 months after discharge that fell due in the period (up to today)."""
    f = FollowUp.__table__.c
    q = (select(f.months, func.count().label("due"), _sum_if(f.status == "done").label("done"),
                _sum_if(f.status == "declined").label("declined"))
         .where(f.due_on >= literal(period.start, Date), f.due_on <= literal(min(period.end, today), Date))
         .group_by(f.months))
    found = {x.months: FollowUpFigures(x.months, int(x.due), int(x.done), int(x.declined)) for x in db.execute(q)}
    return [found.get(m) or FollowUpFigures(m) for m in (1, 6)]
