"""Online treatment's rules without HTTP: versions (published ones never change, a citizen keeps theirs),
assignments (one per course), answers (drafts, submit once, feedback once, as a message naming the
module), the waiting list, the diary's upsert, weeks and goal."""

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.core.clock import local_date
from app.core.errors import NotFound
from app.messages.models import Message
from app.online import course_text, flows, service
from app.online.models import DiaryDay
from tests.factories import make_case, make_staff
from tests.factories.online import first_exercise, load_courses, make_online_case


def test_the_builtin_courses_load_once_with_five_modules_and_one_for_relatives(db, clock):
    first = service.load_builtin_courses(db, now=clock.now())
    assert service.load_builtin_courses(db, now=clock.now()) == []
    main, relatives = first
    assert [m.title for m in service.modules_of(db, main.id)][0] == "Hvad vil du gerne ændre – og hvorfor?"
    assert len(service.modules_of(db, main.id)) == 5 and len(service.modules_of(db, relatives.id)) == 1
    exercises = service.exercises_of(db, main.id)
    per_module = {}
    for e in exercises:
        per_module[e.module_id] = per_module.get(e.module_id, 0) + 1
    assert all(1 <= n <= 2 for n in per_module.values())


def test_no_shaming_words_in_the_courses():
    words = ("misbrug", "skam", "fiasko", "svag", "alkoholiker", "narkoman", "forkert af dig")
    for _slug, _rel, title, summary, modules in course_text.COURSES:
        text = " ".join([title, summary] + [m[0] + m[1] + " ".join(p + h for p, h in m[2]) for m in modules]).lower()
        assert not [w for w in words if w in text]


def test_a_case_gets_a_course_once(db, clock):
    case, _code, assignment, version = make_online_case(db, now=clock.now())
    with pytest.raises(service.OnlineError):
        service.assign_course(db, case_id=case.id, version_id=version.id, now=clock.now())


