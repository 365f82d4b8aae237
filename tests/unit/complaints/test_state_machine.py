"""The complaint's way: received -> re-assessed (changed | upheld) -> forwarded -> Ankestyrelsen's
outcome. No skipping, no going back, no forwarding a changed decision or a § 101 a decision."""

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.cases import service as cases
from app.complaints import service
from app.complaints.models import Complaint
from app.decisions import service as decisions
from app.decisions.models import Decision
from tests.factories.decisions import CENTRE, decision_input, make_decision
from tests.factories import make_case, make_staff

STATES = ["received", "changed", "upheld", "forwarded", "resolved"]
ACTIONS = ["reassess_changed", "reassess_upheld", "forward", "outcome"]
# (state, action) -> resulting state; every pair not listed must be refused.
ALLOWED = {
    ("received", "reassess_changed"): "changed",
    ("received", "reassess_upheld"): "upheld",
    ("upheld", "forward"): "forwarded",
    ("forwarded", "outcome"): "resolved",
}


@pytest.fixture
def staff(db, clock):
    return make_staff(db, now=clock.now())


def _file(db, clock, *, basis="SEL § 101", anonymous=True):
    case, _ = make_case(db, now=clock.now(), anonymous=anonymous)
    decision = make_decision(db, case, now=clock.now(), legal_basis=basis)
    clock.advance(days=2)
    complaint = service.file_complaint(db, case=case, subject=f"decision:{decision.id}", text="Uenig",
                                       now=clock.now())
    db.commit()
    return complaint


def _act(db, clock, staff, complaint, action):
    clock.advance(days=1)
    if action == "reassess_changed":
        service.reassess_complaint(db, complaint=complaint, staff=staff, changed=True, reassessment="Ændret",
                                   centre=CENTRE, now=clock.now(), new_decision=decision_input(tag="ny"))
    elif action == "reassess_upheld":
        service.reassess_complaint(db, complaint=complaint, staff=staff, changed=False,
                                   reassessment="Fastholdt", centre=CENTRE, now=clock.now())
    elif action == "forward":
        service.forward_complaint(db, complaint=complaint, staff=staff, now=clock.now())
    else:
        service.record_outcome(db, complaint=complaint, staff=staff, outcome="upheld", text="", now=clock.now())
    db.commit()


