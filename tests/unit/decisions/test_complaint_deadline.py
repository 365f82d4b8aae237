"""retssikkerhedsloven § 67: 4 weeks from notification, ending on the same weekday (or the next working
day, see tests/unit/core/test_deadlines.py), in Copenhagen calendar days; no deadline while no complaint
guide was given."""

from datetime import date, datetime, timezone

import pytest

from app.core.clock import FixedClock, local_datetime
from app.decisions import service
from app.decisions.models import Decision
from tests.factories.decisions import CENTRE


def _decision(notified_at, *, guide="Klagevejledning ...", basis="SEL § 101"):
    return Decision(case_id=1, treatment_type="outpatient", legal_basis=basis, rules_applied="r",
                    considerations="c", key_facts="k", complaint_guide=guide, decided_at=notified_at,
                    notified_at=notified_at)


@pytest.mark.parametrize("notified_local, last_day", [
    ((2026, 11, 23, 10), date(2026, 12, 21)),   # Monday -> Monday four weeks on
    ((2026, 12, 10, 9), date(2027, 1, 7)),      # across the year end
    ((2026, 1, 30, 14), date(2026, 2, 27)),     # across a month end (February)
    ((2028, 2, 1, 14), date(2028, 2, 29)),      # leap year
    ((2026, 3, 13, 15), date(2026, 4, 10)),     # DST starts 29.03 inside the period
    ((2026, 10, 2, 15), date(2026, 10, 30)),    # DST ends 25.10 inside the period
    ((2026, 3, 30, 1), date(2026, 4, 27)),      # the day after the clocks went forward
])
def test_deadline_is_the_same_weekday_four_weeks_after_notification(notified_local, last_day):
    y, m, d, h = notified_local
    notified = local_datetime(date(y, m, d), h)
    deadline = service.complaint_deadline(_decision(notified))
    assert deadline == last_day
    assert deadline.weekday() == date(y, m, d).weekday()


def test_deadline_counts_copenhagen_days_not_utc_days():
    # 23.30 UTC on 1 October is already 2 October in Copenhagen.
    notified = datetime(2026, 10, 1, 23, 30, tzinfo=timezone.utc)
    assert service.complaint_deadline(_decision(notified)) == date(2026, 10, 30)


def test_complaint_on_the_last_day_is_on_time_and_a_minute_after_midnight_is_late_across_dst():
    notified = local_datetime(date(2026, 3, 27), 11)  # Friday before DST starts
    decision = _decision(notified)
    clock = FixedClock(local_datetime(date(2026, 4, 24), 23, 59))  # Friday four weeks later, 23.59
    assert not service.is_late(decision, clock.now())
    clock.advance(minutes=2)  # 00.01 on Saturday in Copenhagen, still 24.04 in UTC
    assert clock.now().date() == date(2026, 4, 24)
    assert service.is_late(decision, clock.now())


def test_no_complaint_guide_means_no_deadline_and_never_late():
    notified = local_datetime(date(2026, 1, 5), 10)
    decision = _decision(notified, guide="")
    assert service.complaint_deadline(decision) is None
    assert not service.is_late(decision, local_datetime(date(2027, 6, 1), 10))


def test_a_blank_guide_counts_as_no_guide():
    assert service.complaint_deadline(_decision(local_datetime(date(2026, 1, 5), 10), guide="  \n")) is None


def test_sel_101a_decisions_have_no_appeal_deadline():
    decision = _decision(local_datetime(date(2026, 1, 5), 10), basis="SEL § 101 a")
    assert service.complaint_deadline(decision) is None
    assert not service.is_late(decision, local_datetime(date(2027, 1, 5), 10))


def test_guide_names_where_how_and_by_when():
    notified = local_datetime(date(2026, 11, 23), 10)
    guide = service.build_complaint_guide(CENTRE, legal_basis="SEL § 101", notified_at=notified)
    assert CENTRE.name in guide and CENTRE.address in guide and CENTRE.phone in guide  # where
    assert "Min side" in guide and "ringe" in guide and "begrunde" in guide  # how, no reasons needed
    assert "21.12.2026" in guide  # by when
    assert "Ankestyrelsen" in guide


def test_guide_for_sel_101a_says_it_cannot_be_appealed_and_offers_no_ankestyrelsen():
    guide = service.build_complaint_guide(CENTRE, legal_basis="SEL § 101 a",
                                          notified_at=local_datetime(date(2026, 11, 23), 10))
    assert "kan ikke indbringes for anden administrativ myndighed" in guide
    assert "Du kan ikke klage til Ankestyrelsen" in guide
    assert "sender vi din klage" not in guide


def test_guide_for_medical_treatment_points_to_styrelsen_for_patientklager():
    guide = service.build_complaint_guide(CENTRE, legal_basis="SUL § 142",
                                          notified_at=local_datetime(date(2026, 11, 23), 10))
    assert "Styrelsen for Patientklager" in guide and service.PATIENTKLAGER_URL in guide
    assert "Ankestyrelsen" not in guide


def test_sunday_notification_runs_to_monday_and_the_guide_says_so():
    notified = local_datetime(date(2026, 12, 6), 14)  # Sunday: 4 weeks on is Sunday 03.01.2027
    assert service.complaint_deadline(_decision(notified)) == date(2027, 1, 4)
    guide = service.build_complaint_guide(CENTRE, legal_basis="SEL § 101", notified_at=notified)
    assert "04.01.2027" in guide and "03.01.2027" not in guide
    # in the hour before the clocks go forward (always a Sunday): still Copenhagen's Sunday, so Monday
    assert service.complaint_deadline(_decision(local_datetime(date(2026, 3, 29), 1))) == date(2026, 4, 27)


def test_a_decision_sent_by_post_starts_its_period_when_the_letter_counts_as_received():
    sent = local_datetime(date(2026, 12, 2), 10)  # Wednesday: received 7 days later, 09.12
    decision = _decision(sent)
    decision.delivered_by = "physical_post"
    assert service.complaint_deadline(decision) == date(2027, 1, 6)
