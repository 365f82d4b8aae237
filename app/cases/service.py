"""Opening a case, signing in with the personal code, reissuing a lost code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import anyio.to_thread
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core import throttle
from app.core.errors import NotFound
from app.core.codes import PersonalCode, generate_code, generate_pseudonym, parse_code
from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.core.db import start_read_only
from app.core.security import hash_secret, verify_secret_async
from app.core.sessions import end_case_sessions


class CodeRejected(Exception):
    """The code is malformed, wrong, or the attempt is throttled."""

    def __init__(self, reason: str, wait_seconds: float = 0.0):
        super().__init__(reason)
        self.reason = reason  # "malformed" | "wrong" | "throttled"
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class ContactDetails:
    display_name: str | None = None
    full_name: str | None = None
    phone: str | None = None
    email: str | None = None


def _unique_code(db: Session, make_code) -> PersonalCode:
    # Selectors are random (30 bits); a clash is rare, so re-draw rather than fail.
    for _ in range(10):
        code = make_code()
        if db.exec(select(CitizenCase.id).where(CitizenCase.code_selector == code.selector)).first() is None:
            return code
    raise RuntimeError("could not draw a unique code selector")


def open_case(
    db: Session, *, now: datetime, anonymous: bool, is_relative: bool = False,
    contact: ContactDetails = ContactDetails(), make_code=generate_code, language: str = "da",
) -> tuple[CitizenCase, PersonalCode]:
    """Create a case and its personal code. The code is returned once and never stored."""
    code = _unique_code(db, make_code)
    case = CitizenCase(
        pseudonym=generate_pseudonym(), code_selector=code.selector, code_hash=hash_secret(code.verifier),
        code_issued_at=now, anonymous=anonymous, is_relative=is_relative,
        display_name=contact.display_name,
        full_name=None if anonymous else contact.full_name,
        phone=None if anonymous else contact.phone,
        email=None if anonymous else contact.email,
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
        created_at=now,
    )
    db.add(case)
    db.flush()  # the unique index on code_selector is the final word on a clash
    return case, code


class TooManyFromConnection(Exception):
    """The connection has opened as many cases as an hour allows; `until` is when it may again."""

    def __init__(self, until: datetime):
        super().__init__("too many")
        self.until = until


NEW_CASE_WINDOW = timedelta(hours=1)


def count_new_case(db: Session, *, client_key: str, now: datetime, per_hour: int) -> None:
    """Count a new case from a connection, or raise TooManyFromConnection. Every anonymous booking or
    request opens a case (a request also starts a 14-day clock in the counsellors' inbox), so one
    connection opens a few an hour – enough for a family, or a shelter's staff helping several
    people – and then waits. Citizens who already have a code are not counted: they sign in."""
    count, until = throttle.count_event(db, f"new-case:{client_key}", now=now, window=NEW_CASE_WINDOW)
    if count > per_hour:
        raise TooManyFromConnection(until)


def get_case(db: Session, case_id: int) -> CitizenCase:
    """A case by id, or NotFound."""
    case = db.get(CitizenCase, case_id)
    if case is None:
        raise NotFound()
    return case


def throttle_keys(selector: str | None, client_key: str) -> list[str]:
    keys = [f"code-client:{client_key}"]
    if selector:
        keys.append(f"code-sel:{selector}")
    return keys


@dataclass(frozen=True)
class CodeAttempt:
    """A guess that passed the cheap checks: what the slow check and the failure count need."""

    code: PersonalCode
    client_key: str
    case_id: int | None  # None: no case has this selector
    code_hash: str | None
    turn_wait: float  # seconds until the selector's booked turn (0 unless the selector is paced)
    address_paced: bool  # the address has too many failures: answer after a pause, count no more
    selector_failures: int


def begin_code_attempt(
    db: Session, typed: str, *, client_key: str, now: datetime, policy: throttle.Policy,
) -> CodeAttempt:
    """Parse the code, read both counters and find the case – or raise CodeRejected.

    Nothing is counted here: only a verified failure counts (record_code_failure), so correct codes
    typed at the same moment never count against each other. The address (which many people may
    share) is never a reason to refuse: a paced address only makes each answer come after a pause. A
    code's selector is paced when guessed at: each attempt books a turn there, the owner's included,
    so the owner gets in at their turn and a guesser who somehow knows the selector gets one try per
    turn. Only a queue of turns longer than the policy allows refuses, with the real wait."""
    code = parse_code(typed)
    if code is None:
        # A typo caught by the check character costs no guess: it cannot match any case.
        raise CodeRejected("malformed")
    client, selector = throttle_keys(code.selector, client_key)
    start_read_only(db)
    states = throttle.read_states(db, [client, selector], now=now)
    found = db.exec(select(CitizenCase.id, CitizenCase.code_hash)
                    .where(CitizenCase.code_selector == code.selector)).first()
    db.commit()
    turn_wait = 0.0
    if found is not None and throttle.is_paced(states[selector], policy):
        try:
            turn_wait = throttle.claim_turn(db, selector, failures=states[selector].failures, now=now,
                                            policy=policy)
        except throttle.QueueFull as full:
            raise CodeRejected("throttled", full.wait_seconds) from None
        finally:
            db.commit()
    return CodeAttempt(code, client_key, *(found or (None, None)), turn_wait=turn_wait,
                       address_paced=throttle.is_paced(states[client], policy),
                       selector_failures=states[selector].failures)


def record_code_failure(db: Session, attempt: CodeAttempt, *, now: datetime, policy: throttle.Policy) -> None:
    """Count a verified wrong code: on the selector when a case has it, and on the address until the
    address is paced (after that more counts change nothing, so a flood writes nothing)."""
    client, selector = throttle_keys(attempt.code.selector, attempt.client_key)
    if attempt.case_id is not None:
        throttle.record_failure(db, selector, now=now, policy=policy)
    if not attempt.address_paced:
        throttle.record_failure(db, client, now=now, policy=policy)
    db.commit()


def finish_code_attempt(db: Session, attempt: CodeAttempt) -> CitizenCase:
    """After a verifier matched: the case (unless its code was reissued meanwhile)."""
    case = db.get(CitizenCase, attempt.case_id)
    if case is None or case.code_selector != attempt.code.selector or case.code_hash != attempt.code_hash:
        raise CodeRejected("wrong")
    # The owner's success ends the selector's pacing; the address's counter is left alone, so one valid
    # code cannot wipe a guessing neighbour's record.
    if attempt.selector_failures:
        throttle.clear(db, [throttle_keys(attempt.code.selector, attempt.client_key)[1]])
    return case


async def authenticate_code(
    db: Session, typed: str, *, client_key: str, now: datetime, policy: throttle.Policy,
    address_pause: float = 0.0, sleep=anyio.sleep,
) -> CitizenCase:
    """Find the case for a typed code, or raise CodeRejected.

    Waits (without a thread or a connection) for the selector's turn and, from a paced address, a
    jittered pause, so a client that guesses as fast as it can gets one answer per pause per
    connection and the answers do not come back in step. From a paced address an unknown selector
    is answered without argon2 work; otherwise it costs one verification against a dummy hash, like a
    known one (verify_secret_async). The database work runs in worker threads. `sleep` is there for
    tests that run on a fixed clock."""
    attempt = await anyio.to_thread.run_sync(partial(
        begin_code_attempt, db, typed, client_key=client_key, now=now, policy=policy))
    await throttle.wait_turn(attempt.turn_wait, address_paced=attempt.address_paced, address_pause=address_pause,
                             sleep=sleep)
    if attempt.case_id is None and attempt.address_paced:
        raise CodeRejected("wrong")
    if not await verify_secret_async(attempt.code_hash, attempt.code.verifier):
        await anyio.to_thread.run_sync(partial(record_code_failure, db, attempt, now=now, policy=policy))
        raise CodeRejected("wrong")
    return await anyio.to_thread.run_sync(finish_code_attempt, db, attempt)


def reissue_code(db: Session, case: CitizenCase, *, now: datetime, make_code=generate_code) -> PersonalCode:
    """Give a citizen who lost their code a new one; the old code and all its sessions stop working."""
    old_selector = case.code_selector
    code = _unique_code(db, make_code)
    case.code_selector = code.selector
    case.code_hash = hash_secret(code.verifier)
    case.code_issued_at = now
    end_case_sessions(db, case.id, now=now)
    throttle.clear(db, [f"code-sel:{old_selector}"])
    db.flush()
    return code
