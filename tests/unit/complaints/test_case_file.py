"""The case file for Ankestyrelsen holds exactly the complaint's case, and other domains can declare sections."""

from app.complaints import case_file, service
from app.core.domain import Domain
from app.house import house
from tests.factories.decisions import make_decision
from tests.factories import make_case


def test_case_file_holds_this_cases_decisions_and_complaint_only(db, clock):
    case_a, _ = make_case(db, now=clock.now())
    case_b, _ = make_case(db, now=clock.now())
    a1 = make_decision(db, case_a, now=clock.now(), tag="A1")
    clock.advance(days=1)
    a2 = make_decision(db, case_a, now=clock.now(), tag="A2", legal_basis="SUL § 141")
    make_decision(db, case_b, now=clock.now(), tag="B1")
    complaint = service.file_complaint(db, case=case_a, subject=f"decision:{a1.id}", text="A", now=clock.now())
    service.file_complaint(db, case=case_b, subject="plan", text="B", now=clock.now())
    sections = case_file.build_case_file(db, complaint, clock.now(), house().case_file_sections)
    by_template = {s.template: s.context for s in sections}
    decisions_ctx = by_template["staff/complaints/_file_decisions.html"]
    assert [d.id for d in decisions_ctx["decisions"]] == [a1.id, a2.id]
    assert decisions_ctx["complained_id"] == a1.id
    assert by_template["staff/complaints/_file_complaint.html"]["complaint"] is complaint


def test_a_section_another_domain_declares_gets_the_complaints_case(db, clock):
    case_a, _ = make_case(db, now=clock.now())
    seen = []

    def plan_section(db_, case, complaint, now):
        seen.append(case.id)
        return case_file.CaseFileSection("Behandlingsplan", "x.html", {"case_id": case.id}, order=40)

    extended = house().with_domains(Domain("test", case_file_sections=(plan_section,)))
    complaint = service.file_complaint(db, case=case_a, subject="plan", text="", now=clock.now())
    sections = case_file.build_case_file(db, complaint, clock.now(), extended.case_file_sections)
    assert seen == [case_a.id]
    assert [s.order for s in sections] == sorted(s.order for s in sections)
    assert sections[-1].context == {"case_id": case_a.id}
