"""Demo data for the plans domain: one young citizen in MOVE with a plan, goals, appointments and a
proposal waiting for the counsellor. Prints the citizen's code so the demo can sign in to Min side."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from app.appointments.models import Appointment
from app.cases import service as cases
from app.cases.models import CitizenCase
from app.core.clock import local_date, local_datetime
from app.plans import service
from app.staff.models import StaffUser

DEMO_NAME = "Demo-borger (plan)"


def load_plan_demo(db: Session, now) -> list[str]:
    if db.exec(select(CitizenCase.id).where(CitizenCase.display_name == DEMO_NAME)).first() is not None:
        return ["Demo-behandlingsplan findes allerede (koden blev vist første gang)."]
    staff = db.exec(select(StaffUser).where(StaffUser.username == "behandler")).first()
    if staff is None:
        return []
    case, code = cases.open_case(db, now=now, anonymous=True, contact=cases.ContactDetails(display_name=DEMO_NAME))
    started = now - timedelta(days=80)  # the plan is due for revision in about ten days
    service.create_plan(db, case_id=case.id, staff=staff, treatment_form="move", aim="reduction",
                        medical=["craving"], under_30=True, now=started)
    for area, words, steps, status in [
        ("substance", "Jeg vil ikke ryge hash på hverdage", "Skrive ned, hvornår trangen kommer", "in_progress"),
        ("work", "Jeg vil gøre min uddannelse færdig", "Tale med studievejlederen", "not_started"),
        ("social", "Jeg vil se mine venner uden at ryge", "", "reached"),
    ]:
        service.add_goal(db, case_id=case.id, life_area=area, citizen_words=words, steps=steps, status=status,
                         now=started)
    service.propose_goal(db, case_id=case.id, life_area="housing", citizen_words="Jeg vil flytte hjemmefra",
                         now=now)
    today = local_date(now)
    for weeks_ago, attendance in [(8, "attended"), (7, "attended"), (6, "no_show"), (5, "attended"),
                                  (4, "attended"), (3, "attended"), (2, "attended")]:
        day = today - timedelta(weeks=weeks_ago)
        db.add(Appointment(case_id=case.id, staff_id=staff.id, kind="individual",
                           starts_at=local_datetime(day, 10), location="Sundhedscentret",
                           attendance=attendance, starts_treatment=weeks_ago == 8, created_at=started))
    db.add(Appointment(case_id=case.id, staff_id=staff.id, kind="video",
                       starts_at=local_datetime(today + timedelta(days=3), 14), video_url="https://video.example/demo",
                       created_at=now))
    db.flush()
    return ["Demo-borger med behandlingsplan (MOVE):", f"  kode {code.display}  (sag {case.pseudonym})"]


