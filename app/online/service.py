"""Online treatment's rules: course versions, assignments, answers (drafts saved as the citizen goes),
the consumption diary and its goal. Plain functions taking `db` and `now`; they flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core.db import insert_for
from app.core.errors import NotFound
from app.core.i18n import N_
from app.online import course_text, diary
from app.online.models import (
    AnswerStatus, Course, CourseAssignment, CourseExercise, CourseModule, CourseVersion, DiaryDay, DiaryGoal,
    ExerciseAnswer, Substance,
)

MAX_ANSWER = 8000
DIARY_DAYS_BACK = 366  # how far back a day may be written


class OnlineError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


# --- course templates and versions ------------------------------------------------------------------

def _add_version(db: Session, *, course: Course, version_no: int, title: str, summary: str, modules, now: datetime,
                 published: bool, staff_id: int | None = None) -> CourseVersion:
    version = CourseVersion(course_id=course.id, version_no=version_no, title=title, summary=summary,
                            published_at=now if published else None, staff_id=staff_id, created_at=now)
    db.add(version)
    db.flush()
    for m_pos, (m_title, body, exercises) in enumerate(modules, start=1):
        module = CourseModule(version_id=version.id, position=m_pos, title=m_title, body=body)
        db.add(module)
        db.flush()
        for e_pos, (prompt, hint) in enumerate(exercises, start=1):
            db.add(CourseExercise(module_id=module.id, version_id=version.id, position=e_pos, prompt=prompt, hint=hint))
    db.flush()
    return version


def load_builtin_courses(db: Session, *, now: datetime) -> list[CourseVersion]:
    """The portal's own courses as published version 1, once (by slug)."""
    made = []
    for slug, for_relatives, title, summary, modules in course_text.COURSES:
        if db.exec(select(Course.id).where(Course.slug == slug)).first() is not None:
            continue
        course = Course(slug=slug, for_relatives=for_relatives, created_at=now)
        db.add(course)
        db.flush()
        made.append(_add_version(db, course=course, version_no=1, title=title, summary=summary, modules=modules,
                                 now=now, published=True))
    return made


def latest_published(db: Session, course_id: int) -> CourseVersion | None:
    return db.exec(select(CourseVersion).where(CourseVersion.course_id == course_id,
                                               CourseVersion.published_at.is_not(None))
                   .order_by(CourseVersion.version_no.desc())).first()


def published_courses(db: Session) -> list[CourseVersion]:
    """The newest published version of every course: what a counsellor can assign."""
    courses = db.exec(select(Course).order_by(Course.for_relatives, Course.id)).all()
    return [v for c in courses if (v := latest_published(db, c.id)) is not None]


def modules_of(db: Session, version_id: int) -> list[CourseModule]:
    return list(db.exec(select(CourseModule).where(CourseModule.version_id == version_id)
                        .order_by(CourseModule.position)))


def exercises_of(db: Session, version_id: int) -> list[CourseExercise]:
    return list(db.exec(select(CourseExercise).where(CourseExercise.version_id == version_id)
                        .order_by(CourseExercise.module_id, CourseExercise.position)))


def new_draft_version(db: Session, *, course_id: int, staff_id: int | None, now: datetime) -> CourseVersion:
    """A leader's edit starts here: the newest version copied as a draft (or the draft already open)."""
    draft = open_draft(db, course_id)
    if draft is not None:
        return draft
    source = latest_published(db, course_id)
    course = db.get(Course, course_id)
    if source is None or course is None:
        raise NotFound()
    exercises = exercises_of(db, source.id)
    modules = [(m.title, m.body, [(e.prompt, e.hint) for e in exercises if e.module_id == m.id])
               for m in modules_of(db, source.id)]
    top = db.exec(select(func.max(CourseVersion.version_no)).where(CourseVersion.course_id == course_id)).one()
    return _add_version(db, course=course, version_no=(top or 0) + 1, title=source.title, summary=source.summary,
                        modules=modules, now=now, published=False, staff_id=staff_id)


def courses(db: Session) -> list[Course]:
    return list(db.exec(select(Course).order_by(Course.for_relatives, Course.id)))


def open_draft(db: Session, course_id: int) -> CourseVersion | None:
    return db.exec(select(CourseVersion).where(CourseVersion.course_id == course_id,
                                               CourseVersion.published_at.is_(None))).first()


