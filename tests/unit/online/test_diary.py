"""The diary's arithmetic: genstande from volume × strength, the helper's sums, and ISO weeks across
year ends and the changes to and from summer time in Europe/Copenhagen."""

from datetime import date, datetime, timezone

import pytest

from app.core.clock import local_date
from app.online import diary


def test_one_genstand_is_twelve_grams_of_alcohol_from_volume_strength_and_density():
    assert diary.units(33, 4.6) == pytest.approx(0.998, abs=0.001)   # a beer ≈ 1
    assert diary.units(75, 12) == pytest.approx(5.92, abs=0.01)      # a bottle of wine ≈ 6
    assert diary.units(70, 40) == pytest.approx(18.41, abs=0.01)     # a bottle of spirits ≈ 18
    assert round(diary.units(33, 4.6)) == 1 and round(diary.units(75, 12)) == 6 and round(diary.units(70, 40)) == 18
    assert diary.units(100, 12) * 12 == pytest.approx(1000 * 0.12 * 0.789)  # grams back out


def test_tenths_round_half_up():
    assert diary.tenths(0.998) == 10
    assert diary.tenths(1.25) == 13
    assert diary.tenths(1.24) == 12
    assert diary.tenths(0) == 0


def test_the_helper_adds_the_days_drinks_and_keeps_what_was_typed():
    total, kept = diary.day_units({"beer33": "2", "wine75": "1"}, "1,5")
    assert total == pytest.approx(2 * 0.998 + 5.918 + 1.5, abs=0.01)
    assert diary.tenths(total) == 94
    assert kept == "beer33=2,wine75=1,units=1.5"
    assert diary.counts_of(kept) == {"beer33": "2", "wine75": "1", "units": "1,5"}


def test_a_day_with_zero_is_not_a_day_with_nothing_typed():
    assert diary.day_units({}, "") == (None, "")
    assert diary.day_units({"beer33": "0"}, "") == (0.0, "")
    assert diary.day_units({}, "0") == (0.0, "")


@pytest.mark.parametrize("typed", ["-1", "abc", "1.2.3", "²", "1e3", "١", " 2 x"])
def test_a_count_that_is_no_number_is_refused_on_its_field(typed):
    with pytest.raises(diary.DiaryError) as err:
        diary.day_units({"beer50": typed}, "")
    assert err.value.field == "beer50"


def test_too_many_is_refused_as_a_typing_mistake():
    with pytest.raises(diary.DiaryError):
        diary.day_units({"beer33": "101"}, "")
    with pytest.raises(diary.DiaryError):
        diary.day_units({"spirits70": "30"}, "")  # 30 bottles: over the day's 500


def test_units_are_written_with_a_decimal_comma():
    assert diary.units_text(94) == "9,4"
    assert diary.units_text(100) == "10"
    assert diary.units_text(0) == "0"


def test_the_iso_week_across_the_year_end_2026_2027():
    days = [date(2026, 12, 28) + (date(2026, 12, 29) - date(2026, 12, 28)) * i for i in range(7)]
    assert days[-1] == date(2027, 1, 3)
    assert {diary.week_key(d) for d in days} == {"2026-W53"}
    assert {diary.week_start(d) for d in days} == {date(2026, 12, 28)}
    assert diary.week_key(date(2027, 1, 4)) == "2027-W01"
    assert diary.parse_week("2026-W53") == date(2026, 12, 28)
    assert diary.parse_week("2027-W53") is None  # 2027 has 52 weeks
    assert diary.parse_week("2027-W00") is None and diary.parse_week("junk") is None


def test_twelve_weeks_back_cross_the_year_end():
    mondays = diary.last_weeks(date(2027, 1, 13), 12)
    assert len(mondays) == 12 and mondays[-1] == date(2027, 1, 11)
    assert mondays[0] == date(2026, 10, 26)
    assert [diary.week_key(m) for m in mondays][-3:] == ["2026-W53", "2027-W01", "2027-W02"]
    assert all(m.weekday() == 0 for m in mondays)


@pytest.mark.parametrize("utc, day, week", [
    # Summer time starts on the last Sunday of March (29 March 2026): 23.30 UTC Saturday is 00.30 Sunday.
    (datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc), date(2026, 3, 29), "2026-W13"),
    # 22.30 UTC Sunday is already 00.30 Monday in summer time: a new week.
    (datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc), date(2026, 3, 30), "2026-W14"),
    (datetime(2026, 3, 29, 21, 30, tzinfo=timezone.utc), date(2026, 3, 29), "2026-W13"),
    # Winter time comes back on the last Sunday of October (25 October 2026).
    (datetime(2026, 10, 25, 22, 30, tzinfo=timezone.utc), date(2026, 10, 25), "2026-W43"),
    (datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc), date(2026, 10, 26), "2026-W44"),
    (datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc), date(2027, 1, 1), "2026-W53"),
])
def test_today_and_its_week_follow_copenhagen_across_the_clock_changes(utc, day, week):
    assert local_date(utc) == day
    assert diary.week_key(local_date(utc)) == week


def test_a_dst_week_still_has_seven_days():
    assert diary.week_days(date(2026, 3, 23))[-1] == date(2026, 3, 29)
    assert len(diary.week_days(date(2026, 10, 19))) == 7


def test_a_day_in_a_url_must_be_a_real_day_not_in_the_future_nor_too_old():
    today = date(2026, 12, 7)
    earliest = date(2025, 12, 6)
    assert diary.parse_day("2026-12-07", today=today, earliest=earliest) == today
    assert diary.parse_day("2026-12-08", today=today, earliest=earliest) is None
    assert diary.parse_day("2025-12-05", today=today, earliest=earliest) is None
    for bad in ["2026-02-30", "20261207", "2026-1-7", "", "x", "2026-12-07T00:00"]:
        assert diary.parse_day(bad, today=today, earliest=earliest) is None
