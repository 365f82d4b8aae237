"""Online treatment on Min side over HTTP: the course, drafts saved and submitted, the text kept across
an idle timeout and saved after signing in again, the diary, self-start, and every route refusing
another case's ids with a 404."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from app.core.clock import local_date
from app.messages.models import Message
from app.online import course_text, service
from app.online.models import CourseAssignment, DiaryDay, ExerciseAnswer
from app.requests import flows as request_flows, service as requests_service
from tests.factories import make_case, sign_in_citizen
from tests.factories.online import first_exercise, load_courses, make_online_case


def _signed_in(client, db, clock):
    case, code, assignment, version = make_online_case(db, now=clock.now())
    sign_in_citizen(client, code)
    return case, code, assignment, version


def test_the_course_overview_module_and_exercise_pages(client, db, clock):
    case, _code, _assignment, version = _signed_in(client, db, clock)
    assert "Dit online forløb" in client.get("/min-side").text
    page = client.get("/min-side/online")
    assert page.status_code == 200
    assert "0 af 5 moduler er gennemført" in page.text
    module = service.modules_of(db, version.id)[0]
    page = client.get(f"/min-side/online/modul/{module.id}")
    assert page.status_code == 200 and module.title in page.text and "Modul 1 af 5" in page.text
    exercise = first_exercise(db, version)
    page = client.get(f"/min-side/online/oevelse/{exercise.id}")
    assert page.status_code == 200 and "Gem kladde" in page.text and "Send til din behandler" in page.text
    assert page.headers["cache-control"].startswith("no-store")


def test_a_draft_is_saved_then_submitted_and_then_kept_as_sent(client, db, clock):
    case, _code, _assignment, version = _signed_in(client, db, clock)
    exercise = first_exercise(db, version)
    url = f"/min-side/online/oevelse/{exercise.id}"
    response = client.submit(url, {"body": "Det gode er ro.", "action": "save"})
    assert response.status_code == 303
    assert "Det gode er ro." in client.get(url).text
    response = client.submit(url, {"body": "Det gode er ro. Det mindre gode er søvnen.", "action": "submit"})
    assert response.status_code == 303
    db.rollback()
    answer = db.exec(select(ExerciseAnswer).where(ExerciseAnswer.case_id == case.id)).one()
    assert answer.status == "submitted" and answer.body.endswith("søvnen.")
    page = client.get(url)
    assert "Sendt – venter på svar" in page.text and "Gem kladde" not in page.text
    again = client.submit(url, {"body": "Noget andet", "action": "save"})
    assert again.status_code == 422 and "allerede sendt" in again.text
    db.rollback()
    assert db.get(ExerciseAnswer, answer.id).body.endswith("søvnen.")


def test_an_empty_submit_keeps_the_form_with_an_error_and_stores_nothing(client, db, clock):
    case, _code, _assignment, version = _signed_in(client, db, clock)
    url = f"/min-side/online/oevelse/{first_exercise(db, version).id}"
    response = client.submit(url, {"body": "   ", "action": "submit"})
    assert response.status_code == 422 and 'id="fejlopsummering"' in response.text
    too_long = "å" * (service.MAX_ANSWER + 1)
    response = client.submit(url, {"body": too_long, "action": "save"})
    assert response.status_code == 422 and too_long in response.text  # what was typed is kept
    db.rollback()
    assert db.exec(select(ExerciseAnswer)).all() == []


def test_text_typed_across_an_idle_timeout_is_kept_and_saved_after_signing_in_again(client, db, clock, settings):
    case, code, _assignment, version = _signed_in(client, db, clock)
    exercise = first_exercise(db, version)
    url = f"/min-side/online/oevelse/{exercise.id}"
    assert client.get(url).status_code == 200
    clock.advance(minutes=settings.citizen_idle_minutes + 5)  # the citizen wrote for a long time
    text = "Jeg har skrevet længe, og det må ikke forsvinde."
    response = client.submit(url, {"body": text, "action": "submit"})
    assert response.status_code == 200
    assert "Skriv din kode for at gemme" in response.text and text in response.text  # the text is back
    assert client.get(url, follow_redirects=False).status_code == 303  # signed out indeed
    db.rollback()
    assert db.exec(select(ExerciseAnswer)).all() == []
    action = re.search(r'action="(/min-side/online/oevelse/\d+/log-ind)"', response.text)[1]
    wrong = client.submit(action, {"code": "AAAA-BBBB-CCCC-DDDD-EEEE", "body": text, "action": "submit"})
    assert wrong.status_code == 422 and text in wrong.text
    response = client.submit(action, {"code": code.display, "body": text, "action": "submit"})
    assert response.status_code == 303 and response.headers["location"] == url
    db.rollback()
    answer = db.exec(select(ExerciseAnswer).where(ExerciseAnswer.case_id == case.id)).one()
    assert answer.body == text and answer.status == "submitted"
    assert text in client.get(url).text  # signed in again


def test_saving_again_after_sign_in_to_another_case_is_a_404_and_saves_nothing(client, db, clock):
    _case, _code, _assignment, version = make_online_case(db, now=clock.now())
    other, other_code = make_case(db, now=clock.now())
    response = client.submit(f"/min-side/online/oevelse/{first_exercise(db, version).id}/log-ind",
                             {"code": other_code.display, "body": "Hej", "action": "save"})
    assert response.status_code == 404
    db.rollback()
    assert db.exec(select(ExerciseAnswer)).all() == []


def test_every_online_route_answers_404_for_another_cases_ids(client, db, clock):
    _signed_in(client, db, clock)
    # The other case has a course this one has not (the same course's pages are the same for everyone).
    _other, _code, _assignment, other_version = make_online_case(db, now=clock.now(), slug=course_text.RELATIVES_SLUG)
    module = service.modules_of(db, other_version.id)[0]
    exercise = first_exercise(db, other_version)
    assert client.get(f"/min-side/online/modul/{module.id}").status_code == 404
    assert client.get(f"/min-side/online/oevelse/{exercise.id}").status_code == 404
    assert client.submit(f"/min-side/online/oevelse/{exercise.id}", {"body": "x", "action": "save"}).status_code == 404
    for bad in ["0", "99999", "-1"]:
        assert client.get(f"/min-side/online/modul/{bad}").status_code in (404, 422)
    db.rollback()
    assert db.exec(select(ExerciseAnswer)).all() == []


def test_a_case_without_a_course_sees_no_online_pages(client, db, clock):
    case, code = make_case(db, now=clock.now())
    load_courses(db, now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    today = local_date(clock.now()).isoformat()
    assert client.get("/min-side/online").status_code == 404  # no request either: nothing to start
    assert client.get("/min-side/online/dagbog").status_code == 404
    assert client.get(f"/min-side/online/dagbog/{today}").status_code == 404
    assert client.submit(f"/min-side/online/dagbog/{today}", {"beer33": "1"}).status_code == 404
    assert client.submit("/min-side/online/maal", {"weekly_units": "3"}).status_code == 404
    assert client.submit("/min-side/online/start").status_code == 404
    db.rollback()
    assert db.exec(select(DiaryDay)).all() == []


def test_an_anonymous_citizen_starts_the_course_right_after_a_request(client, db, clock):
    load_courses(db, now=clock.now())
    case, code, _req = request_flows.submit_request(
        db, intake=requests_service.Intake(area="alcohol", for_relative=False, anonymous=True, display_name="Kim"),
        now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    assert "Et online forløb, mens du venter" in client.get("/min-side").text
    page = client.get("/min-side/online")
    assert page.status_code == 200 and "små skridt mod forandring" in page.text
    assert client.submit("/min-side/online/start").status_code == 303
    assert client.submit("/min-side/online/start").status_code == 404  # once
    db.rollback()
    assignment = db.exec(select(CourseAssignment).where(CourseAssignment.case_id == case.id)).one()
    assert assignment.self_started
    assert "0 af 5 moduler" in client.get("/min-side/online").text


def test_a_relative_starts_the_course_for_relatives(client, db, clock):
    load_courses(db, now=clock.now())
    case, code, _req = request_flows.submit_request(
        db, intake=requests_service.Intake(area="alcohol", for_relative=True, anonymous=True, display_name="Kim"),
        now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    assert "Når en, du holder af" in client.get("/min-side/online").text
    client.submit("/min-side/online/start")
    assert "0 af 1 moduler" in client.get("/min-side/online").text


def test_self_start_is_off_when_the_centre_says_so(client, db, clock, app):
    app.state.tenant_hosts.default_centre.raw["online_self_start"] = False
    try:
        load_courses(db, now=clock.now())
        _case, code, _req = request_flows.submit_request(
            db, intake=requests_service.Intake(area="alcohol", for_relative=False, anonymous=True, display_name="K"),
            now=clock.now())
        db.commit()
        sign_in_citizen(client, code)
        assert "Et online forløb" not in client.get("/min-side").text
        assert client.get("/min-side/online").status_code == 404
        assert client.submit("/min-side/online/start").status_code == 404
    finally:
        app.state.tenant_hosts.default_centre.raw["online_self_start"] = True


def test_the_diary_day_week_and_chart(client, db, clock):
    case, _code, _assignment, _version = _signed_in(client, db, clock)
    today = local_date(clock.now())
    yesterday = today - timedelta(days=1)
    response = client.submit(f"/min-side/online/dagbog/{yesterday.isoformat()}",
                             {"beer33": "2", "wine75": "1", "other_units": "", "substances": ["cannabis"], "note": ""})
    assert response.status_code == 303
    db.rollback()
    day = db.exec(select(DiaryDay).where(DiaryDay.case_id == case.id)).one()
    assert day.units_tenths == 79 and day.substance_list == ["cannabis"]
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "7,9 genstande" in page.text and "Hash eller pot" in page.text
    assert "<svg" in page.text and "<table" in page.text
    # The same day again replaces it; the form shows what was typed.
    form = client.get(f"/min-side/online/dagbog/{yesterday.isoformat()}").text
    assert 'value="2"' in form and "checked" in form
    client.submit(f"/min-side/online/dagbog/{yesterday.isoformat()}", {"beer33": "0"})
    db.rollback()
    assert db.exec(select(DiaryDay).where(DiaryDay.case_id == case.id)).one().units_tenths == 0


def test_bad_diary_input_keeps_the_form_and_stores_nothing(client, db, clock):
    _signed_in(client, db, clock)
    today = local_date(clock.now()).isoformat()
    response = client.submit(f"/min-side/online/dagbog/{today}", {"beer33": "to", "note": "En dag"})
    assert response.status_code == 422 and 'value="to"' in response.text and "En dag" in response.text
    response = client.submit(f"/min-side/online/dagbog/{today}", {"substances": ["heroin-x"]})
    assert response.status_code == 422
    for bad in ["2026-02-30", (local_date(clock.now()) + timedelta(days=1)).isoformat(), "x", "2020-01-01"]:
        assert client.get(f"/min-side/online/dagbog/{bad}").status_code == 404
        assert client.submit(f"/min-side/online/dagbog/{bad}", {"beer33": "1"}).status_code == 404
    assert client.get("/min-side/online/dagbog?uge=2027-W53").status_code == 404
    assert client.get("/min-side/online/dagbog?uge=2099-W01").status_code == 404
    db.rollback()
    assert db.exec(select(DiaryDay)).all() == []


def test_the_weekly_goal_is_drawn_on_the_chart(client, db, clock):
    case, _code, _assignment, _version = _signed_in(client, db, clock)
    assert client.submit("/min-side/online/maal", {"weekly_units": "ti"}).status_code == 422
    assert client.submit("/min-side/online/maal", {"weekly_units": "10"}).status_code == 303
    page = client.get("/min-side/online/dagbog")
    assert "højst 10 genstande om ugen" in page.text and 'class="chart-goal"' in page.text
    assert client.submit("/min-side/online/maal", {"weekly_units": ""}).status_code == 303
    db.rollback()
    assert service.goal_of(db, case.id) is None


def test_the_feedback_arrives_in_the_thread_naming_the_module(client, db, clock):
    from app.online import flows
    from tests.factories import make_staff
    case, _code, _assignment, version = _signed_in(client, db, clock)
    exercise = first_exercise(db, version)
    client.submit(f"/min-side/online/oevelse/{exercise.id}", {"body": "Mit svar", "action": "submit"})
    db.rollback()
    answer = db.exec(select(ExerciseAnswer)).one()
    staff = make_staff(db, now=clock.now())
    flows.give_feedback(db, case_id=case.id, answer_id=answer.id, staff=staff, body="Godt skrevet.", now=clock.now())
    db.commit()
    thread = client.get("/min-side/beskeder").text
    module = service.modules_of(db, version.id)[0]
    assert f"Svar på din øvelse i modulet »{module.title}«" in thread and "Godt skrevet." in thread
    assert "Din behandler har svaret" in client.get(f"/min-side/online/oevelse/{exercise.id}").text
    assert db.exec(select(Message).where(Message.case_id == case.id)).one().from_staff


def test_the_citizen_answers_audit_c_at_the_start_once(client, db, clock):
    case, _code, _assignment, _version = _signed_in(client, db, clock)
    assert "Svar på spørgsmålene" in client.get("/min-side/online").text
    page = client.get("/min-side/online/maaling")
    assert page.status_code == 200 and "Hvor tit drikker du alkohol?" in page.text
    bad = client.submit("/min-side/online/maaling", {"q0": "2", "q1": "", "q2": "1"})
    assert bad.status_code == 422 and 'id="fejlopsummering"' in bad.text and 'value="2" checked' in bad.text
    assert client.submit("/min-side/online/maaling", {"q0": "2", "q1": "1", "q2": "0"}).status_code == 303
    db.rollback()
    from app.online import outcomes
    assert outcomes.measures_of(db, case.id)["start"].audit_c == 3
    assert client.get("/min-side/online/maaling").status_code == 404  # nothing more is due
    assert client.submit("/min-side/online/maaling", {"q0": "4", "q1": "4", "q2": "4"}).status_code == 404
    assert "Svar på spørgsmålene" not in client.get("/min-side/online").text


def test_my_data_holds_the_answers_and_the_diary(client, db, clock):
    case, _code, _assignment, version = _signed_in(client, db, clock)
    exercise = first_exercise(db, version)
    client.submit(f"/min-side/online/oevelse/{exercise.id}", {"body": "Mit eget svar", "action": "save"})
    client.submit(f"/min-side/online/dagbog/{local_date(clock.now()).isoformat()}",
                  {"beer33": "3", "substances": ["cannabis"], "note": "Fredag"})
    page = client.get("/min-side/mine-data").text
    assert "Mit eget svar" in page and exercise.prompt in page and "Fredag" in page and "Hash eller pot" in page
    data = client.get("/min-side/mine-data.json")
    assert data.status_code == 200 and "Mit eget svar" in data.text
    assert client.get("/min-side/mine-data.pdf").status_code == 200