def versions_of(db: Session, course_id: int) -> list[CourseVersion]:
    return list(db.exec(select(CourseVersion).where(CourseVersion.course_id == course_id)
                        .order_by(CourseVersion.version_no.desc())))


def _draft(db: Session, course_id: int, version_id: int) -> CourseVersion:
    """The version, if it is a draft of this course (a published version never changes)."""
    version = db.get(CourseVersion, version_id)
    if version is None or version.course_id != course_id:
        raise NotFound()
    if version.published_at is not None:
        raise OnlineError("version", N_("Denne version er offentliggjort og kan ikke ændres. Lav en ny version."))
    return version


def _text(field_id: str, value: str, *, limit: int, what) -> str:
    text = (value or "").strip().replace("\r\n", "\n")
    if not text:
        raise OnlineError(field_id, what)
    if len(text) > limit:
        raise OnlineError(field_id, N_("Teksten er for lang."))
    return text


def edit_module(db: Session, *, course_id: int, module_id: int, title: str, body: str) -> CourseModule:
    """Change a module of the course's draft version."""
    module = db.get(CourseModule, module_id)
    if module is None:
        raise NotFound()
    _draft(db, course_id, module.version_id)
    module.title = _text(f"m{module_id}-title", title, limit=200, what=N_("Skriv en overskrift."))
    module.body = _text(f"m{module_id}-body", body, limit=8000, what=N_("Skriv modulets tekst."))
    db.add(module)
    db.flush()
    return module


def edit_exercise(db: Session, *, course_id: int, exercise_id: int, prompt: str, hint: str) -> CourseExercise:
    """Change an exercise of the course's draft version."""
    exercise = db.get(CourseExercise, exercise_id)
    if exercise is None:
        raise NotFound()
    _draft(db, course_id, exercise.version_id)
    exercise.prompt = _text(f"e{exercise_id}-prompt", prompt, limit=2000, what=N_("Skriv øvelsens spørgsmål."))
    hint = (hint or "").strip()
    if len(hint) > 2000:
        raise OnlineError(f"e{exercise_id}-hint", N_("Teksten er for lang."))
    exercise.hint = hint
    db.add(exercise)
    db.flush()
    return exercise


def publish_version(db: Session, *, course_id: int, version_id: int, now: datetime) -> CourseVersion:
    """The draft becomes the version new assignments get; citizens on older versions keep theirs."""
    version = _draft(db, course_id, version_id)
    version.published_at = now
    db.add(version)
    db.flush()
    return version


# --- assignments ----------------------------------------------------------------------------------

def assignments_of_case(db: Session, case_id: int) -> list[tuple[CourseAssignment, CourseVersion]]:
    return list(db.exec(select(CourseAssignment, CourseVersion)
                        .join(CourseVersion, CourseVersion.id == CourseAssignment.version_id)
                        .where(CourseAssignment.case_id == case_id).order_by(CourseAssignment.id)).all())


def assign_course(db: Session, *, case_id: int, version_id: int, now: datetime, staff_id: int | None = None,
                  self_started: bool = False) -> CourseAssignment:
    """Give a published course version to a case. The same course twice is refused (the database holds it)."""
    version = db.get(CourseVersion, version_id)
    if version is None or version.published_at is None:
        raise OnlineError("version_id", N_("Vælg et forløb."))
    for assignment, assigned in assignments_of_case(db, case_id):
        if assigned.course_id == version.course_id:
            raise OnlineError("version_id", N_("Borgeren har allerede dette forløb."))
    assignment = CourseAssignment(case_id=case_id, version_id=version.id, staff_id=staff_id,
                                  self_started=self_started, started_at=now)
    try:
        with db.begin_nested():
            db.add(assignment)
            db.flush()
    except IntegrityError:
        raise OnlineError("version_id", N_("Borgeren har allerede dette forløb.")) from None
    return assignment


def self_start_version(db: Session, *, for_relative: bool) -> CourseVersion | None:
    """The portal's own course that fits the request: for relatives, or the citizen's own."""
    slug = course_text.RELATIVES_SLUG if for_relative else course_text.MAIN_SLUG
    course = db.exec(select(Course).where(Course.slug == slug)).first()
    return latest_published(db, course.id) if course is not None else None


