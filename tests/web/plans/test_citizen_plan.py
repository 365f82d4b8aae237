"""Min side: the citizen sees only their own plan and appointments, proposes goals, comments, agrees."""

import pytest
from icalendar import Calendar
from sqlmodel import select

from app.appointments import service as appointments
from app.plans import service
from app.plans.models import GoalComment, PlanGoal, TreatmentPlan
from tests.factories import make_case, make_staff, sign_in_citizen


@pytest.fixture
def two_cases(db, clock):
    staff = make_staff(db, now=clock.now())
    result = []
    for words in ("Mit eget mål", "Den andens mål"):
        case, code = make_case(db, now=clock.now())
        service.create_plan(db, case_id=case.id, staff=staff, treatment_form="outpatient", aim="reduction",
                            medical=["antabus"], under_30=False, now=clock.now())
        goal = service.add_goal(db, case_id=case.id, life_area="substance", citizen_words=words, steps="Et skridt",
                                status="in_progress", now=clock.now())
        appt = appointments.book_appointment(
            db, case_id=case.id, staff_id=staff.id, kind="individual", day="2026-11-26", time="13:00",
            duration_minutes="45", location="Sundhedscentret", video_url="", starts_treatment=False, note="",
            discharged_at=None, now=clock.now())
        db.commit()
        result.append((case, code, goal, appt))
    return staff, result


def test_citizen_sees_own_plan_in_plain_danish(client, two_cases):
    _staff, [(case, code, goal, appt), _other] = two_cases
    sign_in_citizen(client, code)
    home = client.get("/min-side")
    assert "Din behandlingsplan og dine aftaler" in home.text and f"/min-side/aftaler/{appt.id}.ics" in home.text
    page = client.get("/min-side/plan")
    assert page.status_code == 200
    for text in ("Reduktion af forbruget", "Antabus", "Mit eget mål", "Et skridt", "I gang", "23.02.2027",
                 "torsdag 26.11.2026", "Jeg er enig i planen", "version 1"):
        assert text in page.text, text
    assert "Den andens mål" not in page.text
    assert client.get("/min-side/plan/print").status_code == 200


def test_other_cases_goal_and_appointment_ids_give_404(client, db, two_cases):
    _staff, [(case, code, goal, appt), (_c2, _code2, other_goal, other_appt)] = two_cases
    sign_in_citizen(client, code)
    assert client.submit(f"/min-side/plan/maal/{other_goal.id}/kommentar", {"body": "hej"}).status_code == 404
    assert client.get(f"/min-side/aftaler/{other_appt.id}.ics").status_code == 404
    assert client.get(f"/min-side/aftaler/{appt.id}.ics").status_code == 200
    db.rollback()
    assert db.exec(select(GoalComment)).all() == []


def test_citizen_without_a_plan_gets_404_and_signed_out_goes_to_status(client, db, clock):
    _case, code = make_case(db, now=clock.now())
    assert client.get("/min-side/plan", follow_redirects=False).headers["location"] == "/status"
    sign_in_citizen(client, code)
    assert client.get("/min-side/plan").status_code == 404
    assert client.submit("/min-side/plan/maal", {"life_area": "work", "citizen_words": "x"}).status_code == 404


def test_citizen_proposes_a_goal_and_comments_visible_to_the_counsellor(client, db, two_cases, make_client):
    staff, [(case, code, goal, _appt), _other] = two_cases
    sign_in_citizen(client, code)
    r = client.submit("/min-side/plan/maal", {"life_area": "social", "citizen_words": ""})
    assert r.status_code == 422 and 'href="#citizen_words"' in r.text and 'value="social" checked' in r.text
    r = client.submit("/min-side/plan/maal", {"life_area": "social", "citizen_words": "Se min datter hver uge"})
    assert r.status_code == 303
    r = client.submit(f"/min-side/plan/maal/{goal.id}/kommentar", {"body": "Det går bedre"})
    assert r.status_code == 303
    page = client.get("/min-side/plan")
    assert "Se min datter hver uge" in page.text and "venter på din behandler" in page.text
    assert "Det går bedre" in page.text
    from tests.factories import sign_in_staff
    counsellor = make_client()
    sign_in_staff(counsellor, staff)
    staff_page = counsellor.get(f"/personale/sager/{case.id}/plan")
    assert "Se min datter hver uge" in staff_page.text and "Det går bedre" in staff_page.text


def test_citizen_agrees_to_the_plan_and_must_agree_again_after_a_revision(client, db, clock, two_cases):
    staff, [(case, code, _goal, _appt), _other] = two_cases
    sign_in_citizen(client, code)
    r = client.submit("/min-side/plan/enig", {"version_no": "1"})
    assert r.status_code == 303
    assert "Du har sagt, at du er enig i planen" in client.get("/min-side/plan").text
    db.rollback()
    plan = db.exec(select(TreatmentPlan).where(TreatmentPlan.case_id == case.id)).one()
    service.revise_plan(db, plan=plan, staff=staff, treatment_form="outpatient", aim="abstinence", medical=[],
                        under_30=False, reason="Nyt mål", now=clock.now())
    db.commit()
    page = client.get("/min-side/plan")
    assert "Planen er blevet ændret" in page.text and "Stoffrihed" in page.text
    r = client.submit("/min-side/plan/enig", {"version_no": "1"})  # an old page's button
    assert r.status_code == 303
    db.rollback()
    db.refresh(plan)
    assert plan.agreed_version_no == 1
    client.submit("/min-side/plan/enig", {"version_no": "2"})
    db.rollback()
    db.refresh(plan)
    assert plan.agreed_version_no == 2


def test_ics_download_is_a_calendar_event_in_copenhagen_time_with_a_stable_uid(client, two_cases):
    _staff, [(_case, code, _goal, appt), _other] = two_cases
    sign_in_citizen(client, code)
    r = client.get(f"/min-side/aftaler/{appt.id}.ics")
    assert r.headers["content-type"].startswith("text/calendar")
    assert "attachment" in r.headers["content-disposition"]
    event = Calendar.from_ical(r.content).walk("VEVENT")[0]
    assert str(event["uid"]) == f"aftale-{appt.id}@selvbetjening.invalid"
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Copenhagen" and start.isoformat() == "2026-11-26T13:00:00+01:00"
    assert "BEGIN:VTIMEZONE" in r.text


def test_proposed_goal_is_stored_as_a_proposal_for_the_own_case_only(client, db, two_cases):
    _staff, [(case, code, _goal, _appt), _other] = two_cases
    sign_in_citizen(client, code)
    client.submit("/min-side/plan/maal", {"life_area": "housing", "citizen_words": "Egen bolig"})
    db.rollback()
    row = db.exec(select(PlanGoal).where(PlanGoal.citizen_words == "Egen bolig")).one()
    assert row.case_id == case.id and row.proposal == "proposed"
