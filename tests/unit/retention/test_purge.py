"""Retention: `python -m app purge` removes exactly what the rules say, is idempotent, prints counts only."""

import io
from datetime import timedelta

from sqlmodel import select

from app.appointments.models import Appointment
from app.audit.service import record_access
from app.cases.models import CitizenCase
from app.core import sessions, throttle
from app.core.clock import FixedClock
from app.core.config import load_centre
from app.core.domain import Domain, Named
from app.core.models import Throttle, WebSession
from app.house import house
from app.retention import service as retention
from app.retention.cli import purge
from tests.factories import make_case, make_staff


def _ctx(settings, now):
    return retention.PurgeContext(now=now, centre=load_centre(settings.centre_file), settings=settings,
                                  holds=house().retention_holds)


def _case_ids(db):
    db.rollback()
    return set(db.exec(select(CitizenCase.id)).all())


def test_anonymous_case_never_visited_is_deleted_after_the_centres_limit(db, clock, settings):
    days = load_centre(settings.centre_file).anonymous_unvisited_days
    old, _ = make_case(db, now=clock.now() - timedelta(days=days, minutes=1))
    young, _ = make_case(db, now=clock.now() - timedelta(days=days - 1))
    counts = retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)
    db.commit()
    assert counts["anonymous_unvisited_cases"] == 1
    assert _case_ids(db) == {young.id}


def test_a_visited_identified_or_booked_case_is_kept(db, clock, settings):
    long_ago = clock.now() - timedelta(days=400)
    visited, _ = make_case(db, now=long_ago)
    identified, _ = make_case(db, now=long_ago, anonymous=False, full_name="Kim Jensen")
    booked, _ = make_case(db, now=long_ago)
    record_access(db, staff=make_staff(db), case_id=visited.id, action="view_case", now=long_ago)
    db.add(Appointment(case_id=booked.id, starts_at=clock.now() + timedelta(days=3), created_at=long_ago))
    db.commit()
    assert retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)["anonymous_unvisited_cases"] == 0
    db.commit()
    assert _case_ids(db) == {visited.id, identified.id, booked.id}


def test_a_retention_hold_keeps_a_case_longer(db, clock, settings):
    held, _ = make_case(db, now=clock.now() - timedelta(days=100))
    free, _ = make_case(db, now=clock.now() - timedelta(days=100))
    ctx = retention.PurgeContext(now=clock.now(), centre=load_centre(settings.centre_file), settings=settings,
                                 holds=(Named("test-hold", lambda db_, now: {held.id}),))
    assert retention.run_purge(db, ctx, house().purge_rules)["anonymous_unvisited_cases"] == 1
    db.commit()
    assert _case_ids(db) == {held.id}
    assert free.id not in _case_ids(db)


def test_deleting_a_case_takes_its_sessions_and_appointments_with_it(db, clock, settings):
    old, _ = make_case(db, now=clock.now() - timedelta(days=60))
    db.add(Appointment(case_id=old.id, starts_at=clock.now() - timedelta(days=50), created_at=old.created_at))
    sessions.start_session(db, kind=sessions.CITIZEN, case_id=old.id, now=clock.now())
    db.commit()
    retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)
    db.commit()
    db.rollback()
    assert db.exec(select(Appointment)).all() == []
    assert db.exec(select(WebSession).where(WebSession.case_id == old.id)).all() == []


def test_ended_and_expired_sessions_are_removed_and_live_ones_kept(db, clock, settings):
    staff = make_staff(db)
    live = sessions.start_session(db, kind=sessions.STAFF, staff_id=staff.id, now=clock.now())
    ended = sessions.start_session(db, kind=sessions.STAFF, staff_id=staff.id, now=clock.now())
    sessions.end_session(db, ended, now=clock.now())
    sessions.start_session(db, kind=sessions.STAFF, staff_id=staff.id, now=clock.now() - timedelta(hours=2))
    db.commit()
    assert retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)["web_sessions"] == 2
    db.commit()
    from app.core.security import token_digest
    assert [s.id for s in db.exec(select(WebSession)).all()] == [token_digest(live)]


