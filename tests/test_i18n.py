"""Every Danish source string has an English translation; dates and times follow Danish conventions."""

from datetime import date, datetime, timezone

from app.core import i18n, i18n_tools


def test_english_catalogue_is_complete():
    assert i18n_tools.problems("en") == []


def test_placeholders_survive_translation():
    import re
    catalog = i18n_tools.load("en")
    for message in catalog:
        if message.id and message.string:
            assert set(re.findall(r"%\(\w+\)s", message.id)) == set(re.findall(r"%\(\w+\)s", message.string)), message.id


def test_dates_are_shown_as_day_month_year_with_dots():
    assert i18n.format_day(date(2026, 11, 23)) == "23.11.2026"


def test_times_are_shown_in_copenhagen_time_across_dst():
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert i18n.format_time(summer) == "14.00"
    assert i18n.format_time(winter) == "13.00"


def test_late_evening_utc_is_the_next_day_in_copenhagen():
    assert i18n.format_day(datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)) == "24.11.2026"


def test_weekday_names_are_danish():
    assert i18n.format_weekday(date(2026, 11, 23)) == "mandag"


def test_weekday_names_are_babels_for_every_day_in_both_languages():
    from datetime import timedelta

    from babel.dates import format_date
    for lang in i18n.LANGUAGES:
        for offset in range(7):
            day = date(2026, 11, 23) + timedelta(days=offset)
            assert i18n.format_weekday(day, lang) == format_date(day, "EEEE", locale=lang)
