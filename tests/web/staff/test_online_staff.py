"""Staff and online treatment: assign a course from the case page, answer a submitted exercise (a message
in the thread naming the module), the waiting list oldest first, a leader's new version of a course
(citizens keep the version they started), and another case's answer id refused with a 404."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.messages.models import Message
from app.online import course_text, service
from app.online.models import CourseAssignment, CourseModule, ExerciseAnswer
from tests.factories import make_case, make_staff, sign_in_staff
from tests.factories.online import first_exercise, load_courses, make_online_case


def _submitted(db, clock, body="Mit svar"):
    case, code, assignment, version = make_online_case(db, now=clock.now())
    exercise = first_exercise(db, version)
    answer = service.save_answer(db, case_id=case.id, exercise_id=exercise.id, body=body, submit=True,
                                 now=clock.now())
    db.commit()
    return case, answer, version


def test_a_counsellor_assigns_the_course_from_the_case_page(client, db, clock):
    staff = make_staff(db, now=clock.now())
    versions = load_courses(db, now=clock.now())
    case, _code = make_case(db, now=clock.now())
    sign_in_staff(client, staff)
    page = client.get(f"/personale/sager/{case.id}")
    assert "Giv borgeren et online forløb" in page.text
    bad = client.submit(f"/personale/sager/{case.id}/online", {"version_id": "abc"})
    assert bad.status_code == 422 and "Vælg et forløb" in bad.text
    version = versions[course_text.MAIN_SLUG]
    assert client.submit(f"/personale/sager/{case.id}/online", {"version_id": str(version.id)}).status_code == 303
    again = client.submit(f"/personale/sager/{case.id}/online", {"version_id": str(version.id)})
    assert again.status_code == 422 and "allerede dette forløb" in again.text
    db.rollback()
    assignment = db.exec(select(CourseAssignment).where(CourseAssignment.case_id == case.id)).one()
    assert assignment.staff_id == staff.id and not assignment.self_started
    assert "0 af 5 moduler gennemført" in client.get(f"/personale/sager/{case.id}").text


def test_feedback_is_a_message_naming_the_module_and_the_answer_leaves_the_list(client, db, clock):
    staff = make_staff(db, now=clock.now())
    case, answer, version = _submitted(db, clock)
    sign_in_staff(client, staff)
    waiting = client.get("/personale/online")
    assert waiting.status_code == 200 and case.pseudonym in waiting.text
    page = client.get(f"/personale/sager/{case.id}")
    assert "Mit svar" in page.text and "Svar, der venter på dig" in page.text
    url = f"/personale/sager/{case.id}/online/svar/{answer.id}"
    empty = client.submit(url, {"body": " "})
    assert empty.status_code == 422 and 'id="fejlopsummering"' in empty.text
    assert client.submit(url, {"body": "Tak, det er et godt sted at begynde."}).status_code == 303
    db.rollback()
    message = db.exec(select(Message).where(Message.case_id == case.id)).one()
    module = db.get(CourseModule, service.exercises_of(db, version.id)[0].module_id)
    assert module.title in message.body and message.body.endswith("Tak, det er et godt sted at begynde.")
    stored = db.exec(select(ExerciseAnswer).where(ExerciseAnswer.id == answer.id)
                     .execution_options(populate_existing=True)).one()
    assert stored.status == "answered" and stored.feedback_message_id == message.id
    assert case.pseudonym not in client.get("/personale/online").text
    twice = client.submit(url, {"body": "Igen"})
    assert twice.status_code == 422
    db.rollback()
    assert len(db.exec(select(Message).where(Message.case_id == case.id)).all()) == 1


def test_another_cases_answer_id_is_a_404(client, db, clock):
    staff = make_staff(db, now=clock.now())
    _case, answer, _version = _submitted(db, clock)
    other, _code = make_case(db, now=clock.now())
    sign_in_staff(client, staff)
    assert client.submit(f"/personale/sager/{other.id}/online/svar/{answer.id}", {"body": "Hej"}).status_code == 404
    assert client.submit(f"/personale/sager/{other.id}/online/svar/999999", {"body": "Hej"}).status_code == 404
    db.rollback()
    assert db.exec(select(Message)).all() == []


def test_the_waiting_list_is_oldest_first(client, db, clock):
    staff = make_staff(db, now=clock.now())
    first, _a, _v = _submitted(db, clock)
    clock.advance(minutes=60)
    second, _b, _w = _submitted(db, clock)
    sign_in_staff(client, staff)
    text = client.get("/personale/online").text
    assert text.index(first.pseudonym) < text.index(second.pseudonym)


def test_reception_may_not_see_online_answers(client, db, clock):
    reception = make_staff(db, role="reception", username="reception", now=clock.now())
    sign_in_staff(client, reception)
    assert client.get("/personale/online").status_code == 403
    assert client.get("/personale/online/kurser").status_code == 403


def test_a_leader_publishes_a_new_version_and_a_citizen_keeps_the_one_started(client, db, clock):
    leader = make_staff(db, role="leader", username="leder", now=clock.now())
    case, _code, assignment, v1 = make_online_case(db, now=clock.now())
    sign_in_staff(client, leader)
    course_id = v1.course_id
    assert client.get("/personale/online/kurser").status_code == 200
    assert client.submit(f"/personale/online/kurser/{course_id}/ny-version").status_code == 303
    db.rollback()
    draft = service.open_draft(db, course_id)
    assert draft.version_no == 2
    module = service.modules_of(db, draft.id)[0]
    exercise = service.exercises_of(db, draft.id)[0]
    bad = client.submit(f"/personale/online/kurser/{course_id}/moduler/{module.id}", {"title": "", "body": "x"})
    assert bad.status_code == 422
    assert client.submit(f"/personale/online/kurser/{course_id}/moduler/{module.id}",
                         {"title": "Motivation, ny udgave", "body": "Ny tekst."}).status_code == 303
    assert client.submit(f"/personale/online/kurser/{course_id}/oevelser/{exercise.id}",
                         {"prompt": "Et nyt spørgsmål?", "hint": ""}).status_code == 303
    # A published version's module cannot be edited, and not through another course's address.
    old = service.modules_of(db, v1.id)[0]
    assert client.submit(f"/personale/online/kurser/{course_id}/moduler/{old.id}",
                         {"title": "Nej", "body": "Nej"}).status_code == 422
    other_course = service.courses(db)[1].id
    assert client.submit(f"/personale/online/kurser/{other_course}/moduler/{module.id}",
                         {"title": "Nej", "body": "Nej"}).status_code == 404
    assert client.submit(f"/personale/online/kurser/{course_id}/offentliggoer").status_code == 303
    assert client.submit(f"/personale/online/kurser/{course_id}/offentliggoer").status_code == 404  # no draft
    db.rollback()
    assert service.latest_published(db, course_id).version_no == 2
    # The citizen who started on version 1 keeps it; a new case gets version 2.
    assert db.get(CourseAssignment, assignment.id).version_id == v1.id
    assert service.modules_of(db, v1.id)[0].title == old.title
    new_case, _c = make_case(db, now=clock.now() + timedelta(minutes=1))
    fresh = service.assign_course(db, case_id=new_case.id, version_id=service.latest_published(db, course_id).id,
                                  now=clock.now())
    db.commit()
    assert service.modules_of(db, fresh.version_id)[0].title == "Motivation, ny udgave"
    assert service.exercises_of(db, fresh.version_id)[0].prompt == "Et nyt spørgsmål?"


def test_a_counsellor_records_a_measure_by_phone_and_a_leader_sees_the_figures(client, db, clock):
    from app.online import outcomes
    staff = make_staff(db, role="leader", username="leder", now=clock.now())
    case, _answer, _version = _submitted(db, clock)
    sign_in_staff(client, staff)
    page = client.get(f"/personale/sager/{case.id}")
    assert "Målinger af effekt" in page.text and "Gem målingen" in page.text
    bad = client.submit(f"/personale/sager/{case.id}/online/maaling", {"point": "month6", "q0": "1", "q1": "1", "q2": "1"})
    assert bad.status_code == 422
    assert client.submit(f"/personale/sager/{case.id}/online/maaling",
                         {"point": "start", "q0": "4", "q1": "3", "q2": "2"}).status_code == 303
    db.rollback()
    measure = outcomes.measures_of(db, case.id)["start"]
    assert measure.audit_c == 9 and measure.by_staff_id == staff.id
    stats = client.get("/personale/online/statistik")
    assert stats.status_code == 200 and "Borgere i online forløb" in stats.text and "Mediantid" in stats.text
