"""The case file also holds the case's requests and its message thread – and only this case's."""

from app.complaints import case_file, service
from app.house import house
from app.messages import service as messages
from app.requests.models import TreatmentRequest
from tests.factories import make_case


def _request(db, case, now):
    req = TreatmentRequest(case_id=case.id, area="alcohol", received_at=now, updated_at=now, status="received")
    db.add(req)
    db.flush()
    return req


def test_case_file_includes_this_cases_requests_and_messages_only(db, clock):
    case_a, _ = make_case(db, now=clock.now())
    case_b, _ = make_case(db, now=clock.now())
    req_a = _request(db, case_a, clock.now())
    _request(db, case_b, clock.now())
    messages.send_citizen_message(db, case_id=case_a.id, body="Besked fra A", now=clock.now())
    messages.send_citizen_message(db, case_id=case_b.id, body="Besked fra B", now=clock.now())
    complaint = service.file_complaint(db, case=case_a, subject="plan", text="", now=clock.now())
    sections = {s.template: s.context for s in case_file.build_case_file(db, complaint, clock.now(), house().case_file_sections)}
    assert [r.id for r in sections["staff/requests/_case_file_requests.html"]["requests"]] == [req_a.id]
    assert [m.body for m in sections["staff/messages/_case_file.html"]["messages"]] == ["Besked fra A"]
