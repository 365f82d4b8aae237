"""Staff: make a decision, handle a complaint from re-assessment to Ankestyrelsen's outcome, the case
file, phone complaints, and the access log on every read and change."""

import re

from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.complaints.models import Complaint
from app.decisions.models import Decision
from tests.factories.decisions import make_decision
from tests.factories import make_case, make_staff, sign_in_citizen, sign_in_staff

DECISION_FORM = {"treatment_type": "outpatient", "legal_basis": "SEL § 101",
                 "rules_applied": "Serviceloven § 101", "considerations": "Ugentlige samtaler passer bedst",
                 "key_facts": "Dagligt forbrug af kokain"}


def _staff(client, db, clock, role="counsellor"):
    user = make_staff(db, role=role, username=f"{role}-x", now=clock.now())
    sign_in_staff(client, user)
    return user


def _actions(db, case_id):
    db.rollback()
    return [e.action for e in db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
                                      .order_by(AccessLogEntry.id))]


def test_counsellor_makes_a_decision_and_the_citizen_sees_it(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    _staff(client, db, clock)
    page = client.get(f"/personale/sager/{case.id}/afgoerelser")
    assert page.status_code == 200 and case.pseudonym in page.text
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser", DECISION_FORM)
    assert response.status_code == 303
    db.rollback()
    decision = db.exec(select(Decision)).one()
    assert decision.case_id == case.id and "21.12.2026" in decision.complaint_guide
    assert _actions(db, case.id) == ["view_decisions", "decision"]
    citizen = make_client()
    sign_in_citizen(citizen, code)
    assert "Dagligt forbrug af kokain" in citizen.get("/min-side").text


def test_decision_without_reasons_is_refused_with_the_typed_text_kept(client, db, clock):
    case, _ = make_case(db, now=clock.now())
    _staff(client, db, clock)
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser",
                             {**DECISION_FORM, "key_facts": "", "legal_basis": "SUL § 142"})
    assert response.status_code == 422
    assert 'href="#key_facts"' in response.text and 'href="#legal_basis"' in response.text
    assert "Ugentlige samtaler passer bedst" in response.text
    db.rollback()
    assert db.exec(select(Decision)).all() == []


def test_a_decision_for_a_missing_case_is_404(client, db, clock):
    _staff(client, db, clock)
    assert client.get("/personale/sager/999/afgoerelser").status_code == 404
    assert client.submit("/personale/sager/999/afgoerelser", DECISION_FORM).status_code == 404


def test_replacing_through_another_cases_decision_is_404(client, db, clock):
    case, _ = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    theirs = make_decision(db, other, now=clock.now())
    _staff(client, db, clock)
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser", {**DECISION_FORM, "replaces_id": str(theirs.id)})
    assert response.status_code == 404
    db.rollback()
    assert db.get(Decision, theirs.id).replaced_at is None


def _citizen_complains(make_client, code, decision):
    citizen = make_client()
    sign_in_citizen(citizen, code)
    response = citizen.submit("/klage", {"subject": f"decision:{decision.id}", "text": "Jeg vil have døgn"})
    assert response.status_code == 303
    return citizen, int(re.search(r"/klage/(\d+)/", response.headers["location"]).group(1))


def test_upheld_complaint_is_forwarded_with_exactly_the_cases_documents(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    other, other_code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now(), tag="SAG-A")
    other_decision = make_decision(db, other, now=clock.now(), tag="SAG-B")
    citizen, complaint_id = _citizen_complains(make_client, code, decision)
    _citizen_complains(make_client, other_code, other_decision)
    clock.advance(days=3)
    _staff(client, db, clock)
    sign_in_citizen(citizen, code)  # the earlier session has timed out

    listing = client.get("/personale/klager").text
    assert case.pseudonym in listing and "21.12.2026" in listing  # forwarding deadline from arrival
    assert "3 dage" in listing

    response = client.submit(f"/personale/klager/{complaint_id}/genvurdering",
                             {"result": "upheld", "reassessment": "Ambulant behandling er fortsat rigtig."})
    assert response.status_code == 303
    min_side = citizen.get("/min-side").text
    assert "fastholdt afgørelsen" in min_side and "senest mandag 21.12.2026" in min_side

    case_file = client.get(f"/personale/klager/{complaint_id}/sagsakter")
    assert case_file.status_code == 200
    assert "SAG-A" in case_file.text and "Jeg vil have døgn" in case_file.text
    assert "Ambulant behandling er fortsat rigtig." in case_file.text
    assert "SAG-B" not in case_file.text and other.pseudonym not in case_file.text

    assert client.submit(f"/personale/klager/{complaint_id}/videresend").status_code == 303
    assert "Sendt til Ankestyrelsen torsdag 26.11.2026" in citizen.get("/min-side").text

    response = client.submit(f"/personale/klager/{complaint_id}/resultat",
                             {"outcome": "upheld", "outcome_text": "Stadfæstet."})
    assert response.status_code == 303
    assert "Ankestyrelsens afgørelse" in citizen.get("/min-side").text
    db.rollback()
    complaint = db.get(Complaint, complaint_id)
    assert complaint.status == "resolved" and complaint.closed_at is not None
    assert _actions(db, case.id) == ["reassess_complaint", "export", "forward_complaint", "complaint_outcome"]


