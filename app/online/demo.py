"""Demo data: the portal's own courses (published version 1), and one anonymous citizen in online
treatment with a few diary days and an answer waiting for the counsellor. Prints the citizen's code."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from app.cases import service as cases
from app.cases.models import CitizenCase
from app.core.clock import local_date
from app.online import course_text, service
from app.online.models import Course
from app.staff.models import StaffUser

DEMO_NAME = "Demo-borger (online)"


def load_online_demo(db: Session, now) -> list[str]:
    lines = [f"Online forløb: {v.title} (version {v.version_no})" for v in service.load_builtin_courses(db, now=now)]
    if db.exec(select(CitizenCase.id).where(CitizenCase.display_name == DEMO_NAME)).first() is not None:
        return lines + ["Demo-borger i online forløb findes allerede (koden blev vist første gang)."]
    staff = db.exec(select(StaffUser).where(StaffUser.username == "behandler")).first()
    course = db.exec(select(Course).where(Course.slug == course_text.MAIN_SLUG)).one()
    version = service.latest_published(db, course.id)
    case, code = cases.open_case(db, now=now, anonymous=True, contact=cases.ContactDetails(display_name=DEMO_NAME))
    started = now - timedelta(days=40)
    service.assign_course(db, case_id=case.id, version_id=version.id, staff_id=staff.id if staff else None,
                          now=started)
    service.set_goal(db, case_id=case.id, weekly_units="10", now=started)
    today = local_date(now)
    for days_ago in range(35, 0, -1):
        day = today - timedelta(days=days_ago)
        beers = {5: "4", 6: "6"}.get(day.weekday(), "0" if days_ago % 3 else "2")
        service.save_diary_day(db, case_id=case.id, day=day, counts={"beer33": beers}, other_units="",
                               substances=[], note="", now=started + timedelta(days=35 - days_ago))
    first = service.exercises_of(db, version.id)[0]
    service.save_answer(db, case_id=case.id, exercise_id=first.id, submit=True, now=now - timedelta(days=2),
                        body="Det gode: jeg slapper af. Det mindre gode: jeg sover dårligt og er træt på arbejdet.")
    return lines + ["Demo-borger i online forløb:", f"  kode {code.display}  (sag {case.pseudonym})"]
