"""Filing a complaint: only about the case's own decisions or plan; late is accepted and marked;
no guide, no deadline; one open complaint per subject (enforced by the database)."""

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.complaints import service
from app.complaints.models import Complaint
from app.decisions.models import Decision
from tests.factories.decisions import make_decision
from tests.factories import make_case


def test_a_complaint_about_another_cases_decision_is_refused_and_nothing_is_stored(db, clock):
    mine, _ = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    theirs = make_decision(db, other, now=clock.now())
    with pytest.raises(service.ComplaintError) as err:
        service.file_complaint(db, case=mine, subject=f"decision:{theirs.id}", text="x", now=clock.now())
    assert "subject" in err.value.errors
    assert db.exec(select(Complaint)).all() == []


@pytest.mark.parametrize("subject", ["", "decision:", "decision:abc", "decision:999999", "anything"])
def test_nonsense_subjects_are_refused(db, clock, subject):
    case, _ = make_case(db, now=clock.now())
    with pytest.raises(service.ComplaintError):
        service.file_complaint(db, case=case, subject=subject, text="", now=clock.now())


def test_on_time_complaint_is_not_late_and_carries_the_deadline(db, clock):
    case, _ = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    clock.advance(weeks=4)  # same weekday four weeks later: the last day
    complaint = service.file_complaint(db, case=case, subject=f"decision:{decision.id}", text="", now=clock.now())
    assert complaint.deadline.isoformat() == "2026-12-21" and not complaint.late
    assert complaint.text == "" and complaint.status == "received"  # no reasons needed


def test_late_complaint_is_accepted_and_marked_late(db, clock):
    case, _ = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    clock.advance(weeks=4, days=1)
    complaint = service.file_complaint(db, case=case, subject=f"decision:{decision.id}", text="", now=clock.now())
    assert complaint.id is not None and complaint.late


def test_without_a_complaint_guide_the_deadline_does_not_run(db, clock):
    case, _ = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    db.execute(update(Decision).where(Decision.id == decision.id).values(complaint_guide=""))
    db.refresh(decision)
    clock.advance(weeks=30)
    complaint = service.file_complaint(db, case=case, subject=f"decision:{decision.id}", text="", now=clock.now())
    assert complaint.deadline is None and not complaint.late


def test_health_law_decisions_are_not_complained_about_here(db, clock):
    case, _ = make_case(db, now=clock.now())
    medical = make_decision(db, case, now=clock.now(), legal_basis="SUL § 142")
    assert [o.value for o in service.complaint_options(db, case.id)] == ["plan"]
    assert service.patientklager_decisions(db, case.id) == [medical]
    with pytest.raises(service.ComplaintError):
        service.file_complaint(db, case=case, subject=f"decision:{medical.id}", text="", now=clock.now())


def test_only_one_open_complaint_about_the_same_thing(db, clock):
    case, _ = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    service.file_complaint(db, case=case, subject=f"decision:{decision.id}", text="", now=clock.now())
    with pytest.raises(service.ComplaintError):
        service.file_complaint(db, case=case, subject=f"decision:{decision.id}", text="igen", now=clock.now())
    db.commit()
    assert len(db.exec(select(Complaint)).all()) == 1
    service.file_complaint(db, case=case, subject="plan", text="", now=clock.now())  # another subject is fine


def test_the_database_refuses_a_second_open_complaint_even_past_the_service(db, clock):
    from sqlalchemy.exc import IntegrityError
    case, _ = make_case(db, now=clock.now())
    for _ in range(2):
        db.add(Complaint(case_id=case.id, subject="plan", channel="portal", received_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.flush()


def test_forwarding_deadline_is_four_weeks_after_arrival(db, clock):
    case, _ = make_case(db, now=clock.now())
    complaint = service.file_complaint(db, case=case, subject="plan", text="", now=clock.now())
    assert service.forwarding_deadline(complaint).isoformat() == "2026-12-21"


def test_open_list_is_sorted_by_waiting_time(db, clock):
    first, _ = make_case(db, now=clock.now())
    service.file_complaint(db, case=first, subject="plan", text="", now=clock.now())
    clock.advance(days=5)
    second, _ = make_case(db, now=clock.now())
    service.file_complaint(db, case=second, subject="plan", text="", now=clock.now())
    rows = service.open_complaints(db, now=clock.now())
    assert [r.case.id for r in rows] == [first.id, second.id]
    assert [r.days_waiting for r in rows] == [5, 0]
