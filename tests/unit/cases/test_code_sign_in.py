"""Signing in with the personal code under guessing: the correct code always gets in, whatever others
did from the same address or at the same code; only verified failures count; a paced address's
guesses at unknown codes cost no argon2 work and write nothing."""

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

POLICY = throttle.Policy(free=5, base_seconds=1.0, max_seconds=1.0, growing=False, max_queue_seconds=45.0)
PAUSE = 1.0


def _typed(code: PersonalCode) -> str:
    body = code.selector + code.verifier
    return body + _check_char(body)


def _wrong_for(selector: str | None = None) -> str:
    guess = generate_code()
    return _typed(PersonalCode(selector or guess.selector, guess.verifier, ""))


class Waits(list):
    """Stands in for anyio.sleep on the fixed clock: records each wait instead of spending it."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _sign_in(db, typed: str, client: str, now, policy=POLICY, waits=None):
    # An event loop of its own in a thread, as a web worker has (the browser tests keep one running here).
    with start_blocking_portal() as portal:
        return portal.call(partial(cases.authenticate_code, db, typed, client_key=client, now=now, policy=policy,
                                   address_pause=PAUSE, sleep=waits if waits is not None else Waits()))


def _outcome(db, typed, client, now, policy=POLICY, waits=None) -> str:
    try:
        _sign_in(db, typed, client, now, policy, waits)
    except cases.CodeRejected as rejected:
        return rejected.reason
    return "ok"


def _rows(db):
    db.rollback()
    return {(t.key, t.failures, t.next_turn) for t in db.exec(select(Throttle))}


@pytest.fixture
def verifications(monkeypatch) -> list[int]:
    """Every argon2 verification a sign-in attempt spends."""
    spent: list[int] = []
    real = security.verify_secret
    monkeypatch.setattr(security, "verify_secret", lambda h, s: spent.append(1) or real(h, s))
    return spent


def test_1000_random_guesses_from_one_address_get_nowhere_and_the_owner_there_still_gets_in(
        db, clock, verifications):
    case, code = make_case(db, now=clock.now())
    outcomes = [_outcome(db, _wrong_for(), "shared-address", clock.now()) for _ in range(1000)]
    assert outcomes == ["wrong"] * 1000
    # Once the address is paced, guesses at codes nobody has are answered without argon2 work.
    assert len(verifications) == POLICY.free + 1
    waits = Waits()
    assert _sign_in(db, code.display, "shared-address", clock.now(), waits=waits).id == case.id
    assert len(waits) == 1 and 0.5 * PAUSE <= waits[0] <= 1.5 * PAUSE  # slowed by a pause, not refused


def test_guess_at_an_unknown_selector_costs_one_argon2_verification_like_a_known_one(db, clock, verifications):
    _, code = make_case(db, now=clock.now())
    assert _outcome(db, _wrong_for(), "someone", clock.now()) == "wrong"
    assert verifications == [1]
    assert _outcome(db, _wrong_for(code.selector), "someone-else", clock.now()) == "wrong"
    assert verifications == [1, 1]


def test_a_paced_address_guessing_unknown_codes_spends_no_argon2_and_writes_nothing(db, clock, verifications):
    for _ in range(POLICY.free + 1):
        assert _outcome(db, _wrong_for(), "attacker", clock.now()) == "wrong"
    spent, before = len(verifications), _rows(db)
    waits = Waits()
    assert _outcome(db, _wrong_for(), "attacker", clock.now(), waits=waits) == "wrong"
    assert _rows(db) == before and len(verifications) == spent
    assert len(waits) == 1  # the answer came after the pause


def test_correct_codes_typed_at_once_from_one_address_count_no_failure(app, clock):
    """Nothing is counted before the check, so sign-ins in flight together never see each other."""
    with Session(app.state.engine) as setup:
        codes = [make_case(setup, now=clock.now())[1] for _ in range(POLICY.free + 10)]
        setup.commit()
    results: list[str] = []
    start = threading.Barrier(len(codes))

    def sign_in(code):
        with Session(app.state.engine, expire_on_commit=False) as own:
            start.wait()
            results.append(_outcome(own, code.display, "family-wifi", clock.now()))
            own.commit()

    threads = [threading.Thread(target=sign_in, args=(c,)) for c in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ok"] * len(codes)
    with Session(app.state.engine) as db:
        assert _rows(db) == set()


def test_guessers_at_a_selector_slow_its_owner_to_their_turn_but_do_not_keep_them_out(db, clock):
    case, code = make_case(db, now=clock.now())
    # Many addresses guess at the owner's selector (somehow known), one per second for ten minutes.
    for i in range(600):
        assert _outcome(db, _wrong_for(code.selector), f"bot{i % 40}", clock.now()) == "wrong"
        clock.advance(seconds=1)
    # The owner, who once made a typo of their own, is paced like everyone at that selector: they get
    # in at their turn, at most one interval away.
    assert _outcome(db, _wrong_for(code.selector), "owner-phone", clock.now()) == "wrong"
    waits = Waits()
    assert _sign_in(db, code.display, "owner-phone", clock.now(), waits=waits).id == case.id
    assert sum(waits) <= POLICY.base_seconds
    # Success ends the pacing of that selector (committed by the request, as the route's session does).
    db.commit()
    assert f"code-sel:{code.selector}" not in {key for key, _, _ in _rows(db)}


def test_parallel_guesses_at_one_selector_queue_one_turn_each_and_a_full_queue_refuses_with_the_wait(db, clock):
    _, code = make_case(db, now=clock.now())
    for _ in range(POLICY.free + 1):
        _outcome(db, _wrong_for(code.selector), "bot", clock.now())
    waits, refused = [], None
    for i in range(60):  # all at the same instant: the queue grows one interval per attempt
        try:
            attempt = cases.begin_code_attempt(db, _wrong_for(code.selector), client_key=f"bot{i}",
                                               now=clock.now(), policy=POLICY)
            waits.append(attempt.turn_wait)
        except cases.CodeRejected as rejected:
            refused = rejected
            break
    assert waits == [float(n) for n in range(1, len(waits) + 1)]
    assert len(waits) == 45 and refused.reason == "throttled" and refused.wait_seconds >= 1


def test_code_reissued_during_the_check_does_not_sign_in(db, clock):
    case, old = make_case(db, now=clock.now())
    attempt = cases.begin_code_attempt(db, old.display, client_key="me", now=clock.now(), policy=POLICY)
    cases.reissue_code(db, case, now=clock.now())
    db.commit()
    with pytest.raises(cases.CodeRejected):
        cases.finish_code_attempt(db, attempt)