PATH = {  # how to reach each state through the allowed moves
    "received": [],
    "changed": ["reassess_changed"],
    "upheld": ["reassess_upheld"],
    "forwarded": ["reassess_upheld", "forward"],
    "resolved": ["reassess_upheld", "forward", "outcome"],
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_transition_table(db, clock, staff, state, action):
    complaint = _file(db, clock)
    for step in PATH[state]:
        _act(db, clock, staff, complaint, step)
    assert complaint.status == state
    expected = ALLOWED.get((state, action))
    if expected:
        _act(db, clock, staff, complaint, action)
        assert complaint.status == expected
    else:
        decisions_before = len(db.exec(select(Decision)).all())
        with pytest.raises(service.TransitionNotAllowed):
            _act(db, clock, staff, complaint, action)
        db.rollback()
        db.refresh(complaint)
        assert complaint.status == state
        assert len(db.exec(select(Decision)).all()) == decisions_before  # nothing half-done


def test_changed_creates_a_new_decision_that_replaces_the_old_and_both_are_kept(db, clock, staff):
    complaint = _file(db, clock)
    old_id = complaint.decision_id
    _act(db, clock, staff, complaint, "reassess_changed")
    old = db.get(Decision, old_id)
    new = db.get(Decision, complaint.new_decision_id)
    assert old.replaced_at == complaint.reassessed_at and new.replaces_id == old.id
    assert complaint.closed_at is not None
    assert "ny" in new.considerations


def test_a_changed_decision_cannot_be_forwarded(db, clock, staff):
    complaint = _file(db, clock)
    _act(db, clock, staff, complaint, "reassess_changed")
    with pytest.raises(service.TransitionNotAllowed):
        service.forward_complaint(db, complaint=complaint, staff=staff, now=clock.now())


def test_an_upheld_decision_replaced_afterwards_cannot_be_forwarded(db, clock, staff):
    complaint = _file(db, clock)
    _act(db, clock, staff, complaint, "reassess_upheld")
    old = db.get(Decision, complaint.decision_id)
    case = cases.get_case(db, complaint.case_id)
    decisions.make_decision(db, case=case, staff=staff, data=decision_input(), centre=CENTRE, now=clock.now(),
                            replaces=old)
    with pytest.raises(service.ForwardingNotAllowed):
        service.forward_complaint(db, complaint=complaint, staff=staff, now=clock.now())
    assert complaint.status == "upheld"


def test_a_sel_101a_decision_is_never_forwarded_and_the_upheld_complaint_is_closed(db, clock, staff):
    complaint = _file(db, clock, basis="SEL § 101 a")
    assert complaint.deadline is None and not complaint.late
    _act(db, clock, staff, complaint, "reassess_upheld")
    assert complaint.status == "upheld" and complaint.closed_at is not None
    with pytest.raises(service.ForwardingNotAllowed):
        service.forward_complaint(db, complaint=complaint, staff=staff, now=clock.now())
    db.rollback()
    db.refresh(complaint)
    assert complaint.forwarded_at is None


def test_a_plan_complaint_in_a_sel_101a_course_is_not_forwarded(db, clock, staff):
    case, _ = make_case(db, now=clock.now())
    make_decision(db, case, now=clock.now(), legal_basis="SEL § 101 a")
    complaint = service.file_complaint(db, case=case, subject="plan", text="", now=clock.now())
    _act(db, clock, staff, complaint, "reassess_upheld")
    with pytest.raises(service.ForwardingNotAllowed):
        service.forward_complaint(db, complaint=complaint, staff=staff, now=clock.now())


def test_a_stale_page_cannot_move_a_complaint_someone_else_already_moved(db, clock, staff):
    complaint = _file(db, clock)
    # Another member of staff upheld it meanwhile; this session still holds the old state.
    db.execute(update(Complaint).where(Complaint.id == complaint.id).values(status="upheld")
               .execution_options(synchronize_session=False))
    assert complaint.status == "received"
    with pytest.raises(service.TransitionNotAllowed):
        service.reassess_complaint(db, complaint=complaint, staff=staff, changed=True, reassessment="x",
                                   centre=CENTRE, now=clock.now(), new_decision=decision_input(tag="ny"))
    assert db.get(Decision, complaint.decision_id).replaced_at is None
    assert len(db.exec(select(Decision)).all()) == 1


def test_reassessment_needs_a_result_and_a_written_outcome(db, clock, staff):
    complaint = _file(db, clock)
    with pytest.raises(service.ComplaintError) as err:
        service.reassess_complaint(db, complaint=complaint, staff=staff, changed=None, reassessment=" ",
                                   centre=CENTRE, now=clock.now())
    assert set(err.value.errors) == {"changed", "reassessment"}
    with pytest.raises(service.ComplaintError) as err:
        service.reassess_complaint(db, complaint=complaint, staff=staff, changed=True, reassessment="Ændret",
                                   centre=CENTRE, now=clock.now(), new_decision=decisions.DecisionInput())
    assert "key_facts" in err.value.errors
    assert complaint.status == "received"


def test_outcome_must_be_one_of_ankestyrelsens(db, clock, staff):
    complaint = _file(db, clock)
    _act(db, clock, staff, complaint, "reassess_upheld")
    _act(db, clock, staff, complaint, "forward")
    with pytest.raises(service.ComplaintError):
        service.record_outcome(db, complaint=complaint, staff=staff, outcome="maybe", text="", now=clock.now())
    assert complaint.status == "forwarded"
