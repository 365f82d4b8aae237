"""Demo requests in different guarantee states (declared in app/requests/domain.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.appointments.models import Appointment
from app.messages import service as messages
from app.requests import flows, service
from app.requests.models import TreatmentRequest
from app.staff.models import StaffUser

DEMO_REQUESTS = [
    # days ago, intake, what happens next
    (2, dict(area="alcohol", display_name="Kim", message="Jeg drikker hver aften og vil gerne stoppe."), "new"),
    (12, dict(area="alcohol", anonymous=False, full_name="Bo Hansen", phone="12 34 56 78",
              preferred_contact="phone", help_wanted=("outpatient",)), "urgent"),
    (20, dict(area="drugs", other_social_problems="yes", message="Hash hver dag."), "overdue"),
    (9, dict(area="drugs", other_social_problems="no", display_name="Sam"), "101a"),
    (10, dict(area="alcohol", anonymous=False, full_name="Lene Madsen", email="lene@example.dk",
              preferred_contact="email", screening_kind="audit", screening_score=22), "booked"),
    (6, dict(area="medicine", for_relative=True, display_name="Mor til Jonas"), "relative"),
]


def load_demo_requests(db, now) -> list[str]:
    if db.exec(select(TreatmentRequest.id)).first() is not None:
        return ["Demo-henvendelser findes allerede."]
    mette = db.exec(select(StaffUser).where(StaffUser.username == "behandler")).first()
    lines = ["Demo-henvendelser (koderne vises kun her):"]
    for days_ago, fields, what in DEMO_REQUESTS:
        intake = service.Intake(**{"for_relative": False, "anonymous": True, **fields})
        case, code, req = flows.submit_request(db, intake=intake, now=now - timedelta(days=days_ago))
        if what == "booked":
            db.add(Appointment(case_id=case.id, staff_id=mette.id if mette else None,
                               starts_at=now + timedelta(days=2), starts_treatment=True, created_at=now,
                               location="Sundhedscentret, Clausensvej 25"))
            service.set_status(db, req, status="offered", now=now)
        if what == "new" and mette:
            messages.send_citizen_message(db, case_id=case.id, body="Kan I ringe efter kl. 16?", now=now)
            messages.send_staff_message(db, case_id=case.id, staff=mette, now=now,
                                        body="Hej Kim. Tak for din henvendelse. Vi skriver her med et forslag til tid.")
        lines.append(f"  {case.pseudonym:<22} {what:<9} {code.display}")
    db.flush()
    return lines


