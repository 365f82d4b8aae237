"""Staff plan pages: create, revise, goals, proposals, versions, the due list, and the access log."""

from datetime import timedelta

from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.plans import service
from app.plans.models import PlanVersion, TreatmentPlan
from tests.factories import make_case, make_staff, sign_in_staff


def _setup(client, db, clock, role="counsellor"):
    user = make_staff(db, role=role, now=clock.now())
    sign_in_staff(client, user)
    case, code = make_case(db, now=clock.now())
    return user, case, code


def _actions(db, case_id):
    db.rollback()
    return [e.action for e in db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
                                      .order_by(AccessLogEntry.id))]


def test_counsellor_writes_a_plan_and_revises_it(client, db, clock):
    user, case, _ = _setup(client, db, clock)
    page = client.get(f"/personale/sager/{case.id}/plan")
    assert page.status_code == 200 and "Opret plan" in page.text
    r = client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "outpatient", "aim": "reduction",
                                                           "medical": ["antabus", "craving"]})
    assert r.status_code == 303
    page = client.get(f"/personale/sager/{case.id}/plan")
    assert "23.02.2027" in page.text and "Antabus, Trangdæmpende medicin" in page.text
    clock.advance(days=7)
    sign_in_staff(client, user)  # a week later: a new staff session
    r = client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "day", "aim": "abstinence",
                                                           "reason": "Skifter til dagbehandling"})
    assert r.status_code == 303 and r.headers["location"] == f"/personale/sager/{case.id}/plan"
    db.rollback()
    plan = db.exec(select(TreatmentPlan).where(TreatmentPlan.case_id == case.id)).one()
    assert plan.version_no == 2 and plan.medical == "" and str(plan.next_revision_on) == "2027-02-28"  # 30.11 + 3 months
    versions = client.get(f"/personale/sager/{case.id}/plan/versioner")
    assert "Skifter til dagbehandling" in versions.text
    assert "Ambulant behandling" in versions.text and "Dagbehandling" in versions.text  # before / after
    assert _actions(db, case.id) == ["view_plan", "edit_plan", "view_plan", "edit_plan", "view_plan"]


def test_invalid_plan_input_rerenders_with_errors_and_keeps_what_was_typed(client, db, clock):
    _user, case, _ = _setup(client, db, clock)
    client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "outpatient", "aim": "reduction"})
    r = client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "outpatient", "aim": "abstinence",
                                                           "reason": ""})
    assert r.status_code == 422
    assert 'href="#reason"' in r.text and 'id="aim-abstinence" name="aim" value="abstinence" checked' in r.text
    r = client.submit(f"/personale/sager/{case.id}/plan/maal", {"life_area": "housing", "citizen_words": " ",
                                                                "steps": "Ringe til boligselskabet"})
    assert r.status_code == 422 and "Ringe til boligselskabet" in r.text and 'href="#citizen_words"' in r.text


def test_goals_are_added_edited_and_proposals_answered(client, db, clock):
    user, case, _ = _setup(client, db, clock)
    client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "outpatient", "aim": "reduction"})
    r = client.submit(f"/personale/sager/{case.id}/plan/maal", {"life_area": "physical", "citizen_words": "Sove bedre",
                                                                "steps": "", "status": "not_started"})
    assert r.status_code == 303
    db.rollback()
    goal = service.goals_for(db, service.get_plan(db, case.id).id)[0]
    r = client.submit(f"/personale/sager/{case.id}/plan/maal/{goal.id}",
                      {"citizen_words": "Sove bedre", "steps": "Ingen skærm efter 22", "status": "in_progress"})
    assert r.status_code == 303
    db.rollback()
    proposal = service.propose_goal(db, case_id=case.id, life_area="work", citizen_words="Finde et job",
                                    now=clock.now())
    db.commit()
    page = client.get(f"/personale/sager/{case.id}/plan")
    assert "Forslag fra borgeren" in page.text and "Finde et job" in page.text
    r = client.submit(f"/personale/sager/{case.id}/plan/maal/{proposal.id}/svar", {"decision": "discuss", "comment": ""})
    assert r.status_code == 422 and f'href="#g{proposal.id}-comment"' in r.text
    r = client.submit(f"/personale/sager/{case.id}/plan/maal/{proposal.id}/svar",
                      {"decision": "accept", "comment": "Godt mål"})
    assert r.status_code == 303
    db.rollback()
    db.refresh(proposal)
    assert proposal.proposal == "accepted"


def test_another_cases_goal_id_is_not_found_for_staff_too(client, db, clock):
    _user, case, _ = _setup(client, db, clock)
    other, _ = make_case(db, now=clock.now())
    staff = make_staff(db, username="other-staff", now=clock.now())
    service.create_plan(db, case_id=other.id, staff=staff, treatment_form="outpatient", aim="reduction", medical=[],
                        under_30=False, now=clock.now())
    goal = service.add_goal(db, case_id=other.id, life_area="work", citizen_words="Job", steps="", status="",
                            now=clock.now())
    db.commit()
    r = client.submit(f"/personale/sager/{case.id}/plan/maal/{goal.id}",
                      {"citizen_words": "x", "steps": "", "status": "reached"})
    assert r.status_code == 404


def test_due_list_shows_due_and_overdue_plans(client, db, clock):
    user, case, _ = _setup(client, db, clock)
    later, _ = make_case(db, now=clock.now())
    service.create_plan(db, case_id=case.id, staff=user, treatment_form="outpatient", aim="reduction", medical=[],
                        under_30=False, now=clock.now() - timedelta(days=100))
    service.create_plan(db, case_id=later.id, staff=user, treatment_form="outpatient", aim="reduction", medical=[],
                        under_30=False, now=clock.now())
    db.commit()
    page = client.get("/personale/planer")
    assert page.status_code == 200
    assert case.pseudonym in page.text and "Overskredet" in page.text
    assert later.pseudonym not in page.text


def test_reception_cannot_open_plans_but_can_open_appointments(client, db, clock):
    _user, case, _ = _setup(client, db, clock, role="reception")
    assert client.get(f"/personale/sager/{case.id}/plan").status_code == 403
    assert client.get(f"/personale/sager/{case.id}/aftaler").status_code == 200


def test_plan_version_rows_stay_as_written_after_revisions(client, db, clock):
    _user, case, _ = _setup(client, db, clock)
    client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "outpatient", "aim": "reduction"})
    db.rollback()
    first = db.exec(select(PlanVersion).where(PlanVersion.case_id == case.id)).one()
    snapshot = first.snapshot
    client.submit(f"/personale/sager/{case.id}/plan", {"treatment_form": "day", "aim": "abstinence", "reason": "Ny"})
    db.rollback()
    db.expire_all()
    assert db.get(PlanVersion, first.id).snapshot == snapshot
