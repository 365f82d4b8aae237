"""How online treatment plugs into others: the citizen's "mine data" (the courses with every answer, the
diary day by day) and the counsellors' daily digest (answers waiting for feedback)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core.i18n import Msg, N_
from app.core.labels import label_of
from app.export.service import ExportSection
from app.notify.digest import DigestItem
from app.online import service
from app.online.models import AnswerStatus, DiaryDay, ExerciseAnswer, Substance


def answers_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    progress = service.course_progress(db, case.id)
    if not progress:
        return None
    records = []
    for course in progress:
        for module in course.modules:
            for exercise in module.exercises:
                answer = module.answers.get(exercise.id)
                if answer is not None:
                    records.append([(N_("Forløb"), course.version.title), (N_("Modul"), module.module.title),
                                    (N_("Spørgsmål"), exercise.prompt), (N_("Dit svar"), answer.body),
                                    (N_("Status"), Msg(label_of(answer.status, AnswerStatus))),
                                    (N_("Gemt"), answer.saved_at)])
    return ExportSection(N_("Online forløb"), rows=[(N_("Forløb"), c.version.title) for c in progress],
                         records=records, order=65)


def diary_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    days = list(db.exec(select(DiaryDay).where(DiaryDay.case_id == case.id).order_by(DiaryDay.day)))
    if not days:
        return None
    return ExportSection(N_("Din dagbog"), records=[[
        (N_("Dag"), d.day), (N_("Genstande"), d.units_text or None),
        (N_("Stoffer eller piller denne dag"), ", ".join(label_of(s, Substance) for s in d.substance_list) or None),
        (N_("Et par ord om dagen"), d.note or None),
    ] for d in days], order=66)


def waiting_digest(db: Session, *, staff, now: datetime) -> DigestItem | None:
    """The counsellors' daily digest: answers sent in the online courses and not yet answered."""
    n = db.exec(select(func.count()).select_from(ExerciseAnswer).where(
        ExerciseAnswer.status == AnswerStatus.submitted.value)).one()
    return DigestItem(Msg(N_("%(count)s svar i online forløb venter på feedback"), count=n), n) if n else None
