"""Making a decision: reasons are required (forvaltningsloven §§ 22/24), the legal basis must fit,
and replacing keeps both decisions."""

import pytest
from sqlmodel import select

from app.decisions import service
from app.decisions.models import Decision
from tests.factories.decisions import CENTRE, decision_input, make_decision
from tests.factories import make_case, make_staff


@pytest.mark.parametrize("missing", ["rules_applied", "considerations", "key_facts"])
def test_every_part_of_the_reasons_is_required(db, clock, missing):
    case, _ = make_case(db, now=clock.now())
    data = decision_input()
    data = service.DecisionInput(**{**data.__dict__, missing: "   "})
    with pytest.raises(service.DecisionError) as err:
        service.make_decision(db, case=case, staff=None, data=data, centre=CENTRE, now=clock.now())
    assert set(err.value.errors) == {missing}
    assert db.exec(select(Decision)).all() == []


@pytest.mark.parametrize("treatment, basis, ok", [
    ("outpatient", "SEL § 101", True),
    ("outpatient", "SUL § 141", True),
    ("medical", "SUL § 142", True),
    ("anonymous_outpatient", "SEL § 101 a", True),
    ("refused", "SEL § 101", True),
    ("medical", "SEL § 101", False),
    ("anonymous_outpatient", "SEL § 101", False),
    ("residential", "SUL § 142", False),
    ("outpatient", "SEL § 999", False),
])
def test_legal_basis_must_fit_the_type_of_treatment(db, clock, treatment, basis, ok):
    case, _ = make_case(db, now=clock.now(), anonymous=True)
    data = decision_input("SEL § 101")
    data = service.DecisionInput(**{**data.__dict__, "treatment_type": treatment, "legal_basis": basis})
    assert not service.validate_decision(case, data) if ok else "legal_basis" in service.validate_decision(case, data)


def test_sel_101a_only_for_anonymous_cases(db, clock):
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Bo Berg")
    errors = service.validate_decision(case, decision_input("SEL § 101 a"))
    assert "legal_basis" in errors


def test_a_decision_carries_its_guide_and_is_notified_when_made(db, clock):
    case, _ = make_case(db, now=clock.now())
    staff = make_staff(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now(), staff=staff)
    assert decision.notified_at == clock.now() and decision.decided_at == clock.now()
    assert "Klagevejledning" in decision.complaint_guide
    assert decision.staff_id == staff.id


def test_replacing_keeps_both_and_marks_the_old_replaced(db, clock):
    case, _ = make_case(db, now=clock.now())
    old = make_decision(db, case, now=clock.now())
    clock.advance(days=3)
    new = service.make_decision(db, case=case, staff=None, data=decision_input(tag="ny"), centre=CENTRE,
                                now=clock.now(), replaces=old)
    db.commit()
    assert old.replaced_at == clock.now() and new.replaces_id == old.id
    assert [d.id for d in service.decisions_for_case(db, case.id)] == [new.id, old.id]
    assert [d.id for d in service.active_decisions(db, case.id)] == [new.id]
    with pytest.raises(service.DecisionAlreadyReplaced):
        service.make_decision(db, case=case, staff=None, data=decision_input(), centre=CENTRE,
                              now=clock.now(), replaces=old)


def test_a_decision_is_found_only_through_its_own_case(db, clock):
    case_a, _ = make_case(db, now=clock.now())
    case_b, _ = make_case(db, now=clock.now())
    decision = make_decision(db, case_a, now=clock.now())
    assert service.get_case_decision(db, case_id=case_a.id, decision_id=decision.id) is decision
    from app.core.errors import NotFound
    with pytest.raises(NotFound):
        service.get_case_decision(db, case_id=case_b.id, decision_id=decision.id)


def test_demo_data_has_one_case_with_a_decision_and_loads_twice(settings, clock, db):
    from app.demo import load_demo
    first = list(load_demo(settings, clock))
    assert any("Demo-sag med afgørelse" in line and "kode" in line for line in first)
    list(load_demo(settings, clock))
    db.rollback()
    assert len(db.exec(select(Decision)).all()) == 1