def test_decayed_throttle_rows_without_a_turn_ahead_are_removed(db, clock, settings):
    policy = throttle.Policy(free=1, base_seconds=3600 * 72, max_seconds=3600 * 72)
    old = clock.now() - timedelta(days=2)
    throttle.record_failure(db, "stale", now=old, policy=policy)
    throttle.record_failure(db, "locked", now=old, policy=policy)
    throttle.record_failure(db, "locked", now=old, policy=policy)  # next turn 72 h after `old`
    throttle.record_failure(db, "recent", now=clock.now(), policy=policy)
    db.commit()
    assert retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)["throttle"] == 1
    db.commit()
    assert sorted(db.exec(select(Throttle.key)).all()) == ["locked", "recent"]


def test_purge_is_idempotent(db, clock, settings):
    make_case(db, now=clock.now() - timedelta(days=90))
    first = retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)
    db.commit()
    second = retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)
    assert sum(first.values()) == 1 and sum(second.values()) == 0


def test_purge_command_prints_counts_only(db, clock, settings):
    case, code = make_case(db, now=clock.now() - timedelta(days=90), anonymous=True, display_name="Kim")
    out = io.StringIO()
    counts = purge(settings, FixedClock(clock.now()), out=out)
    text = out.getvalue()
    assert counts["anonymous_unvisited_cases"] == 1
    assert "anonymous_unvisited_cases: 1" in text and "i alt: 1" in text
    assert "Kim" not in text and case.pseudonym not in text and code.selector not in text
    assert all(line.split(": ")[1].isdigit() for line in text.strip().splitlines())


def test_purge_is_a_command_the_retention_domain_declares():
    import argparse

    from app.retention.cli import cmd_purge
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    for add_command in house().commands:
        add_command(sub)
    assert parser.parse_args(["purge"]).func is cmd_purge


def test_a_purge_rule_another_domain_declares_runs_after_the_house_rules(db, clock, settings):
    extended = house().with_domains(Domain("test", purge_rules=(Named("test-rule", lambda db_, ctx: 4),)))
    counts = retention.run_purge(db, _ctx(settings, clock.now()), extended.purge_rules)
    assert counts["test-rule"] == 4 and list(counts)[-1] == "test-rule"
    house_rules = ["web_sessions", "throttle", "anonymous_unvisited_cases", "closed_cases_past_retention"]
    assert [name for name in counts if name in house_rules] == house_rules


def test_connection_tags_are_forgotten_once_a_session_is_over_and_after_a_week_for_requests(db, clock, settings):
    from app.booking import service as booking
    from app.booking.models import CounsellingBooking
    from app.requests.models import TreatmentRequest
    from tests.factories.booking import make_session
    past = make_session(db, now=clock.now() - timedelta(days=3), commit=False)
    ahead = make_session(db, now=clock.now(), commit=False)
    for session in (past, ahead):
        db.add(CounsellingBooking(session_id=session.id, case_id=make_case(db, now=clock.now())[0].id, uid=f"u{session.id}",
                                  source_tag="t", created_at=clock.now(), changed_at=clock.now()))
    for days in (8, 1):
        case, _ = make_case(db, now=clock.now())
        db.add(TreatmentRequest(case_id=case.id, area="alcohol", received_at=clock.now() - timedelta(days=days),
                                updated_at=clock.now(), source_tag="r"))
    db.commit()
    counts = retention.run_purge(db, _ctx(settings, clock.now()), house().purge_rules)
    assert counts["booking_source_tags"] == 1 and counts["request_source_tags"] == 1
    db.commit()
    assert sorted(str(t) for t in db.exec(select(CounsellingBooking.source_tag))) == ["None", "t"]
    assert booking.sources_with_several(db, ahead.id) == {}
