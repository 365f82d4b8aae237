"""Deadlines as Danish law counts them (app.core.deadlines): a complaint deadline that ends on a closing day
runs to the next working day (Justitsministeriets vejledning nr. 9533 af 26/6 2018); the period starts on
the day the decision reached the citizen, by post as Ankestyrelsen counts it."""

from datetime import date, timedelta

import pytest

from app.core.clock import local_datetime
from app.core.deadlines import (Delivery, complaint_deadline, forwarding_deadline, guarantee_deadline,
                                is_closing_day, next_working_day, received_on)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def test_closing_days_are_weekends_public_holidays_grundlovsdag_and_24_and_31_december():
    closed_2027 = {d for d in _days(date(2027, 1, 1), date(2027, 12, 31)) if is_closing_day(d) and d.weekday() < 5}
    assert closed_2027 == {
        date(2027, 1, 1),                                       # nytårsdag
        date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29),  # skærtorsdag, langfredag, 2. påskedag
        date(2027, 5, 6), date(2027, 5, 17),                    # Kristi himmelfart, 2. pinsedag
        date(2027, 12, 24), date(2027, 12, 31),                 # juleaftensdag, nytårsaftensdag (Fridays)
    }  # Grundlovsdag 2027 and both Christmas days fall at the weekend
    assert is_closing_day(date(2026, 6, 5))  # Grundlovsdag 2026 is a Friday
    assert not is_closing_day(date(2026, 5, 1))  # 1 May is not a closing day for a deadline


def test_store_bededag_closes_2023_but_not_since_it_was_abolished_in_2024():
    assert is_closing_day(date(2023, 5, 5))
    assert not is_closing_day(date(2024, 4, 26)) and not is_closing_day(date(2026, 5, 1))


def test_a_decision_on_sunday_6_december_2026_has_its_last_day_on_monday_4_january():
    # 4 weeks after Sunday 06.12.2026 is Sunday 03.01.2027: the deadline runs to Monday.
    assert complaint_deadline(local_datetime(date(2026, 12, 6), 14)) == date(2027, 1, 4)


@pytest.mark.parametrize("made_available, last_day", [
    (date(2026, 11, 26), date(2026, 12, 28)),  # 24.12 Thu → 24, 25, 26, 27 closed … 4 weeks = 24.12 → Mon 28.12
    (date(2026, 12, 3), date(2027, 1, 4)),     # 31.12 Thursday → 1.1 Friday → weekend → Monday 4.1
    (date(2027, 2, 26), date(2027, 3, 30)),    # Friday 26.03 is langfredag, then weekend and 2. påskedag
    (date(2027, 2, 25), date(2027, 3, 30)),    # skærtorsdag 25.03
    (date(2027, 5, 8), date(2027, 6, 7)),      # Saturday 05.06, Grundlovsdag, then Sunday
    (date(2026, 11, 23), date(2026, 12, 21)),  # an ordinary Monday stays a Monday
])
def test_deadlines_across_easter_christmas_and_grundlovsdag(made_available, last_day):
    assert complaint_deadline(local_datetime(made_available, 10)) == last_day


def test_every_start_day_of_a_whole_year_ends_on_the_first_working_day_from_four_weeks_on():
    for start in _days(date(2026, 1, 1), date(2027, 12, 31)):
        four_weeks = start + timedelta(weeks=4)
        last_day = complaint_deadline(local_datetime(start, 12))
        assert not is_closing_day(last_day), start
        assert last_day >= four_weeks, start
        assert all(is_closing_day(d) for d in _days(four_weeks, last_day - timedelta(days=1))), start
        assert last_day - four_weeks <= timedelta(days=5), start  # Christmas to New Year at most


@pytest.mark.parametrize("sent, received", [
    (date(2026, 11, 30), date(2026, 12, 5)),   # Monday + 5
    (date(2026, 12, 1), date(2026, 12, 6)),    # Tuesday + 5
    (date(2026, 12, 2), date(2026, 12, 9)),    # Wednesday + 7
    (date(2026, 12, 3), date(2026, 12, 9)),    # Thursday + 6
    (date(2026, 12, 4), date(2026, 12, 9)),    # Friday + 5
    (date(2026, 12, 5), date(2026, 12, 12)),   # Saturday: goes with Monday's post
])
def test_a_letter_by_post_counts_as_received_as_ankestyrelsen_counts_it(sent, received):
    assert received_on(local_datetime(sent, 15), Delivery.physical_post) == received
    assert complaint_deadline(local_datetime(sent, 15), Delivery.physical_post) == \
        next_working_day(received + timedelta(weeks=4))


def test_min_side_and_digital_post_start_the_day_the_decision_is_available():
    sent = local_datetime(date(2026, 12, 2), 23, 30)  # late evening, Copenhagen time
    for delivery in (Delivery.min_side, Delivery.digital_post, "digital_post"):
        assert received_on(sent, delivery) == date(2026, 12, 2)


def test_the_guarantee_and_forwarding_deadlines_are_calendar_days_not_moved():
    assert guarantee_deadline(local_datetime(date(2026, 12, 10), 9)) == date(2026, 12, 24)
    assert forwarding_deadline(local_datetime(date(2026, 11, 26), 9)) == date(2026, 12, 24)
