"""Signing in with the personal code under guessing: throttled and unknown-selector guesses cost no
argon2 work, a burst cannot slip past the limit, and nobody can lock the owner of a code out."""

from __future__ import annotations

import threading
from functools import partial

import pytest
from anyio.from_thread import start_blocking_portal
from sqlmodel import Session, select

from app.cases import service as cases
from app.core import security, throttle
from app.core.codes import PersonalCode, _check_char, generate_code
from app.core.models import Throttle
from tests.factories import make_case

POLICY = throttle.Policy(free=5, base_seconds=1.0, max_seconds=900.0)


def _typed(code: PersonalCode) -> str:
    body = code.selector + code.verifier
    return body + _check_char(body)


def _wrong_for(selector: str | None = None) -> str:
    guess = generate_code()
    return _typed(PersonalCode(selector or guess.selector, guess.verifier, ""))


def _sign_in(db, typed: str, client: str, now, policy=POLICY):
    # An event loop of its own in a thread, as a web worker has (the browser tests keep one running here).
    with start_blocking_portal() as portal:
        return portal.call(partial(cases.authenticate_code, db, typed, client_key=client, now=now, policy=policy))


def _outcome(db, typed, client, now, policy=POLICY) -> str:
    try:
        _sign_in(db, typed, client, now, policy)
    except cases.CodeRejected as rejected:
        return rejected.reason
    return "ok"


@pytest.fixture
def verifications(monkeypatch) -> list[int]:
    """Every argon2 verification a sign-in attempt spends."""
    spent: list[int] = []
    real = security.verify_secret
    monkeypatch.setattr(security, "verify_secret", lambda h, s: spent.append(1) or real(h, s))
    return spent


def test_1000_wrong_guesses_get_nowhere_and_the_right_code_works_after_the_window(db, clock, verifications):
    case, code = make_case(db, now=clock.now())
    outcomes = {"wrong": 0, "throttled": 0}
    for i in range(1000):
        # Half the guesses aim at the victim's selector, half are random codes.
        guess = _wrong_for(code.selector if i % 2 == 0 else None)
        outcomes[_outcome(db, guess, "attacker", clock.now())] += 1
        clock.advance(seconds=1)
    assert outcomes["wrong"] + outcomes["throttled"] == 1000
    assert outcomes["throttled"] > 950  # almost every guess was turned away before any argon2 work
    assert len(verifications) == outcomes["wrong"] < 50
    clock.advance(seconds=900)
    assert _sign_in(db, code.display, "attacker", clock.now()).id == case.id


def test_guess_at_an_unknown_selector_costs_one_argon2_verification_like_a_known_one(db, clock, verifications):
    _, code = make_case(db, now=clock.now())
    assert _outcome(db, _wrong_for(), "someone", clock.now()) == "wrong"
    assert verifications == [1]
    assert _outcome(db, _wrong_for(code.selector), "someone-else", clock.now()) == "wrong"
    assert verifications == [1, 1]


def test_throttled_guess_spends_no_argon2_and_writes_nothing(db, clock, verifications):
    _, code = make_case(db, now=clock.now())
    for _ in range(POLICY.free + 1):
        assert _outcome(db, _wrong_for(code.selector), "attacker", clock.now()) == "wrong"
    spent = len(verifications)
    db.rollback()
    before = {(t.key, t.failures, t.locked_until) for t in db.exec(select(Throttle))}
    assert _outcome(db, _wrong_for(code.selector), "attacker", clock.now()) == "throttled"
    db.rollback()
    assert {(t.key, t.failures, t.locked_until) for t in db.exec(select(Throttle))} == before
    assert len(verifications) == spent


def test_guessers_cannot_lock_the_owner_out_of_their_code(db, clock):
    case, code = make_case(db, now=clock.now())
    # Many addresses guess at the owner's selector until it is locked for as long as the policy allows.
    for i in range(40):
        _outcome(db, _wrong_for(code.selector), f"bot{i}", clock.now())
    db.rollback()
    locked = db.exec(select(Throttle).where(Throttle.key == f"code-sel:{code.selector}")).one()
    assert locked.locked_until > clock.now()
    # A guesser with a failure of its own is refused at the locked selector, though its address is not
    # locked ...
    assert _outcome(db, _wrong_for(), "guesser", clock.now()) == "wrong"
    assert _outcome(db, _wrong_for(code.selector), "guesser", clock.now()) == "throttled"
    # ... but the owner, from an address with no failures of its own, gets straight in.
    assert _sign_in(db, code.display, "owner-phone", clock.now()).id == case.id


def test_a_burst_of_parallel_guesses_from_one_address_gets_no_more_than_the_free_attempts_and_one(app, clock):
    with Session(app.state.engine) as setup:
        make_case(setup, now=clock.now())
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def guess():
        with Session(app.state.engine, expire_on_commit=False) as db:
            start.wait()
            try:
                cases.begin_code_attempt(db, _wrong_for(), client_key="burst", now=clock.now(), policy=POLICY)
                outcomes.append("counted")
            except cases.CodeRejected as rejected:
                outcomes.append(rejected.reason)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("counted") == POLICY.free + 1
    assert outcomes.count("throttled") == 20 - POLICY.free - 1


def test_code_reissued_during_the_check_does_not_sign_in(db, clock):
    case, old = make_case(db, now=clock.now())
    attempt = cases.begin_code_attempt(db, old.display, client_key="me", now=clock.now(), policy=POLICY)
    cases.reissue_code(db, case, now=clock.now())
    db.commit()
    with pytest.raises(cases.CodeRejected):
        cases.finish_code_attempt(db, attempt)
