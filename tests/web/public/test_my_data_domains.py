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


def test_export_shows_attendance_and_goal_status_in_words_not_codes(client, db, clock):
    from datetime import timedelta
    from app.appointments.models import Appointment
    from app.plans import service as plans
    from tests.factories import make_staff
    case, code = make_case(db, now=clock.now())
    staff = make_staff(db, now=clock.now())
    plans.create_plan(db, case_id=case.id, staff=staff, treatment_form="outpatient", aim="reduction",
                      medical=[], under_30=False, now=clock.now())
    plans.add_goal(db, case_id=case.id, life_area="substance", citizen_words="Færre genstande", steps="",
                   status="in_progress", now=clock.now())
    db.add(Appointment(case_id=case.id, starts_at=clock.now() + timedelta(days=2), created_at=clock.now()))
    db.commit()
    sign_in_citizen(client, code)
    html = client.get("/min-side/mine-data").text
    assert "Planlagt" in html and "I gang" in html
    assert "<dd>planned</dd>" not in html and "<dd>in_progress</dd>" not in html