def self_start_course(db: Session, *, case_id: int, for_relative: bool, now: datetime) -> CourseAssignment:
    """The citizen starts the course that fits their request themselves (where the centre allows it)."""
    version = self_start_version(db, for_relative=for_relative)
    if version is None:
        raise NotFound()
    return assign_course(db, case_id=case_id, version_id=version.id, now=now, self_started=True)


# --- the citizen's view of a course ---------------------------------------------------------------

@dataclass
class ModuleProgress:
    module: CourseModule
    exercises: list[CourseExercise]
    answers: dict[int, ExerciseAnswer]  # exercise id → answer

    @property
    def done(self) -> bool:
        return bool(self.exercises) and all(
            (a := self.answers.get(e.id)) is not None and a.status != AnswerStatus.draft.value for e in self.exercises)

    @property
    def started(self) -> bool:
        return bool(self.answers)


@dataclass
class CourseProgress:
    assignment: CourseAssignment
    version: CourseVersion
    modules: list[ModuleProgress] = field(default_factory=list)

    @property
    def modules_done(self) -> int:
        return sum(1 for m in self.modules if m.done)

    @property
    def answers(self) -> list[ExerciseAnswer]:
        return [a for m in self.modules for a in m.answers.values()]

    def count(self, status: str) -> int:
        return sum(1 for a in self.answers if a.status == status)


def course_progress(db: Session, case_id: int) -> list[CourseProgress]:
    """Every course of the case with its modules, exercises and the citizen's answers."""
    out = []
    for assignment, version in assignments_of_case(db, case_id):
        exercises = exercises_of(db, version.id)
        answers = {a.exercise_id: a for a in db.exec(select(ExerciseAnswer).where(
            ExerciseAnswer.assignment_id == assignment.id))}
        progress = CourseProgress(assignment, version)
        for module in modules_of(db, version.id):
            mine = [e for e in exercises if e.module_id == module.id]
            progress.modules.append(ModuleProgress(module, mine, {e.id: answers[e.id] for e in mine if e.id in answers}))
        out.append(progress)
    return out


@dataclass(frozen=True)
class ModulePage:
    assignment: CourseAssignment
    version: CourseVersion
    module: CourseModule
    exercises: list[CourseExercise]
    answers: dict[int, ExerciseAnswer]
    previous: CourseModule | None
    next: CourseModule | None
    count: int


def _assignment_of_version(db: Session, case_id: int, version_id: int) -> CourseAssignment:
    assignment = db.exec(select(CourseAssignment).where(CourseAssignment.case_id == case_id,
                                                        CourseAssignment.version_id == version_id)).first()
    if assignment is None:  # another case's course, or no such thing: the same answer
        raise NotFound()
    return assignment


def module_page(db: Session, *, case_id: int, module_id: int) -> ModulePage:
    module = db.get(CourseModule, module_id)
    if module is None:
        raise NotFound()
    assignment = _assignment_of_version(db, case_id, module.version_id)
    version = db.get(CourseVersion, module.version_id)
    modules = modules_of(db, version.id)
    index = [m.id for m in modules].index(module.id)
    exercises = [e for e in exercises_of(db, version.id) if e.module_id == module.id]
    answers = {a.exercise_id: a for a in db.exec(select(ExerciseAnswer).where(
        ExerciseAnswer.assignment_id == assignment.id, ExerciseAnswer.exercise_id.in_([e.id for e in exercises])))}
    return ModulePage(assignment, version, module, exercises, answers,
                      modules[index - 1] if index > 0 else None, modules[index + 1] if index + 1 < len(modules) else None, len(modules))


@dataclass(frozen=True)
class ExerciseOfCase:
    assignment: CourseAssignment
    module: CourseModule
    exercise: CourseExercise
    answer: ExerciseAnswer | None


def exercise_of_case(db: Session, *, case_id: int, exercise_id: int) -> ExerciseOfCase:
    """An exercise of a course the case has, with the case's answer; NotFound for anyone else's."""
    exercise = db.get(CourseExercise, exercise_id)
    if exercise is None:
        raise NotFound()
    assignment = _assignment_of_version(db, case_id, exercise.version_id)
    answer = db.exec(select(ExerciseAnswer).where(ExerciseAnswer.assignment_id == assignment.id,
                                                  ExerciseAnswer.exercise_id == exercise.id)).first()
    return ExerciseOfCase(assignment, db.get(CourseModule, exercise.module_id), exercise, answer)


