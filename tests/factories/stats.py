"""A small hand-built data set for the statistics, with the expected figures worked out by hand.

Today is 2026-11-23 (the test clock). Period: 01.01.2026–23.11.2026.
Alcohol (7): A1 under 30, contact 02.03 (23.30 UTC the day before: winter time), start 10.03 → 8 days, met
             A2 under 30, contact 02.03, start 16.03 → 14 days, met (day 14 is in time)
             A3 under 30, contact 02.03, start 20.03 → 18 days, breached
             A4 30+, contact 01.04 (22.30 UTC on 31.03: summer time), start 04.04 → 3 days, met
             A5 30+, contact 01.04, no start, deadline passed → breached
             A6 anonymous, contact 20.11, no start → deadline still running
             A7 anonymous, contact 05.05, first treatment appointment 12.05 → 7 days, met
Drugs (6), anonymous: D1–D5 § 101 a (no guarantee), contact 10.06, start after 1, 2, 3, 4 and 30 days;
             D6 free choice (waived), no start.
Outside the period: one alcohol request of 31.12.2025 (must not count).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.appointments.models import Appointment
from app.cases.models import CitizenCase
from app.complaints.models import Complaint
from app.core.clock import local_datetime
from app.requests.models import TreatmentRequest

TODAY = date(2026, 11, 23)
UNDER_30_CPR = "010101-4123"  # born 01.01.2001 (7th digit 4, year ≤ 36 → 2000s)
OVER_30_CPR = "150570-1234"  # born 15.05.1970

_n = 0


def utc(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=timezone.utc)


def make_bare_case(db, *, anonymous=True, now=None) -> CitizenCase:
    global _n
    _n += 1
    now = now or utc(2026, 1, 1)
    case = CitizenCase(pseudonym=f"Testdyr {_n}", code_selector=f"S{_n:07d}", code_hash="x", code_issued_at=now,
                       anonymous=anonymous, created_at=now)
    db.add(case)
    db.flush()
    return case


def make_request(db, *, area, received_at, cpr=None, started_on=None, section_101a=False, free_choice=False,
                for_relative=False) -> TreatmentRequest:
    case = make_bare_case(db, anonymous=cpr is None, now=received_at)
    req = TreatmentRequest(case_id=case.id, area=area, anonymous=cpr is None, cpr=cpr, section_101a=section_101a,
                           for_relative=for_relative, received_at=received_at, updated_at=received_at,
                           started_on=started_on, free_choice_at=received_at if free_choice else None,
                           free_choice_by="citizen" if free_choice else None)
    db.add(req)
    db.flush()
    return req


def build_requests(db) -> dict[str, TreatmentRequest]:
    r = {}
    r["A1"] = make_request(db, area="alcohol", received_at=utc(2026, 3, 1, 23, 30), cpr=UNDER_30_CPR,
                          started_on=date(2026, 3, 10))
    r["A2"] = make_request(db, area="alcohol", received_at=utc(2026, 3, 2), cpr=UNDER_30_CPR,
                          started_on=date(2026, 3, 16))
    r["A3"] = make_request(db, area="alcohol", received_at=utc(2026, 3, 2), cpr=UNDER_30_CPR,
                          started_on=date(2026, 3, 20))
    r["A4"] = make_request(db, area="alcohol", received_at=utc(2026, 3, 31, 22, 30), cpr=OVER_30_CPR,
                          started_on=date(2026, 4, 4))
    r["A5"] = make_request(db, area="alcohol", received_at=utc(2026, 4, 1), cpr=OVER_30_CPR)
    r["A6"] = make_request(db, area="alcohol", received_at=utc(2026, 11, 20))
    r["A7"] = make_request(db, area="alcohol", received_at=utc(2026, 5, 5))
    # A7 starts with a treatment-starting appointment; an earlier one belongs to an earlier request.
    for when in (utc(2026, 4, 20), utc(2026, 5, 12, 8)):
        db.add(Appointment(case_id=r["A7"].case_id, starts_at=when, starts_treatment=True, created_at=when))
    for i, days in enumerate((1, 2, 3, 4, 30), start=1):
        r[f"D{i}"] = make_request(db, area="drugs", received_at=utc(2026, 6, 10), section_101a=True,
                                 started_on=date(2026, 6, 10) + timedelta(days=days))
    r["D6"] = make_request(db, area="drugs", received_at=utc(2026, 6, 10), free_choice=True)
    r["old"] = make_request(db, area="alcohol", received_at=utc(2025, 12, 31), cpr=OVER_30_CPR,
                           started_on=date(2026, 2, 1))
    db.flush()
    return r


def build_complaints(db) -> None:
    """Open complaints that have waited 3, 10, 30, 40 and 60 days, and one closed one."""
    for days in (3, 10, 30, 40, 60, 90):
        case = make_bare_case(db)
        received = local_datetime(TODAY - timedelta(days=days), 10)
        db.add(Complaint(case_id=case.id, subject="plan", channel="portal", received_at=received,
                         closed_at=received + timedelta(days=5) if days == 90 else None))
    db.flush()


def make_course(db, *, area, reason, discharged_on, cpr=None, plan_revision_on=None):
    """A case with a request, a plan and a discharge (discharged_on None: still in treatment)."""
    from app.plans.models import Discharge, TreatmentPlan
    req = make_request(db, area=area, received_at=utc(2025, 6, 1), cpr=cpr, started_on=date(2025, 6, 10))
    at = utc(2025, 6, 10)
    db.add(TreatmentPlan(case_id=req.case_id, treatment_form="outpatient", aim="abstinence", last_revised_at=at,
                         next_revision_on=plan_revision_on or date(2025, 9, 10), created_at=at))
    discharge = None
    if discharged_on:
        discharge = Discharge(case_id=req.case_id, reason=reason, discharged_on=discharged_on, created_at=at)
        db.add(discharge)
    db.flush()
    return req, discharge


def build_courses(db) -> None:
    """Alcohol: 6 ended in 2026 (4 completed, 1 own wish, 1 no-show); the two completed under-30s carry a
    CPR number. Drugs: 5 ended (1 completed, 2 referred, 2 own wish). One alcohol course ended in 2025.
    Still in treatment: alcohol plans due 01.10.2026 (53 days over), 10.11.2026 (13 over), 01.12.2026,
    a drugs plan due 20.11.2026 (3 over) and one due 01.01.2027.
    Follow-ups due in the period: 1 month ×6 (3 done, 1 declined, 2 open), 6 months ×2 (1 done, 1 open);
    one 6-month follow-up due after today."""
    from app.plans.models import FollowUp
    d = date(2026, 5, 1)
    courses = [("completed", UNDER_30_CPR), ("completed", UNDER_30_CPR), ("completed", None), ("completed", None),
               ("own_wish", None), ("no_show", None)]
    ended = [make_course(db, area="alcohol", reason=r, discharged_on=d, cpr=cpr)[1] for r, cpr in courses]
    for r in ("completed", "referred", "referred", "own_wish", "own_wish"):
        ended.append(make_course(db, area="drugs", reason=r, discharged_on=d)[1])
    make_course(db, area="alcohol", reason="completed", discharged_on=date(2025, 12, 1))
    for due in (date(2026, 10, 1), date(2026, 11, 10), date(2026, 12, 1)):
        make_course(db, area="alcohol", reason=None, discharged_on=None, plan_revision_on=due)
    for due in (date(2026, 11, 20), date(2027, 1, 1)):
        make_course(db, area="drugs", reason=None, discharged_on=None, plan_revision_on=due)
    follow = [(1, "done")] * 3 + [(1, "declined")] + [(1, "open")] * 2 + [(6, "done"), (6, "open")]
    for (months, status), dis in zip(follow, ended):
        db.add(FollowUp(discharge_id=dis.id, case_id=dis.case_id, months=months, status=status,
                        due_on=date(2026, 6, 1) if months == 1 else date(2026, 11, 1)))
    db.add(FollowUp(discharge_id=ended[-1].id, case_id=ended[-1].case_id, months=6, status="open",
                    due_on=date(2026, 12, 1)))
    db.flush()


def build_counselling(db) -> None:
    """Åben Rådgivning: three sessions held in 2026, one cancelled by the centre, one still to come.
    Citizens: 5 attended (1 of them a walk-in), 2 no-shows, 2 cancelled; relatives: 1 attended;
    the cancelled session's 2 bookings and the coming session's 3 bookings do not count."""
    from app.booking.models import CounsellingBooking, CounsellingSession

    def session(day, status="open"):
        at = utc(day.year, day.month, day.day, 14)
        s = CounsellingSession(day=day, starts_at=at, ends_at=at + timedelta(hours=2), place="Sundhedscentret",
                               capacity=10, booked=0, status=status, created_at=utc(2026, 1, 1))
        db.add(s)
        db.flush()
        return s

    def book(s, status, *, relative=False, walk_in=False):
        case = make_bare_case(db)
        db.add(CounsellingBooking(session_id=s.id, case_id=case.id, uid=f"u{case.id}", as_relative=relative,
                                  walk_in=walk_in, status=status, created_at=s.starts_at, changed_at=s.starts_at))

    held = [session(date(2026, 3, 3)), session(date(2026, 3, 10)), session(date(2026, 3, 17))]
    for s, status, walk_in in [(held[0], "attended", True), (held[0], "attended", False), (held[1], "attended", False),
                               (held[1], "attended", False), (held[2], "attended", False),
                               (held[0], "no_show", False), (held[2], "no_show", False),
                               (held[1], "cancelled", False), (held[2], "cancelled_in_time", False)]:
        book(s, status, walk_in=walk_in)
    book(held[2], "attended", relative=True)
    cancelled = session(date(2026, 3, 24), status="cancelled")
    book(cancelled, "session_cancelled")
    book(cancelled, "session_cancelled")
    coming = session(date(2026, 11, 24))
    for _ in range(3):
        book(coming, "booked")
    db.flush()
