"""Outcome measures on hand-built data: AUDIT-C scoring, which points are due (start, discharge, the
follow-ups unless declined), the diary's 28-day total kept with a measure, and the leadership's figures
(citizens, answers, median feedback time, change from start with the small-cell rule)."""

from datetime import timedelta

import pytest

from app.core.clock import local_date
from app.online import flows, outcomes, service
from app.online.models import OutcomeMeasure
from app.plans import service as plans
from tests.factories import make_staff
from tests.factories.online import first_exercise, make_online_case


def test_audit_c_is_the_sum_of_three_answers_or_nothing():
    assert outcomes.parse_audit_c(["4", "4", "4"]) == 12
    assert outcomes.parse_audit_c(["0", "1", "2"]) == 3
    assert outcomes.parse_audit_c(["", " ", ""]) is None
    for bad in (["1", "", "2"], ["5", "0", "0"], ["-1", "0", "0"], ["²", "0", "0"], ["a", "b", "c"]):
        with pytest.raises(service.OnlineError):
            outcomes.parse_audit_c(bad)
    assert [i.text for i in outcomes.AUDIT_C][0] == "Hvor tit drikker du alkohol?"


def test_the_points_come_due_with_the_course_the_discharge_and_the_follow_ups(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    today = local_date(clock.now())
    assert outcomes.due_points(db, case.id, today) == ["start"]
    plans.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=False,
                         staff=make_staff(db, now=clock.now()), now=clock.now())
    assert outcomes.due_points(db, case.id, today) == ["start", "discharge"]
    assert outcomes.due_points(db, case.id, today + timedelta(days=40)) == ["start", "discharge", "month1"]
    assert outcomes.due_points(db, case.id, today + timedelta(days=200)) == ["start", "discharge", "month1", "month6"]


def test_no_follow_up_measures_for_a_citizen_who_declined_the_follow_up(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    plans.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=True,
                         staff=make_staff(db, now=clock.now()), now=clock.now())
    assert outcomes.due_points(db, case.id, local_date(clock.now()) + timedelta(days=200)) == ["start", "discharge"]


def test_a_measure_keeps_the_diarys_last_four_weeks_and_is_replaced_when_taken_again(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    today = local_date(clock.now())
    for back in (0, 5, 27, 28):  # the 28th day back falls outside the 28 days up to today
        service.save_diary_day(db, case_id=case.id, day=today - timedelta(days=back), counts={"beer33": "2"},
                               other_units="", substances=[], note="", now=clock.now())
    measure = outcomes.record_measure(db, case_id=case.id, point="start", answers=["3", "2", "1"], today=today,
                                      now=clock.now())
    assert measure.audit_c == 6 and measure.diary_units_tenths == 60  # 3 days × 2 beers ≈ 6 genstande
    again = outcomes.record_measure(db, case_id=case.id, point="start", answers=["", "", ""], today=today,
                                    now=clock.now())
    assert again.id == measure.id and again.audit_c is None and again.diary_units_tenths == 60
    assert outcomes.next_for_citizen(db, case.id, today) is None


def test_a_measure_needs_answers_or_a_diary_and_a_point_that_is_due(db, clock):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    today = local_date(clock.now())
    with pytest.raises(service.OnlineError):
        outcomes.record_measure(db, case_id=case.id, point="start", answers=["", "", ""], today=today, now=clock.now())
    with pytest.raises(service.OnlineError):
        outcomes.record_measure(db, case_id=case.id, point="month6", answers=["1", "1", "1"], today=today,
                                now=clock.now())
    with pytest.raises(service.OnlineError):
        outcomes.record_measure(db, case_id=case.id, point="junk", answers=["1", "1", "1"], today=today,
                                now=clock.now())


def _measured(db, clock, start, end):
    case, _code, _assignment, _version = make_online_case(db, now=clock.now())
    db.add(OutcomeMeasure(case_id=case.id, point="start", audit_c=start[0], diary_units_tenths=start[1],
                          recorded_at=clock.now()))
    db.add(OutcomeMeasure(case_id=case.id, point="discharge", audit_c=end[0], diary_units_tenths=end[1],
                          recorded_at=clock.now()))
    db.flush()
    return case


def test_the_figures_on_hand_built_data(db, clock):
    staff = make_staff(db, now=clock.now())
    # Five citizens measured at start and discharge: AUDIT-C 8,9,10,6,7 → 4,9,5,7,2; diary for three only.
    data = [((8, 400), (4, 100)), ((9, None), (9, None)), ((10, 300), (5, 350)), ((6, None), (7, None)),
            ((7, 200), (2, 0))]
    cases = [_measured(db, clock, s, e) for s, e in data]
    # Feedback after 2, 4 and 30 hours: the median is 4.
    for case, hours in zip(cases[:3], (2, 4, 30)):
        version = service.assignments_of_case(db, case.id)[0][1]
        answer = service.save_answer(db, case_id=case.id, exercise_id=first_exercise(db, version).id, body="x",
                                     submit=True, now=clock.now())
        flows.give_feedback(db, case_id=case.id, answer_id=answer.id, staff=staff, body="Tak",
                            now=clock.now() + timedelta(hours=hours))
    version = service.assignments_of_case(db, cases[3].id)[0][1]
    service.save_answer(db, case_id=cases[3].id, exercise_id=first_exercise(db, version).id, body="y", submit=True,
                        now=clock.now())  # sent, no feedback yet
    stats = outcomes.online_stats(db)
    assert stats.citizens == 5 and stats.self_started == 0
    assert stats.answers_sent == 4 and stats.answers_with_feedback == 3
    assert stats.median_feedback_hours == 4.0
    by = {(c.point, c.measure): c for c in stats.changes}
    audit = by[("discharge", "audit_c")]
    assert (audit.pairs, audit.start_mean, audit.later_mean, audit.improved) == (5, 8.0, 5.4, 3)
    diary = by[("discharge", "diary")]
    assert diary.pairs == 3 and diary.start_mean is None and diary.improved is None  # under 5: hidden
    assert by[("month6", "audit_c")].pairs == 0