def save_answer(db: Session, *, case_id: int, exercise_id: int, body: str, submit: bool,
                now: datetime) -> ExerciseAnswer:
    """Store the citizen's text as a draft, or submit it to the counsellor. A submitted answer is not
    changed again (the counsellor may be reading it); the citizen writes in the thread instead."""
    found = exercise_of_case(db, case_id=case_id, exercise_id=exercise_id)
    text = (body or "").strip().replace("\r\n", "\n")
    if not text:
        raise OnlineError("body", N_("Skriv dit svar, før du sender det.") if submit
                          else N_("Der er ikke noget at gemme endnu. Skriv dit svar først."))
    if len(text) > MAX_ANSWER:
        raise OnlineError("body", N_("Svaret er for langt. Gør det lidt kortere, eller send resten som en besked."))
    if found.answer is not None and found.answer.status != AnswerStatus.draft.value:
        raise OnlineError("body", N_("Du har allerede sendt dit svar på denne øvelse."))
    status = AnswerStatus.submitted.value if submit else AnswerStatus.draft.value
    values = {"body": text, "status": status, "saved_at": now, "submitted_at": now if submit else None}
    insert = insert_for(db)
    # One statement: a second tab saving at the same time updates the draft instead of failing, and a
    # draft never overwrites an answer already sent.
    db.execute(insert(ExerciseAnswer).values(assignment_id=found.assignment.id, case_id=case_id,
                                             exercise_id=exercise_id, **values)
               .on_conflict_do_update(index_elements=["assignment_id", "exercise_id"], set_=values,
                                      where=ExerciseAnswer.__table__.c.status == AnswerStatus.draft.value))
    answer = db.exec(select(ExerciseAnswer).where(ExerciseAnswer.assignment_id == found.assignment.id,
                                                  ExerciseAnswer.exercise_id == exercise_id)
                     .execution_options(populate_existing=True)).one()
    if answer.body != text or answer.status != status:
        raise OnlineError("body", N_("Du har allerede sendt dit svar på denne øvelse."))
    return answer


# --- feedback (the message itself is written by flows.give_feedback) --------------------------------

def answer_of_case(db: Session, *, case_id: int, answer_id: int) -> ExerciseAnswer:
    answer = db.get(ExerciseAnswer, answer_id)
    if answer is None or answer.case_id != case_id:
        raise NotFound()
    return answer


def mark_answered(db: Session, *, answer: ExerciseAnswer, message_id: int, staff_id: int, now: datetime) -> None:
    """Feedback given: only a submitted answer, once (an atomic conditional update)."""
    done = db.execute(update(ExerciseAnswer).where(ExerciseAnswer.id == answer.id,
                                                   ExerciseAnswer.status == AnswerStatus.submitted.value)
                      .values(status=AnswerStatus.answered.value, feedback_at=now, feedback_message_id=message_id,
                              feedback_staff_id=staff_id))
    if done.rowcount != 1:
        raise OnlineError("feedback", N_("Der er allerede svaret på denne øvelse."))
    db.refresh(answer)


@dataclass(frozen=True)
class Waiting:
    answer: ExerciseAnswer
    exercise: CourseExercise
    module: CourseModule
    pseudonym: str


def waiting_for_feedback(db: Session, case_id: int | None = None) -> list[Waiting]:
    """Submitted answers without feedback, oldest first (all cases, or one)."""
    from app.cases.models import CitizenCase
    stmt = (select(ExerciseAnswer, CourseExercise, CourseModule, CitizenCase.pseudonym)
            .join(CourseExercise, CourseExercise.id == ExerciseAnswer.exercise_id)
            .join(CourseModule, CourseModule.id == CourseExercise.module_id)
            .join(CitizenCase, CitizenCase.id == ExerciseAnswer.case_id)
            .where(ExerciseAnswer.status == AnswerStatus.submitted.value)
            .order_by(ExerciseAnswer.submitted_at, ExerciseAnswer.id))
    if case_id is not None:
        stmt = stmt.where(ExerciseAnswer.case_id == case_id)
    return [Waiting(*row) for row in db.exec(stmt).all()]


# --- the diary ------------------------------------------------------------------------------------

SUBSTANCES = [s.value for s in Substance]


