"""Closed cases are deleted 5 years after the last entry, 10 years after the last medical entry,
never while a request is open, something is booked ahead or a complaint is open."""

from datetime import timedelta

from sqlmodel import select

from app.appointments.models import Appointment, AppointmentKind
from app.audit.models import AccessLogEntry
from app.audit.service import record_access
from app.cases.models import CitizenCase
from app.complaints import service as complaints
from app.messages.models import Message
from app.requests.models import RequestStatus, TreatmentRequest
from app.retention.closed_cases import expired_closed_cases, years_before
from app.retention.service import PurgeContext, run_purge
from tests.factories.decisions import make_decision
from tests.factories import make_case, make_staff

DAY = timedelta(days=1)


def _ctx(app, now):
    return PurgeContext(now=now, centre=app.state.centre, settings=app.state.settings,
                        holds=app.state.house.retention_holds)


def _closed_case(db, *, at, anonymous=False):
    case, _ = make_case(db, now=at, anonymous=anonymous, full_name=None if anonymous else "Kim Jensen")
    db.add(TreatmentRequest(case_id=case.id, area="alcohol", anonymous=anonymous, status=RequestStatus.closed.value,
                            received_at=at, updated_at=at))
    db.commit()
    return case


def test_years_before_handles_29_february(clock):
    leap = clock.now().replace(year=2028, month=2, day=29)
    assert years_before(leap, 5).date().isoformat() == "2023-02-28"


def test_closed_case_is_deleted_five_years_after_its_last_entry(db, clock, app):
    now = clock.now()
    expired = _closed_case(db, at=years_before(now, 5) - DAY)
    recent = _closed_case(db, at=years_before(now, 5) + DAY)
    assert expired_closed_cases(db, _ctx(app, now)) == [expired.id]
    # A message a year later moves the last entry forward: the case is kept.
    db.add(Message(case_id=expired.id, from_staff=True, body="Hej", sent_at=years_before(now, 4)))
    db.commit()
    assert expired_closed_cases(db, _ctx(app, now)) == []
    assert recent.id not in expired_closed_cases(db, _ctx(app, now))
    assert recent.id in expired_closed_cases(db, _ctx(app, now + 2 * DAY))


def test_a_medical_entry_keeps_the_case_ten_years(db, clock, app):
    now = clock.now()
    social = _closed_case(db, at=years_before(now, 7))
    medical = _closed_case(db, at=years_before(now, 7))
    make_decision(db, medical, now=years_before(now, 7), legal_basis="SUL § 142")
    consult = _closed_case(db, at=years_before(now, 7))
    db.add(Appointment(case_id=consult.id, kind=AppointmentKind.medical.value, starts_at=years_before(now, 7),
                       created_at=years_before(now, 7)))
    db.commit()
    assert expired_closed_cases(db, _ctx(app, now)) == [social.id]
    later = now + timedelta(days=366 * 3 + 2)
    assert set(expired_closed_cases(db, _ctx(app, later))) == {social.id, medical.id, consult.id}


def test_an_open_request_or_anything_booked_ahead_keeps_an_old_case(db, clock, app):
    now = clock.now()
    long_ago = years_before(now, 8)
    still_open = _closed_case(db, at=long_ago)
    db.add(TreatmentRequest(case_id=still_open.id, area="drugs", status=RequestStatus.received.value,
                            received_at=long_ago, updated_at=long_ago))
    ahead = _closed_case(db, at=long_ago)
    db.add(Appointment(case_id=ahead.id, starts_at=now + DAY, created_at=long_ago))
    db.commit()
    assert expired_closed_cases(db, _ctx(app, now)) == []


def test_an_open_complaint_holds_a_closed_case(db, clock, app):
    now = clock.now()
    case = _closed_case(db, at=years_before(now, 6))
    complaints.file_complaint(db, case=case, subject="plan", text="", now=years_before(now, 6))
    db.commit()
    assert expired_closed_cases(db, _ctx(app, now)) == []


def test_purge_deletes_the_case_and_its_rows_keeps_the_access_log_and_is_idempotent(db, clock, app):
    now = clock.now()
    case = _closed_case(db, at=years_before(now, 6))
    db.add(Message(case_id=case.id, from_staff=False, body="Tak", sent_at=years_before(now, 6)))
    record_access(db, staff=make_staff(db), case_id=case.id, action="view_case", now=years_before(now, 6))
    db.commit()
    first = run_purge(db, _ctx(app, now), app.state.house.purge_rules)
    db.commit()
    assert first["closed_cases_past_retention"] == 1
    assert db.get(CitizenCase, case.id) is None
    assert len(db.exec(select(Message).where(Message.case_id == case.id)).all()) == 0
    assert len(db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id)).all()) == 1
    assert run_purge(db, _ctx(app, now), app.state.house.purge_rules)["closed_cases_past_retention"] == 0
