"""Discharge with a reason; follow-up at 1 and 6 months for completed, referred and hospital."""

from datetime import date, datetime, timezone

import pytest

from app.plans import service
from app.plans.models import DischargeReason
from tests.factories import make_case, make_staff

UTC = timezone.utc


@pytest.mark.parametrize("discharged, one, six", [
    (date(2026, 11, 23), date(2026, 12, 23), date(2027, 5, 23)),
    (date(2026, 8, 31), date(2026, 9, 30), date(2027, 2, 28)),    # month ends clamp
    (date(2027, 8, 31), date(2027, 9, 30), date(2028, 2, 29)),    # leap year
    (date(2027, 1, 31), date(2027, 2, 28), date(2027, 7, 31)),
    (date(2026, 12, 31), date(2027, 1, 31), date(2027, 6, 30)),
])
def test_follow_up_dates_are_one_and_six_calendar_months_later(discharged, one, six):
    assert service.follow_up_dates(discharged) == {1: one, 6: six}


@pytest.mark.parametrize("reason", [r.value for r in DischargeReason])
def test_follow_ups_only_for_completed_referred_and_hospital(db, clock, reason):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    service.discharge_case(db, case_id=case.id, reason=reason, note="", declines_follow_up=False, staff=staff,
                           now=clock.now())
    follow_ups = service.follow_ups_for_case(db, case.id)
    if reason in ("completed", "referred", "hospital"):
        assert [(f.months, f.due_on, f.status) for f in follow_ups] == [
            (1, date(2026, 12, 23), "open"), (6, date(2027, 5, 23), "open")]
    else:
        assert follow_ups == []


def test_discharge_day_is_the_local_day_after_midnight_in_summer(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    # 23.30 UTC on 31 May is 01.30 on 1 June in Copenhagen (summer time).
    clock.set(datetime(2027, 5, 31, 23, 30, tzinfo=UTC))
    discharge = service.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=False,
                                       staff=staff, now=clock.now())
    assert discharge.discharged_on == date(2027, 6, 1)
    assert [f.due_on for f in service.follow_ups_for_case(db, case.id)] == [date(2027, 7, 1), date(2027, 12, 1)]


def test_citizen_may_decline_follow_up_and_it_stays_off_the_list(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    service.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=True, staff=staff,
                           now=clock.now())
    assert {f.status for f in service.follow_ups_for_case(db, case.id)} == {"declined"}
    assert service.open_follow_ups(db) == []


def test_follow_up_stays_on_the_list_until_done(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    service.discharge_case(db, case_id=case.id, reason="referred", note="", declines_follow_up=False, staff=staff,
                           now=clock.now())
    first, second = [f for f, _c in service.open_follow_ups(db)]
    service.close_follow_up(db, follow_up_id=first.id, outcome="done", note="Går godt", staff=staff, now=clock.now())
    assert [f.id for f, _c in service.open_follow_ups(db)] == [second.id]
    with pytest.raises(service.AlreadyExists):
        service.close_follow_up(db, follow_up_id=first.id, outcome="declined", note="", staff=staff, now=clock.now())
    service.close_follow_up(db, follow_up_id=second.id, outcome="declined", note="", staff=staff, now=clock.now())
    assert service.open_follow_ups(db) == []


def test_a_case_is_discharged_once_with_a_known_reason(db, clock):
    staff = make_staff(db, now=clock.now())
    case, _ = make_case(db, now=clock.now())
    with pytest.raises(service.PlanError):
        service.discharge_case(db, case_id=case.id, reason="bored", note="", declines_follow_up=False, staff=staff,
                               now=clock.now())
    service.discharge_case(db, case_id=case.id, reason="moved", note="", declines_follow_up=False, staff=staff,
                           now=clock.now())
    with pytest.raises(service.AlreadyExists):
        service.discharge_case(db, case_id=case.id, reason="moved", note="", declines_follow_up=False, staff=staff,
                               now=clock.now())
