"""Staff password sign-in: the attempt is counted before the slow argon2 check, no transaction (on
SQLite: no write lock) is held during it, and what changed meanwhile is honoured."""

from __future__ import annotations

from functools import partial

import pytest
from anyio.from_thread import start_blocking_portal
from sqlmodel import Session, select

from app.core import security, throttle
from app.core.models import Throttle
from app.core.security import hash_secret
from app.staff import service
from app.staff.models import StaffUser
from tests.factories import PASSWORD, make_staff

POLICY = throttle.Policy(free=5, base_seconds=1.0, max_seconds=900.0)


def _sign_in(session, username: str, password: str, now):
    # An event loop of its own in a thread, as a web worker has.
    with start_blocking_portal() as portal:
        return portal.call(partial(service.authenticate_staff, session, username=username, password=password,
                                   client_key="office", now=now, policy=POLICY))


def _during_the_check(monkeypatch, what):
    """Run `what()` while argon2 would be verifying, then verify for real."""
    real = service.verify_secret_async

    async def verify(stored_hash, secret):
        what()
        return await real(stored_hash, secret)

    monkeypatch.setattr(service, "verify_secret_async", verify)


def test_no_transaction_is_open_while_the_password_is_checked_and_the_attempt_already_counts(
        app, db, clock, monkeypatch):
    user = make_staff(db, now=clock.now())
    db.commit()
    seen = {}
    with Session(app.state.engine, expire_on_commit=False) as request_db:  # the route's kind of session
        def look():
            seen["open"] = request_db.in_transaction()
            db.rollback()  # a fresh snapshot: only what was committed
            seen["counted"] = db.exec(select(Throttle.key)).all()
            if app.state.engine.dialect.name == "sqlite":
                # Another request's write goes through at once: nobody holds the write lock.
                with Session(app.state.engine) as other:
                    other.exec(select(Throttle)).all()
                    other.add(Throttle(key="someone-else", failures=0, updated_at=clock.now()))
                    other.commit()

        _during_the_check(monkeypatch, look)
        assert _sign_in(request_db, user.username, PASSWORD, clock.now()).id == user.id
        request_db.commit()
    assert seen["open"] is False
    assert sorted(seen["counted"]) == ["staff-client:office", "staff-user:" + user.username]


@pytest.mark.parametrize("change", ["deactivated", "new_password"])
def test_a_change_made_during_the_check_wins(app, db, clock, monkeypatch, change):
    user = make_staff(db, now=clock.now())
    db.commit()

    def meanwhile():
        with Session(app.state.engine) as other:
            row = other.get(StaffUser, user.id)
            if change == "deactivated":
                row.active = False
            else:
                row.password_hash = hash_secret("en helt anden adgangskode")
            other.add(row)
            other.commit()

    _during_the_check(monkeypatch, meanwhile)
    with Session(app.state.engine) as request_db, pytest.raises(service.SignInRejected):
        _sign_in(request_db, user.username, PASSWORD, clock.now())


def test_an_unknown_user_costs_one_verification_like_a_known_one(app, db, clock, monkeypatch):
    user = make_staff(db, now=clock.now())
    db.commit()
    spent = []
    real = security.verify_secret
    monkeypatch.setattr(security, "verify_secret", lambda h, s: spent.append(h is None) or real(h, s))
    with Session(app.state.engine) as request_db:
        for username in (user.username, "findes-ikke"):
            with pytest.raises(service.SignInRejected):
                _sign_in(request_db, username, "forkert adgangskode", clock.now())
    assert spent == [False, True]


def test_a_throttled_attempt_spends_no_argon2(app, db, clock, monkeypatch):
    user = make_staff(db, now=clock.now())
    db.commit()
    spent = []
    real = security.verify_secret
    monkeypatch.setattr(security, "verify_secret", lambda h, s: spent.append(1) or real(h, s))
    waits = []
    with Session(app.state.engine) as request_db:
        for _ in range(POLICY.free + 2):  # a few more than the free attempts: the lock must have come
            with pytest.raises(service.SignInRejected) as rejected:
                _sign_in(request_db, user.username, "forkert adgangskode", clock.now())
            waits.append(rejected.value.wait_seconds)
        with pytest.raises(service.SignInRejected) as rejected:  # even with the right password, for now
            _sign_in(request_db, user.username, PASSWORD, clock.now())
    assert rejected.value.wait_seconds > 0
    assert len(spent) == waits.count(0) < len(waits)  # argon2 only for the attempts that were let through
