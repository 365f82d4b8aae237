from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.core import throttle
from tests.conftest import START

POLICY = throttle.Policy(free=3, base_seconds=2, max_seconds=60, max_queue_seconds=10)
STEADY = throttle.Policy(free=3, base_seconds=2, max_seconds=2, growing=False, max_queue_seconds=10)


def _fail(db, key, n, now, policy=POLICY):
    for _ in range(n):
        throttle.record_failure(db, key, now=now, policy=policy)


def _state(db, key, now):
    return throttle.read_states(db, [key], now=now)[key]


def test_interval_grows_after_the_free_failures_and_is_capped():
    assert [POLICY.interval(n) for n in range(1, 10)] == [0, 0, 0, 2, 4, 8, 16, 32, 60]


def test_a_steady_policy_paces_at_one_interval_however_many_failures():
    assert [STEADY.interval(n) for n in (3, 4, 50, 10_000)] == [0, 2, 2, 2]


def test_only_recorded_failures_count_and_nothing_is_written_by_reading(app):
    with Session(app.state.engine) as db:
        assert _state(db, "k", START) == throttle.KeyState(0, 0.0)
        _fail(db, "k", 2, START)
        assert _state(db, "k", START).failures == 2
        assert not throttle.is_paced(_state(db, "k", START), POLICY)


def test_a_paced_key_gives_each_attempt_its_own_turn_one_interval_apart(app):
    with Session(app.state.engine) as db:
        _fail(db, "k", 4, START)  # paced: the fourth failure's next turn is 2 s away
        state = _state(db, "k", START)
        assert throttle.is_paced(state, POLICY) and state.queued == 2
        waits = [throttle.claim_turn(db, "k", failures=4, now=START, policy=POLICY) for _ in range(5)]
        assert waits == [2, 4, 6, 8, 10]


def test_a_full_queue_refuses_with_the_real_wait_and_books_nothing(app):
    with Session(app.state.engine) as db:
        _fail(db, "k", 4, START)
        for _ in range(5):
            throttle.claim_turn(db, "k", failures=4, now=START, policy=POLICY)  # booked up to 12 s ahead
        with pytest.raises(throttle.QueueFull) as full:
            throttle.claim_turn(db, "k", failures=4, now=START, policy=POLICY)
        assert full.value.wait_seconds == 2  # until the queue is back inside its 10 s
        assert _state(db, "k", START).queued == 12
        later = START + timedelta(seconds=2)
        assert throttle.claim_turn(db, "k", failures=4, now=later, policy=POLICY) == 10


def test_a_turn_after_a_quiet_spell_starts_now_not_in_the_past(app):
    with Session(app.state.engine) as db:
        _fail(db, "k", 4, START, STEADY)
        later = START + timedelta(minutes=5)
        assert throttle.claim_turn(db, "k", failures=4, now=later, policy=STEADY) == 0
        assert throttle.claim_turn(db, "k", failures=4, now=later, policy=STEADY) == 2


def test_parallel_claims_each_get_a_different_turn(app):
    """Sessions in threads stand for workers: the compare-and-set UPDATE lets none skip the queue."""
    with Session(app.state.engine) as db:
        _fail(db, "k", 4, START, STEADY)
        db.commit()

    def claim(_):
        with Session(app.state.engine) as own:
            try:
                return throttle.claim_turn(own, "k", failures=4, now=START, policy=STEADY)
            finally:
                own.commit()

    with ThreadPoolExecutor(5) as pool:
        waits = sorted(pool.map(claim, range(5)))
    assert waits == [2, 4, 6, 8, 10]


def test_take_free_turn_refuses_while_the_next_turn_is_ahead(app):
    with Session(app.state.engine) as db:
        _fail(db, "k", 4, START)
        with pytest.raises(throttle.QueueFull) as full:
            throttle.take_free_turn(db, "k", now=START, policy=POLICY)
        assert full.value.wait_seconds == 2
        throttle.take_free_turn(db, "k", now=START + timedelta(seconds=2), policy=POLICY)


def test_counters_are_shared_through_the_database(app):
    """Two sessions stand for two workers: the second sees the first one's failures."""
    with Session(app.state.engine) as first:
        _fail(first, "shared", 4, START)
        first.commit()
    with Session(app.state.engine) as second:
        assert throttle.is_paced(_state(second, "shared", START), POLICY)


def test_counter_starts_over_after_a_quiet_day(app):
    with Session(app.state.engine) as db:
        _fail(db, "old", 4, START)
        later = START + throttle.DECAY + timedelta(minutes=1)
        assert _state(db, "old", later).failures == 0
        assert throttle.record_failure(db, "old", now=later, policy=POLICY) == 1


def test_clear_removes_the_counter_and_the_turns(app):
    with Session(app.state.engine) as db:
        _fail(db, "c", 5, START)
        throttle.clear(db, ["c"])
        assert _state(db, "c", START) == throttle.KeyState(0, 0.0)


def test_a_long_typed_key_is_hashed_to_fit_and_counts_on_one_row(app):
    long_key = "staff-user:" + "å" * 200
    with Session(app.state.engine) as db:
        _fail(db, long_key, 4, START)
        assert _state(db, long_key, START).failures == 4


def test_guesses_per_hour_for_the_readme():
    assert STEADY.guesses_per_hour() == 1800
    assert POLICY.guesses_per_hour() == 60



def test_the_throttled_answer_says_the_real_wait_in_plain_words():
    from app.core.i18n import TOO_MANY_ATTEMPTS, translate_message, wait_message

    def said(seconds, lang="da"):
        return translate_message(lang, wait_message(TOO_MANY_ATTEMPTS, seconds))

    assert said(0.2) == "For mange forkerte forsøg. Vent 1 sekund, og prøv igen."
    assert said(9.1) == "For mange forkerte forsøg. Vent 10 sekunder, og prøv igen."
    assert said(60) == "For mange forkerte forsøg. Vent 1 minut, og prøv igen."
    assert said(61) == "For mange forkerte forsøg. Vent 2 minutter, og prøv igen."
    assert said(10, "en") == "Too many wrong attempts. Wait 10 seconds and try again."


def test_simultaneous_correct_staff_sign_ins_from_one_office_are_all_let_in_and_count_nothing(app, db, clock):
    """Nothing is counted before the password check, so sign-ins in flight together never see each
    other (the old count-then-refund design locked an office out at six at once)."""
    import threading
    from functools import partial

    from anyio.from_thread import start_blocking_portal

    from app.core.models import Throttle
    from app.staff import service
    from tests.factories import PASSWORD, make_staff
    users = [make_staff(db, username=f"samtidig{i}", first_name=f"S{i}") for i in range(POLICY.free + 5)]
    db.commit()
    results: list[bool] = []
    start = threading.Barrier(len(users))

    def sign_in(user):
        with Session(app.state.engine, expire_on_commit=False) as own, start_blocking_portal() as portal:
            start.wait()
            try:
                portal.call(partial(service.authenticate_staff, own, username=user.username, password=PASSWORD,
                                    client_key="office", now=clock.now(), policy=POLICY))
                results.append(True)
            except service.SignInRejected:
                results.append(False)
            own.commit()

    threads = [threading.Thread(target=sign_in, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * len(users)
    db.rollback()
    assert db.exec(select(Throttle)).all() == []