def test_the_database_refuses_a_second_assignment_of_one_version(db, clock):
    from app.online.models import CourseAssignment
    case, _code, _assignment, version = make_online_case(db, now=clock.now())
    db.add(CourseAssignment(case_id=case.id, version_id=version.id, started_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_a_draft_version_cannot_be_assigned(db, clock):
    versions = load_courses(db, now=clock.now())
    draft = service.new_draft_version(db, course_id=versions["forandring"].course_id, staff_id=None, now=clock.now())
    case, _code = make_case(db, now=clock.now())
    with pytest.raises(service.OnlineError):
        service.assign_course(db, case_id=case.id, version_id=draft.id, now=clock.now())


def test_a_published_version_never_changes_and_a_new_version_is_a_copy(db, clock):
    versions = load_courses(db, now=clock.now())
    v1 = versions["forandring"]
    module = service.modules_of(db, v1.id)[0]
    with pytest.raises(service.OnlineError):
        service.edit_module(db, course_id=v1.course_id, module_id=module.id, title="Ny", body="Ny")
    draft = service.new_draft_version(db, course_id=v1.course_id, staff_id=None, now=clock.now())
    assert service.new_draft_version(db, course_id=v1.course_id, staff_id=None, now=clock.now()).id == draft.id
    assert draft.version_no == 2 and draft.published_at is None
    copied = service.modules_of(db, draft.id)
    assert [m.title for m in copied] == [m.title for m in service.modules_of(db, v1.id)]
    assert len(service.exercises_of(db, draft.id)) == len(service.exercises_of(db, v1.id))
    service.edit_module(db, course_id=v1.course_id, module_id=copied[0].id, title="Ny titel", body="Ny tekst")
    service.publish_version(db, course_id=v1.course_id, version_id=draft.id, now=clock.now())
    assert service.latest_published(db, v1.course_id).id == draft.id
    assert service.modules_of(db, v1.id)[0].title == module.title
    with pytest.raises(service.OnlineError):
        service.publish_version(db, course_id=v1.course_id, version_id=draft.id, now=clock.now())


def test_a_draft_answer_is_saved_again_and_again_then_submitted_once(db, clock):
    case, _code, _assignment, version = make_online_case(db, now=clock.now())
    exercise = first_exercise(db, version)
    first = service.save_answer(db, case_id=case.id, exercise_id=exercise.id, body="a", submit=False, now=clock.now())
    clock.advance(minutes=3)
    second = service.save_answer(db, case_id=case.id, exercise_id=exercise.id, body="ab", submit=False, now=clock.now())
    assert first.id == second.id and second.body == "ab" and second.status == "draft"
    sent = service.save_answer(db, case_id=case.id, exercise_id=exercise.id, body="abc", submit=True, now=clock.now())
    assert sent.status == "submitted" and sent.submitted_at == clock.now()
    with pytest.raises(service.OnlineError):
        service.save_answer(db, case_id=case.id, exercise_id=exercise.id, body="x", submit=False, now=clock.now())
    assert service.answer_of_case(db, case_id=case.id, answer_id=sent.id).body == "abc"


def test_an_exercise_of_a_course_the_case_has_not_is_not_found(db, clock):
    _case, _code, _assignment, version = make_online_case(db, now=clock.now())
    other, _c = make_case(db, now=clock.now())
    with pytest.raises(NotFound):
        service.save_answer(db, case_id=other.id, exercise_id=first_exercise(db, version).id, body="x", submit=False,
                            now=clock.now())
    with pytest.raises(NotFound):
        service.module_page(db, case_id=other.id, module_id=service.modules_of(db, version.id)[0].id)


def test_feedback_is_one_message_naming_the_module_and_only_once(db, clock):
    case, _code, _assignment, version = make_online_case(db, now=clock.now())
    exercise = first_exercise(db, version)
    staff = make_staff(db, now=clock.now())
    answer = service.save_answer(db, case_id=case.id, exercise_id=exercise.id, body="Svar", submit=True, now=clock.now())
    message = flows.give_feedback(db, case_id=case.id, answer_id=answer.id, staff=staff, body="Tak.", now=clock.now())
    module = service.modules_of(db, version.id)[0]
    assert message.body.startswith(f"Svar på din øvelse i modulet »{module.title}«") and message.body.endswith("Tak.")
    assert answer.status == "answered" and answer.feedback_message_id == message.id
    with pytest.raises(service.OnlineError):
        flows.give_feedback(db, case_id=case.id, answer_id=answer.id, staff=staff, body="Igen", now=clock.now())
    assert len(db.exec(select(Message)).all()) == 1
    other, _c = make_case(db, now=clock.now())
    with pytest.raises(NotFound):
        flows.give_feedback(db, case_id=other.id, answer_id=answer.id, staff=staff, body="x", now=clock.now())


def test_a_draft_gets_no_feedback(db, clock):
    case, _code, _assignment, version = make_online_case(db, now=clock.now())
    draft = service.save_answer(db, case_id=case.id, exercise_id=first_exercise(db, version).id, body="x",
                                submit=False, now=clock.now())
    with pytest.raises(service.OnlineError):
        flows.give_feedback(db, case_id=case.id, answer_id=draft.id, staff=make_staff(db, now=clock.now()),
                            body="x", now=clock.now())
    assert service.waiting_for_feedback(db) == []


def test_the_waiting_list_is_oldest_first(db, clock):
    made = []
    for minutes in (0, 30, 10):
        case, _code, _assignment, version = make_online_case(db, now=clock.now())
        made.append(service.save_answer(db, case_id=case.id, exercise_id=first_exercise(db, version).id, body="x",
                                        submit=True, now=clock.now() + timedelta(minutes=minutes)))
    assert [w.answer.id for w in service.waiting_for_feedback(db)] == [made[0].id, made[2].id, made[1].id]


def test_progress_counts_a_module_done_when_every_exercise_is_sent(db, clock):
    case, _code, _assignment, version = make_online_case(db, now=clock.now())
    module = service.modules_of(db, version.id)[0]
    exercises = [e for e in service.exercises_of(db, version.id) if e.module_id == module.id]
    service.save_answer(db, case_id=case.id, exercise_id=exercises[0].id, body="x", submit=True, now=clock.now())
    (progress,) = service.course_progress(db, case.id)
    assert progress.modules_done == 0 and progress.modules[0].started
    service.save_answer(db, case_id=case.id, exercise_id=exercises[1].id, body="y", submit=True, now=clock.now())
    (progress,) = service.course_progress(db, case.id)
    assert progress.modules_done == 1 and progress.count("submitted") == 2


def test_a_diary_day_is_one_row_rewritten_and_weeks_sum_it(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    today = local_date(clock.now())  # Monday 23 November 2026
    for back, beers in [(1, "2"), (2, "4"), (8, "1")]:
        service.save_diary_day(db, case_id=case.id, day=today - timedelta(days=back), counts={"beer33": beers},
                               other_units="", substances=[], note="", now=clock.now())
    service.save_diary_day(db, case_id=case.id, day=today - timedelta(days=1), counts={"beer33": "3"},
                           other_units="", substances=["cannabis", "cocaine"], note="Fest", now=clock.now())
    assert len(db.exec(select(DiaryDay)).all()) == 3
    weeks = service.weeks(db, case.id, today)
    assert len(weeks) == 12 and weeks[-1].monday == today
    assert weeks[-1].days_written == 0
    assert weeks[-2].units_tenths == 70 and weeks[-2].use_days == {"cannabis": 1, "cocaine": 1}  # 3 + 4 beers
    assert weeks[-3].units_tenths == 10
    assert service.last_four_weeks_units(db, case.id, today) == 8.0


def test_unknown_substances_and_long_notes_are_refused(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    with pytest.raises(service.OnlineError):
        service.save_diary_day(db, case_id=case.id, day=date(2026, 11, 20), counts={}, other_units="",
                               substances=["sukker"], note="", now=clock.now())
    with pytest.raises(service.OnlineError):
        service.save_diary_day(db, case_id=case.id, day=date(2026, 11, 20), counts={}, other_units="",
                               substances=[], note="x" * 501, now=clock.now())


def test_the_database_holds_the_diarys_limits(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    db.add(DiaryDay(case_id=case.id, day=date(2026, 11, 20), units_tenths=-1, saved_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_the_weekly_goal_is_a_whole_number_or_nothing(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    for bad in ["-1", "ti", "1,5", "501", "²"]:
        with pytest.raises(service.OnlineError):
            service.set_goal(db, case_id=case.id, weekly_units=bad, now=clock.now())
    assert service.set_goal(db, case_id=case.id, weekly_units="0", now=clock.now()).weekly_units == 0
    assert service.set_goal(db, case_id=case.id, weekly_units="12", now=clock.now()).weekly_units == 12
    assert service.set_goal(db, case_id=case.id, weekly_units="", now=clock.now()) is None
    assert service.goal_of(db, case.id) is None


def test_feedback_leaves_the_portal_only_as_a_neutral_notice(db, clock):
    from app.notify.models import OutboxMessage
    from app.notify.wording import revealing_words
    versions = load_courses(db, now=clock.now())
    case, _code = make_case(db, now=clock.now(), anonymous=False, full_name="Kim Hansen", email="kim@example.dk",
                            phone="20304050")
    service.assign_course(db, case_id=case.id, version_id=versions["forandring"].id, now=clock.now())
    answer = service.save_answer(db, case_id=case.id, exercise_id=first_exercise(db, versions["forandring"]).id,
                                 body="Jeg drikker for at slappe af.", submit=True, now=clock.now())
    flows.give_feedback(db, case_id=case.id, answer_id=answer.id, staff=make_staff(db, now=clock.now()),
                        body="Alkohol og søvn hænger sammen.", now=clock.now())
    rows = db.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert rows  # at least the notice on Min side
    for row in rows:
        assert revealing_words(f"{row.subject}\n{row.body}") == []
        assert "søvn" not in row.body and "modul" not in row.body.lower()


def test_the_database_refuses_to_change_a_published_version(db, clock):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    versions = load_courses(db, now=clock.now())
    v1 = versions["forandring"]
    db.commit()
    for sql in ("UPDATE online_module SET title = 'x' WHERE version_id = :v",
                "UPDATE online_exercise SET prompt = 'x' WHERE version_id = :v",
                "UPDATE online_course_version SET title = 'x' WHERE id = :v"):
        with pytest.raises(DBAPIError):
            db.execute(text(sql), {"v": v1.id})
        db.rollback()
    draft = service.new_draft_version(db, course_id=v1.course_id, staff_id=None, now=clock.now())
    db.execute(text("UPDATE online_module SET title = 'Ny' WHERE version_id = :v"), {"v": draft.id})  # a draft may change
    service.publish_version(db, course_id=v1.course_id, version_id=draft.id, now=clock.now())
    db.commit()


def test_the_counsellors_digest_counts_answers_waiting_in_neutral_words(db, clock):
    from app.notify.wording import revealing_words
    from app.online.integrations import waiting_digest
    staff = make_staff(db, now=clock.now())
    assert waiting_digest(db, staff=staff, now=clock.now()) is None
    case, _code, _assignment, version = make_online_case(db, now=clock.now())
    service.save_answer(db, case_id=case.id, exercise_id=first_exercise(db, version).id, body="x", submit=True,
                        now=clock.now())
    item = waiting_digest(db, staff=staff, now=clock.now())
    assert item.count == 1 and revealing_words(item.label.text) == []
