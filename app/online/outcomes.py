"""Outcome measures the centre can report as treatment effect: AUDIT-C (the first three AUDIT questions,
0–12) and the diary's total for the 28 days before, at the start, at discharge and at the 1- and
6-month follow-ups; and the online figures for the leadership (citizens in online treatment, answers
sent, median feedback time, change from start to each later point)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from app.core.db import insert_for
from app.core.i18n import N_
from app.online import diary, service
from app.online.models import AnswerStatus, CourseAssignment, ExerciseAnswer, MeasurePoint, OutcomeMeasure
from app.plans.models import Discharge, FollowUp, FollowUpStatus
from app.requests.screening import AUDIT

AUDIT_C = AUDIT[:3]
POINTS = [p.value for p in MeasurePoint]
SMALL = 5  # fewer pairs than this: no averages shown (as the statistics page's small-cell rule)


def parse_audit_c(answers: list[str]) -> int | None:
    """The three answers (0–4 each) as a score; all three empty is None (the diary may be enough)."""
    if all(not (a or "").strip() for a in answers):
        return None
    values = []
    for index, answer in enumerate(answers):
        text = (answer or "").strip()
        if text not in {"0", "1", "2", "3", "4"}:
            raise service.OnlineError(f"q{index}", N_("Svar på alle tre spørgsmål – eller på ingen af dem."))
        values.append(int(text))
    return sum(values)


def due_points(db: Session, case_id: int, today: date) -> list[str]:
    """The points due now: the start once a course is given; discharge once discharged; a follow-up from its date."""
    if not service.assignments_of_case(db, case_id):
        return []
    due = ["start"]
    discharge = db.exec(select(Discharge).where(Discharge.case_id == case_id)).first()
    if discharge is not None and discharge.discharged_on <= today:
        due.append("discharge")
        for months, point in ((1, "month1"), (6, "month6")):
            follow = db.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.months == months)).first()
            # A citizen who declined the follow-up is not asked (BEK 1477/2019 § 4: they may say no).
            if follow is not None and follow.due_on <= today and follow.status != FollowUpStatus.declined.value:
                due.append(point)
    return due


def measures_of(db: Session, case_id: int) -> dict[str, OutcomeMeasure]:
    return {m.point: m for m in db.exec(select(OutcomeMeasure).where(OutcomeMeasure.case_id == case_id))}


def next_for_citizen(db: Session, case_id: int, today: date) -> str | None:
    """The earliest due point not yet measured (what Min side asks about)."""
    done = measures_of(db, case_id)
    return next((p for p in due_points(db, case_id, today) if p not in done), None)


def record_measure(db: Session, *, case_id: int, point: str, answers: list[str], today: date, now: datetime,
                   staff_id: int | None = None) -> OutcomeMeasure:
    """Store a point's AUDIT-C and the diary's last 28 days (measured again: replaced)."""
    if point not in due_points(db, case_id, today):
        raise service.OnlineError("point", N_("Vælg et tidspunkt, der er nået."))
    audit_c = parse_audit_c(answers)
    units = service.last_four_weeks_units(db, case_id, today)
    if audit_c is None and units is None:
        raise service.OnlineError("q0", N_("Svar på de tre spørgsmål. Der er ingen dagbog fra de sidste fire uger at bruge i stedet."))
    values = {"audit_c": audit_c, "diary_units_tenths": None if units is None else diary.tenths(units),
              "by_staff_id": staff_id, "recorded_at": now}
    insert = insert_for(db)
    db.execute(insert(OutcomeMeasure).values(case_id=case_id, point=point, **values)
               .on_conflict_do_update(index_elements=["case_id", "point"], set_=values))
    return db.exec(select(OutcomeMeasure).where(OutcomeMeasure.case_id == case_id, OutcomeMeasure.point == point)
                   .execution_options(populate_existing=True)).one()


# --- the leadership's figures --------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    point: str
    measure: str  # "audit_c" | "diary"
    pairs: int
    start_mean: float | None  # None below the small-cell limit
    later_mean: float | None
    improved: int | None  # pairs where the later value is lower


@dataclass(frozen=True)
class OnlineStats:
    citizens: int
    self_started: int
    answers_sent: int
    answers_with_feedback: int
    median_feedback_hours: float | None
    changes: list[Change]


def _change(pairs: list[tuple[float, float]], point: str, measure: str) -> Change:
    if len(pairs) < SMALL:
        return Change(point, measure, len(pairs), None, None, None)
    return Change(point, measure, len(pairs), round(statistics.fmean(a for a, _ in pairs), 1),
                  round(statistics.fmean(b for _, b in pairs), 1), sum(1 for a, b in pairs if b < a))


def online_stats(db: Session) -> OnlineStats:
    citizens = db.exec(select(func.count(func.distinct(CourseAssignment.case_id)))).one()
    self_started = db.exec(select(func.count(func.distinct(CourseAssignment.case_id)))
                           .where(CourseAssignment.self_started.is_(True))).one()
    sent = db.exec(select(ExerciseAnswer.submitted_at, ExerciseAnswer.feedback_at).where(
        ExerciseAnswer.status.in_([AnswerStatus.submitted.value, AnswerStatus.answered.value]))).all()
    waits = [(f - s).total_seconds() / 3600 for s, f in sent if f is not None and s is not None]
    by_case: dict[int, dict[str, OutcomeMeasure]] = {}
    for m in db.exec(select(OutcomeMeasure)):
        by_case.setdefault(m.case_id, {})[m.point] = m
    changes = []
    for point in POINTS[1:]:
        audit = [(c["start"].audit_c, c[point].audit_c) for c in by_case.values()
                 if "start" in c and point in c and c["start"].audit_c is not None and c[point].audit_c is not None]
        units = [(c["start"].diary_units_tenths / 10, c[point].diary_units_tenths / 10) for c in by_case.values()
                 if "start" in c and point in c and c["start"].diary_units_tenths is not None
                 and c[point].diary_units_tenths is not None]
        changes += [_change(audit, point, "audit_c"), _change(units, point, "diary")]
    return OnlineStats(citizens, self_started, len(sent), len(waits),
                       round(statistics.median(waits), 1) if waits else None, changes)
