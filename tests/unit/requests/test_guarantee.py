"""The 14-day treatment guarantee: contact date in Copenhagen + 14 days; met, breached, waived, not applicable."""

from datetime import date, datetime, timezone

import pytest

from app.core.clock import FixedClock
from app.requests.guarantee import GuaranteeState, days_left, days_waited, guarantee_deadline, guarantee_state


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("received, deadline", [
    (utc(2026, 11, 23, 9, 0), date(2026, 12, 7)),  # Monday morning
    (utc(2026, 11, 23, 22, 59), date(2026, 12, 7)),  # 23.59 local (CET, UTC+1): still the 23rd
    (utc(2026, 11, 23, 23, 30), date(2026, 12, 8)),  # 00.30 local on the 24th: counts for the next day
    (utc(2026, 6, 10, 21, 59), date(2026, 6, 24)),  # summer time (UTC+2): 23.59 local
    (utc(2026, 6, 10, 22, 0), date(2026, 6, 25)),  # summer time: midnight local, the next day
    # DST starts 29.03.2026 (clocks forward) inside the fortnight:
    (utc(2026, 3, 22, 23, 30), date(2026, 4, 6)),  # 00.30 CET on the 23rd
    (utc(2026, 3, 28, 12, 0), date(2026, 4, 11)),
    # DST ends 25.10.2026 (clocks back) inside the fortnight:
    (utc(2026, 10, 18, 21, 30), date(2026, 11, 1)),  # 23.30 CEST on the 18th
    (utc(2026, 10, 18, 22, 30), date(2026, 11, 2)),  # 00.30 CEST on the 19th
    (utc(2026, 10, 24, 23, 30), date(2026, 11, 8)),  # 01.30 CEST on the 25th, the night the clocks go back
])
def test_deadline_is_the_local_contact_date_plus_14_days(received, deadline):
    assert guarantee_deadline(received) == deadline


def test_deadline_from_an_injected_clock_at_23_30_utc_is_the_next_local_day():
    clock = FixedClock(utc(2026, 11, 23, 23, 30))
    assert guarantee_deadline(clock.now()) == date(2026, 12, 8)
    clock.advance(minutes=-31)  # 22.59 UTC = 23.59 local
    assert guarantee_deadline(clock.now()) == date(2026, 12, 7)


RECEIVED = utc(2026, 11, 23, 9, 0)  # deadline 07.12.2026


@pytest.mark.parametrize("start, today, state", [
    (None, date(2026, 11, 23), GuaranteeState.running),
    (None, date(2026, 12, 7), GuaranteeState.running),  # the deadline day itself is still in time
    (None, date(2026, 12, 8), GuaranteeState.breached),
    (date(2026, 12, 7), date(2026, 12, 20), GuaranteeState.met),  # start on day 14
    (date(2026, 11, 30), date(2026, 11, 24), GuaranteeState.met),  # booked ahead, within the deadline
    (date(2026, 12, 8), date(2026, 12, 8), GuaranteeState.breached),  # start on day 15
])
def test_met_running_and_breached(start, today, state):
    assert guarantee_state(received_at=RECEIVED, start=start, today=today) == state


def test_free_choice_waives_the_deadline_even_after_it_passed():
    assert guarantee_state(received_at=RECEIVED, start=None, today=date(2027, 1, 1), waived=True) \
        == GuaranteeState.waived


def test_anonymous_101a_drug_treatment_has_no_guarantee():
    assert guarantee_state(received_at=RECEIVED, start=None, today=date(2027, 1, 1), not_applicable=True,
                           waived=True) == GuaranteeState.not_applicable


def test_days_waited_and_days_left_are_calendar_days_in_copenhagen():
    assert days_waited(utc(2026, 11, 23, 23, 30), date(2026, 12, 8)) == 14
    assert days_left(date(2026, 12, 7), date(2026, 12, 4)) == 3
    assert days_left(date(2026, 12, 7), date(2026, 12, 9)) == -2


def test_each_reason_the_guarantee_does_not_apply_has_its_own_label():
    today = date(2026, 12, 6)
    received = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    relative = guarantee_state(received_at=received, start=None, today=today, for_relative=True)
    section_101a = guarantee_state(received_at=received, start=None, today=today, not_applicable=True)
    assert relative is GuaranteeState.relative and section_101a is GuaranteeState.not_applicable
    assert "pårørende" in relative.label and "§ 101 a" not in relative.label
    assert "§ 101 a" in section_101a.label