def diary_earliest(today: date) -> date:
    return today - timedelta(days=DIARY_DAYS_BACK)


def save_diary_day(db: Session, *, case_id: int, day: date, counts: dict[str, str], other_units: str,
                   substances: list[str], note: str, now: datetime) -> DiaryDay:
    """Write (or rewrite) one day. An empty form for a day is allowed: it records "nothing written"."""
    total, drinks = diary.day_units(counts, other_units)
    unknown = [s for s in substances if s not in SUBSTANCES]
    if unknown:
        raise OnlineError("substances", N_("Vælg blandt mulighederne."))
    note = (note or "").strip()
    if len(note) > 500:
        raise OnlineError("note", N_("Noten er for lang. Den må højst have 500 tegn."))
    values = {"units_tenths": None if total is None else diary.tenths(total), "drinks": drinks,
              "substances": ",".join(s for s in SUBSTANCES if s in substances), "note": note, "saved_at": now}
    insert = insert_for(db)
    db.execute(insert(DiaryDay).values(case_id=case_id, day=day, **values)
               .on_conflict_do_update(index_elements=["case_id", "day"], set_=values))
    return db.exec(select(DiaryDay).where(DiaryDay.case_id == case_id, DiaryDay.day == day)
                   .execution_options(populate_existing=True)).one()


def diary_days(db: Session, case_id: int, first: date, last: date) -> dict[date, DiaryDay]:
    return {d.day: d for d in db.exec(select(DiaryDay).where(DiaryDay.case_id == case_id, DiaryDay.day >= first,
                                                            DiaryDay.day <= last))}


def diary_day(db: Session, case_id: int, day: date) -> DiaryDay | None:
    return db.exec(select(DiaryDay).where(DiaryDay.case_id == case_id, DiaryDay.day == day)).first()


def goal_of(db: Session, case_id: int) -> DiaryGoal | None:
    return db.get(DiaryGoal, case_id)


def set_goal(db: Session, *, case_id: int, weekly_units: str, now: datetime) -> DiaryGoal | None:
    """The citizen's weekly goal in genstande; an empty field removes it."""
    text = (weekly_units or "").strip()
    goal = db.get(DiaryGoal, case_id)
    if not text:
        if goal is not None:
            db.delete(goal)
            db.flush()
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > 500:
        raise OnlineError("weekly_units", N_("Skriv et helt tal, fx 10 – eller 0, hvis dit mål er ingen alkohol."))
    insert = insert_for(db)
    values = {"weekly_units": int(text), "set_at": now}
    db.execute(insert(DiaryGoal).values(case_id=case_id, **values)
               .on_conflict_do_update(index_elements=["case_id"], set_=values))
    return db.exec(select(DiaryGoal).where(DiaryGoal.case_id == case_id)
                   .execution_options(populate_existing=True)).one()


@dataclass(frozen=True)
class Week:
    monday: date
    key: str
    number: int
    units_tenths: int
    days_written: int
    use_days: dict[str, int]  # substance → days used

    @property
    def units(self) -> float:
        return self.units_tenths / 10

    @property
    def units_text(self) -> str:
        return diary.units_text(self.units_tenths)


def weeks(db: Session, case_id: int, today: date, n: int = 12) -> list[Week]:
    """The last n ISO weeks (oldest first): genstande, days written and use days per substance."""
    mondays = diary.last_weeks(today, n)
    days = diary_days(db, case_id, mondays[0], mondays[-1] + timedelta(days=6))
    return [summarise_week(monday, days) for monday in mondays]


def summarise_week(monday: date, days: dict[date, DiaryDay]) -> Week:
    mine = [days[d] for d in diary.week_days(monday) if d in days]
    use: dict[str, int] = {}
    for d in mine:
        for s in d.substance_list:
            use[s] = use.get(s, 0) + 1
    return Week(monday, diary.week_key(monday), monday.isocalendar()[1],
                sum(d.units_tenths or 0 for d in mine), len(mine), use)


def last_four_weeks_units(db: Session, case_id: int, until: date) -> float | None:
    """Genstande in the 28 days up to and including `until`; None if nothing was written then."""
    days = diary_days(db, case_id, until - timedelta(days=27), until)
    if not days:
        return None
    return sum(d.units_tenths or 0 for d in days.values()) / 10
