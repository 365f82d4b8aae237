"""Right of access: the export page shows what every domain holds about the case."""

from app.messages import service as messages
from tests.factories import make_case, sign_in_citizen


def test_export_lists_messages_and_requests_of_the_case(client, db, clock):
    from app.requests.models import TreatmentRequest
    case, code = make_case(db, now=clock.now())
    db.add(TreatmentRequest(case_id=case.id, area="alcohol", received_at=clock.now(), updated_at=clock.now(),
                            status="received", message="Jeg drikker for meget"))
    messages.send_citizen_message(db, case_id=case.id, body="Min besked til jer", now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    html = client.get("/min-side/mine-data").text
    assert "Jeg drikker for meget" in html and "Min besked til jer" in html
    assert "Henvendelser om behandling" in html and "Beskeder" in html
