"""Online treatment's entries count as entries on the case for the 5-year journal period: a diary day or an
answer written later keeps a closed case; when the period has run out, the case goes with all of it."""

from datetime import timedelta

from sqlmodel import select

from app.online import service
from app.online.models import DiaryDay, ExerciseAnswer
from app.requests.models import RequestStatus, TreatmentRequest
from app.retention.closed_cases import expired_closed_cases, years_before
from app.retention.service import PurgeContext, run_purge
from tests.factories.online import first_exercise, make_online_case

DAY = timedelta(days=1)


def _ctx(app, now):
    return PurgeContext(now=now, centre=app.state.centre, settings=app.state.settings,
                        holds=app.state.house.retention_holds)


def test_a_later_diary_day_or_answer_keeps_a_closed_case_and_the_purge_takes_them_with_it(db, clock, app):
    now = clock.now()
    old = years_before(now, 5) - DAY
    case, _code, _assignment, version = make_online_case(db, now=old)
    db.add(TreatmentRequest(case_id=case.id, area="alcohol", status=RequestStatus.closed.value, received_at=old,
                            updated_at=old))
    db.commit()
    assert case.id in expired_closed_cases(db, _ctx(app, now))
    service.save_diary_day(db, case_id=case.id, day=(now - timedelta(days=400)).date(), counts={"beer33": "1"},
                           other_units="", substances=[], note="", now=years_before(now, 4))
    db.commit()
    assert case.id not in expired_closed_cases(db, _ctx(app, now))
    later = years_before(now, -1) + DAY  # four years on from the diary day… plus one more
    service.save_answer(db, case_id=case.id, exercise_id=first_exercise(db, version).id, body="x", submit=False,
                        now=years_before(now, 3))
    db.commit()
    assert case.id not in expired_closed_cases(db, _ctx(app, later))
    final = years_before(now, -2) + DAY  # five years after the answer
    assert case.id in expired_closed_cases(db, _ctx(app, final))
    run_purge(db, _ctx(app, final), app.state.house.purge_rules)
    db.commit()
    assert db.exec(select(DiaryDay)).all() == [] and db.exec(select(ExerciseAnswer)).all() == []
