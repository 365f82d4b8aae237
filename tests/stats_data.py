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


def add_case(db, *, anonymous=True, now=None) -> CitizenCase:
    global _n
    _n += 1
    now = now or utc(2026, 1, 1)
    case = CitizenCase(pseudonym=f"Testdyr {_n}", code_selector=f"S{_n:07d}", code_hash="x", code_issued_at=now,
                       anonymous=anonymous, created_at=now)
    db.add(case)
    db.flush()
    return case


def add_request(db, *, area, received_at, cpr=None, started_on=None, section_101a=False, free_choice=False,
                for_relative=False) -> TreatmentRequest:
    case = add_case(db, anonymous=cpr is None, now=received_at)
    req = TreatmentRequest(case_id=case.id, area=area, anonymous=cpr is None, cpr=cpr, section_101a=section_101a,
                           for_relative=for_relative, received_at=received_at, updated_at=received_at,
                           started_on=started_on, free_choice_at=received_at if free_choice else None,
                           free_choice_by="citizen" if free_choice else None)
    db.add(req)
    db.flush()
    return req


def build_requests(db) -> dict[str, TreatmentRequest]:
    r = {}
    r["A1"] = add_request(db, area="alcohol", received_at=utc(2026, 3, 1, 23, 30), cpr=UNDER_30_CPR,
                          started_on=date(2026, 3, 10))
    r["A2"] = add_request(db, area="alcohol", received_at=utc(2026, 3, 2), cpr=UNDER_30_CPR,
                          started_on=date(2026, 3, 16))
    r["A3"] = add_request(db, area="alcohol", received_at=utc(2026, 3, 2), cpr=UNDER_30_CPR,
                          started_on=date(2026, 3, 20))
    r["A4"] = add_request(db, area="alcohol", received_at=utc(2026, 3, 31, 22, 30), cpr=OVER_30_CPR,
                          started_on=date(2026, 4, 4))
    r["A5"] = add_request(db, area="alcohol", received_at=utc(2026, 4, 1), cpr=OVER_30_CPR)
    r["A6"] = add_request(db, area="alcohol", received_at=utc(2026, 11, 20))
    r["A7"] = add_request(db, area="alcohol", received_at=utc(2026, 5, 5))
    # A7 starts with a treatment-starting appointment; an earlier one belongs to an earlier request.
    for when in (utc(2026, 4, 20), utc(2026, 5, 12, 8)):
        db.add(Appointment(case_id=r["A7"].case_id, starts_at=when, starts_treatment=True, created_at=when))
    for i, days in enumerate((1, 2, 3, 4, 30), start=1):
        r[f"D{i}"] = add_request(db, area="drugs", received_at=utc(2026, 6, 10), section_101a=True,
                                 started_on=date(2026, 6, 10) + timedelta(days=days))
    r["D6"] = add_request(db, area="drugs", received_at=utc(2026, 6, 10), free_choice=True)
    r["old"] = add_request(db, area="alcohol", received_at=utc(2025, 12, 31), cpr=OVER_30_CPR,
                           started_on=date(2026, 2, 1))
    db.flush()
    return r


def build_complaints(db) -> None:
    """Open complaints that have waited 3, 10, 30, 40 and 60 days, and one closed one."""
    for days in (3, 10, 30, 40, 60, 90):
        case = add_case(db)
        received = local_datetime(TODAY - timedelta(days=days), 10)
        db.add(Complaint(case_id=case.id, subject="plan", channel="portal", received_at=received,
                         closed_at=received + timedelta(days=5) if days == 90 else None))
    db.flush()