def test_changed_on_reassessment_replaces_the_decision_and_cannot_be_forwarded(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    citizen, complaint_id = _citizen_complains(make_client, code, decision)
    _staff(client, db, clock)
    missing = client.submit(f"/personale/klager/{complaint_id}/genvurdering",
                            {"result": "changed", "reassessment": "Vi ændrer til døgn."})
    assert missing.status_code == 422 and 'href="#treatment_type"' in missing.text
    response = client.submit(f"/personale/klager/{complaint_id}/genvurdering", {
        "result": "changed", "reassessment": "Vi ændrer til døgn.", **DECISION_FORM, "treatment_type": "residential"})
    assert response.status_code == 303
    db.rollback()
    db.expire_all()  # the arranging session still holds the old decision
    decisions = db.exec(select(Decision).order_by(Decision.id)).all()
    assert len(decisions) == 2 and decisions[0].replaced_at is not None and decisions[1].replaces_id == decisions[0].id
    forwarded = client.submit(f"/personale/klager/{complaint_id}/videresend")
    assert forwarded.status_code == 303
    db.rollback()
    assert db.get(Complaint, complaint_id).forwarded_at is None
    html = citizen.get("/min-side").text
    assert "Vi har ændret afgørelsen" in html and "Døgnbehandling" in html and "Erstattet" in html


def test_skipping_to_forwarding_or_outcome_is_refused(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    _, complaint_id = _citizen_complains(make_client, code, decision)
    _staff(client, db, clock)
    assert client.submit(f"/personale/klager/{complaint_id}/videresend").status_code == 303
    assert client.submit(f"/personale/klager/{complaint_id}/resultat", {"outcome": "upheld"}).status_code == 303
    db.rollback()
    complaint = db.get(Complaint, complaint_id)
    assert complaint.status == "received" and complaint.forwarded_at is None and complaint.outcome is None


def test_staff_registers_a_phone_complaint(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    _staff(client, db, clock)
    form = client.get(f"/personale/sager/{case.id}/klager/ny")
    assert form.status_code == 200
    bad = client.submit(f"/personale/sager/{case.id}/klager/ny",
                        {"subject": f"decision:{decision.id}", "channel": "phone", "received_on": "i går"})
    assert bad.status_code == 422
    future = client.submit(f"/personale/sager/{case.id}/klager/ny",
                           {"subject": f"decision:{decision.id}", "channel": "phone", "received_on": "2026-12-01"})
    assert future.status_code == 422
    response = client.submit(f"/personale/sager/{case.id}/klager/ny", {
        "subject": f"decision:{decision.id}", "channel": "phone", "received_on": "2026-11-20", "text": ""})
    assert response.status_code == 303
    db.rollback()
    complaint = db.exec(select(Complaint)).one()
    assert complaint.channel == "phone" and complaint.registered_by_id is not None
    assert complaint.received_at.date().isoformat() == "2026-11-20"
    citizen = make_client()
    sign_in_citizen(citizen, code)
    assert "Modtaget fredag 20.11.2026" in citizen.get("/min-side").text


def test_staff_cannot_register_a_complaint_about_another_cases_decision(client, db, clock):
    case, _ = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    theirs = make_decision(db, other, now=clock.now())
    _staff(client, db, clock)
    response = client.submit(f"/personale/sager/{case.id}/klager/ny",
                             {"subject": f"decision:{theirs.id}", "channel": "phone", "received_on": "2026-11-23"})
    assert response.status_code == 422
    db.rollback()
    assert db.exec(select(Complaint)).all() == []


def test_reception_cannot_see_complaints(client, db, clock):
    _staff(client, db, clock, role="reception")
    assert client.get("/personale/klager").status_code == 403


def test_sel_101a_complaint_is_not_offered_for_forwarding(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now(), legal_basis="SEL § 101 a")
    citizen, complaint_id = _citizen_complains(make_client, code, decision)
    _staff(client, db, clock)
    client.submit(f"/personale/klager/{complaint_id}/genvurdering", {"result": "upheld", "reassessment": "Står."})
    page = client.get(f"/personale/klager/{complaint_id}").text
    assert "kan ikke indbringes for Ankestyrelsen" in page
    assert "/videresend" not in page and "sagsakter" not in page
    assert client.submit(f"/personale/klager/{complaint_id}/videresend").status_code == 303
    db.rollback()
    assert db.get(Complaint, complaint_id).forwarded_at is None
    assert "kan ikke indbringes for Ankestyrelsen" in citizen.get("/min-side").text


def test_staff_case_page_panels_render_for_the_case(app, db, clock):
    from app.cases.panels import build_staff_panels
    from app.house import house
    from app.complaints import service as complaints
    case, _ = make_case(db, now=clock.now())
    make_decision(db, case, now=clock.now())
    complaints.file_complaint(db, case=case, subject="plan", text="", now=clock.now())
    db.commit()
    env = app.state.templates["da"]
    # A section renders inside the case page, whose context gives it the case and the page's errors and form.
    html = "".join(env.get_template(p.template).render(p=p.context, case=case, errors={}, form={})
                   for p in build_staff_panels(db, case, clock.now(), house().staff_case_panels))
    assert f"/personale/sager/{case.id}/afgoerelser" in html and "Ambulant behandling" in html
    assert "/personale/klager/" in html and "Modtaget" in html


def test_plan_complaint_is_told_in_plan_words_on_min_side(client, make_client, db, clock):
    case, code = make_case(db, now=clock.now())
    citizen = make_client()
    sign_in_citizen(citizen, code)
    assert citizen.submit("/klage", {"subject": "plan", "text": ""}).status_code == 303
    assert "se på din behandlingsplan igen" in citizen.get("/min-side").text


def _named_case_with_decision(db, clock):
    case, code = make_case(db, now=clock.now(), anonymous=False, full_name="Mette Hansen")
    return case, code, make_decision(db, case, now=clock.now())


def test_a_decision_sent_by_post_counts_its_complaint_period_by_the_post_rule(client, make_client, db, clock):
    case, code, decision = _named_case_with_decision(db, clock)  # Monday 23.11.2026
    clock.advance(days=2)
    _staff(client, db, clock)
    letter = client.get(f"/personale/sager/{case.id}/afgoerelser/{decision.id}/brev")
    assert letter.status_code == 200 and "Mette Hansen" in letter.text and "Serviceloven § 101, stk. 1" in letter.text
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser/{decision.id}/post", {"posted_on": "25.11.2026"})
    assert response.status_code == 303
    db.rollback()
    db.expire_all()  # re-read what the app changed
    stored = db.get(Decision, decision.id)
    # Posted Wednesday: received 7 days later (02.12), + 4 weeks = Wednesday 30.12.2026.
    assert stored.delivered_by == "physical_post" and "30.12.2026" in stored.complaint_guide
    assert "30.12.2026" in client.get(f"/personale/sager/{case.id}/afgoerelser").text
    assert "decision_letter" in _actions(db, case.id)
    citizen = make_client()
    sign_in_citizen(citizen, code)
    assert "30.12.2026" in citizen.get("/min-side").text


def test_a_letter_posted_on_a_monday_whose_period_ends_at_christmas_moves_to_the_next_working_day(client, db, clock):
    case, _, decision = _named_case_with_decision(db, clock)
    _staff(client, db, clock)
    # Posted Monday 23.11: received Saturday 28.11; + 4 weeks = Saturday 26.12 (2. juledag) -> Monday 28.12.
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser/{decision.id}/post", {"posted_on": "23.11.2026"})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/personale/sager/{case.id}/afgoerelser"
    db.rollback()
    db.expire_all()
    assert "28.12.2026" in db.get(Decision, decision.id).complaint_guide


def test_recording_a_letter_is_refused_for_anonymous_cases_bad_dates_and_twice(client, db, clock):
    _staff(client, db, clock)
    anon, _ = make_case(db, now=clock.now())
    anonymous_decision = make_decision(db, anon, now=clock.now())
    assert client.submit(f"/personale/sager/{anon.id}/afgoerelser/{anonymous_decision.id}/post",
                         {"posted_on": "23.11.2026"}).status_code == 422
    case, _, decision = _named_case_with_decision(db, clock)
    url = f"/personale/sager/{case.id}/afgoerelser/{decision.id}/post"
    for bad in ("24.11.2026", "22.11.2026", "31.02.2026", "²3.11.2026", ""):
        page = client.submit(url, {"posted_on": bad})
        assert page.status_code == 422, bad
        assert f'href="#posted_on-{decision.id}"' in page.text and f'id="posted_on-{decision.id}"' in page.text
    assert client.submit(url, {"posted_on": "23.11.2026"}).status_code == 303
    assert client.submit(url, {"posted_on": "23.11.2026"}).status_code == 422
    other, _, _ = _named_case_with_decision(db, clock)
    assert client.submit(f"/personale/sager/{other.id}/afgoerelser/{decision.id}/post",
                         {"posted_on": "23.11.2026"}).status_code == 404
