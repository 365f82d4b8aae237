"""Courses ended, completion against the targets, plans overdue for revision and follow-ups, on the
hand-built data in tests/factories/stats.build_courses, with the answers worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.stats import courses
from app.stats.service import Period
from tests.factories.stats import TODAY, build_courses

PERIOD = Period(date(2026, 1, 1), TODAY)


@pytest.fixture
def data(db):
    build_courses(db)
    db.commit()


def test_completion_rate_per_area_and_age_against_the_targets(db, data):
    rows = {(c.area, c.age): c for c in courses.completion(db, period=PERIOD)}
    alcohol, drugs, total = rows[("alcohol", "all")], rows[("drugs", "all")], rows[("all", "all")]
    assert (alcohol.ended, alcohol.completed, alcohol.target) == (6, 4, 55)  # 66,7 %: target met
    assert (drugs.ended, drugs.completed, drugs.target) == (5, 1, 40)  # 20 %: target missed
    assert (total.ended, total.completed, total.target) == (11, 5, None)  # the 2025 course is outside
    assert (rows[("alcohol", "under30")].ended, rows[("alcohol", "unknown")].ended) == (2, 4)


def test_courses_ended_by_reason(db, data):
    reasons = courses.ended_by_reason(db, period=PERIOD)
    assert reasons == {("completed", "alcohol"): 4, ("own_wish", "alcohol"): 1, ("no_show", "alcohol"): 1,
                       ("completed", "drugs"): 1, ("referred", "drugs"): 2, ("own_wish", "drugs"): 2,
                       ("completed", "all"): 5, ("own_wish", "all"): 3, ("no_show", "all"): 1, ("referred", "all"): 2}


def test_plans_overdue_for_revision_count_only_cases_still_in_treatment(db, data):
    rows = {r.area: r for r in courses.overdue_revisions(db, today=TODAY)}
    assert (rows["alcohol"].active, rows["alcohol"].overdue, rows["alcohol"].overdue_30) == (3, 2, 1)
    assert (rows["drugs"].active, rows["drugs"].overdue, rows["drugs"].overdue_30) == (2, 1, 0)
    assert (rows["all"].active, rows["all"].overdue) == (5, 3)


def test_follow_ups_due_in_the_period_done_declined_and_missing(db, data):
    one, six = courses.follow_ups(db, period=PERIOD, today=TODAY)
    assert (one.months, one.due, one.done, one.declined, one.missing) == (1, 6, 3, 1, 2)
    assert (six.months, six.due, six.done, six.declined, six.missing) == (6, 2, 1, 0, 1)  # 01.12 not yet due
