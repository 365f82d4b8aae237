from datetime import timedelta

from sqlmodel import Session

from app.core import throttle
from app.core.clock import FixedClock
from tests.conftest import START

POLICY = throttle.Policy(free=3, base_seconds=2, max_seconds=60)


def test_delay_grows_after_free_attempts_and_is_capped():
    assert [POLICY.delay(n) for n in range(1, 10)] == [0, 0, 0, 2, 4, 8, 16, 32, 60]


def test_locked_key_refuses_attempts_until_window_passes(app):
    clock = FixedClock(START)
    with Session(app.state.engine) as db:
        for _ in range(4):
            assert throttle.reserve_attempt(db, ["k"], now=clock.now(), policy=POLICY) == 0
        assert throttle.reserve_attempt(db, ["k"], now=clock.now(), policy=POLICY) == 2
        clock.advance(seconds=2)
        assert throttle.reserve_attempt(db, ["k"], now=clock.now(), policy=POLICY) == 0
        db.commit()


def test_counters_are_shared_through_the_database(app):
    """Two sessions stand for two workers: the second sees the first one's failures."""
    with Session(app.state.engine) as first:
        for _ in range(4):
            throttle.reserve_attempt(first, ["shared"], now=START, policy=POLICY)
        first.commit()
    with Session(app.state.engine) as second:
        assert throttle.reserve_attempt(second, ["shared"], now=START, policy=POLICY) > 0


def test_counter_starts_over_after_a_quiet_day(app):
    with Session(app.state.engine) as db:
        for _ in range(4):
            throttle.reserve_attempt(db, ["old"], now=START, policy=POLICY)
        later = START + throttle.DECAY + timedelta(minutes=1)
        assert throttle.reserve_attempt(db, ["old"], now=later, policy=POLICY) == 0
        assert throttle.reserve_attempt(db, ["old"], now=later, policy=POLICY) == 0


def test_clear_removes_the_lock(app):
    with Session(app.state.engine) as db:
        for _ in range(5):
            throttle.reserve_attempt(db, ["c"], now=START, policy=POLICY)
        throttle.clear(db, ["c"])
        assert throttle.reserve_attempt(db, ["c"], now=START, policy=POLICY) == 0


def test_successful_sign_ins_do_not_add_up_for_a_shared_office_address(app, db, clock):
    """Staff behind one address sign in many times a day: only failures may slow them down."""
    from tests.factories import PASSWORD, make_staff
    from app.staff import service
    users = [make_staff(db, username=f"user{i}", first_name=f"U{i}") for i in range(12)]
    for user in users:
        service.authenticate_staff(db, username=user.username, password=PASSWORD, client_key="office",
                                   now=clock.now(), policy=POLICY)
    assert throttle.seconds_locked(db, ["staff-client:office"], now=clock.now()) == 0


def test_simultaneous_correct_sign_ins_from_one_office_are_all_let_in(app, db, clock):
    """The attempt is counted and refunded in one transaction: sign-ins in flight at the same moment
    never see each other's count (a two-phase version locked an office out at six at once)."""
    from concurrent.futures import ThreadPoolExecutor
    from tests.factories import PASSWORD, make_staff
    from app.staff import service
    users = [make_staff(db, username=f"samtidig{i}", first_name=f"S{i}") for i in range(POLICY.free + 5)]
    db.commit()

    def sign_in(user):
        with Session(app.state.engine) as own:  # each request its own session, as the route has
            try:
                service.authenticate_staff(own, username=user.username, password=PASSWORD, client_key="office",
                                           now=clock.now(), policy=POLICY)
            except service.SignInRejected:
                own.commit()
                return False
            own.commit()
            return True

    with ThreadPoolExecutor(len(users)) as pool:
        results = list(pool.map(sign_in, users))
    assert results == [True] * len(users)
    db.rollback()
    assert throttle.seconds_locked(db, ["staff-client:office"], now=clock.now()) == 0
