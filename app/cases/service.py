"""Opening a case, signing in with the personal code, reissuing a lost code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

import anyio.to_thread
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core import throttle
from app.core.errors import NotFound
from app.core.codes import PersonalCode, generate_code, generate_pseudonym, parse_code
from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.core.db import READ_ONLY
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
    """A guess that passed the throttle and was counted: what the slow check needs."""

    code: PersonalCode
    client_key: str
    case_id: int | None  # None: no case has this selector
    code_hash: str | None


def _start_read_only(db: Session) -> None:
    # Most of a flood is turned away by this read: on SQLite it must not queue for the write lock
    # (a POST's transaction normally takes it at BEGIN).
    db.commit()
    db.connection(execution_options=READ_ONLY)


def begin_code_attempt(
    db: Session, typed: str, *, client_key: str, now: datetime, policy: throttle.Policy,
) -> CodeAttempt:
    """Parse, check the throttle, count the attempt and find the case – or raise CodeRejected.

    Commits: the attempt is counted for good before the verifier is checked, and no lock is held
    during the slow argon2 check. A selector locked by other people's failures does not stop a client
    with no failures of its own (in the last day), so nobody can lock the owner of a code out by
    guessing at it, while each guessing address gets at most one try at a locked selector; the
    owner's own address is only slowed by its own failures (or a flood from it)."""
    code = parse_code(typed)
    if code is None:
        # A typo caught by the check character costs no guess: it cannot match any case.
        raise CodeRejected("malformed")
    client, selector = throttle_keys(code.selector, client_key)
    _start_read_only(db)
    states = throttle.read_states(db, [client, selector], now=now)
    found = db.exec(select(CitizenCase.id, CitizenCase.code_hash)
                    .where(CitizenCase.code_selector == code.selector)).first()
    db.commit()
    wait = states[client].wait
    if not wait and states[selector].wait and states[client].failures > 0:
        wait = states[selector].wait
    if wait:
        raise CodeRejected("throttled", wait)
    wait = throttle.count_attempt(db, client, now=now, policy=policy)
    if wait:
        db.commit()
        raise CodeRejected("throttled", wait)
    if found is not None:  # unknown selectors get no row of their own: a flood of them adds nothing
        throttle.count_attempt(db, selector, now=now, policy=policy, respect_lock=False)
    db.commit()
    return CodeAttempt(code, client_key, *(found or (None, None)))


def finish_code_attempt(db: Session, attempt: CodeAttempt) -> CitizenCase:
    """After a verifier matched: the case (unless its code was reissued meanwhile) and the counters."""
    case = db.get(CitizenCase, attempt.case_id)
    if case is None or case.code_selector != attempt.code.selector or case.code_hash != attempt.code_hash:
        raise CodeRejected("wrong")
    client, selector = throttle_keys(attempt.code.selector, attempt.client_key)
    # Success clears the selector's counter, but only takes back this one attempt on the client's:
    # clearing it would let one valid code reset a guessing client's penalty.
    throttle.clear(db, [selector])
    throttle.refund(db, [client])
    return case


async def authenticate_code(
    db: Session, typed: str, *, client_key: str, now: datetime, policy: throttle.Policy,
) -> CitizenCase:
    """Find the case for a typed code, or raise CodeRejected. Counts every real attempt.

    Throttled and malformed attempts end before any argon2 work; an unknown selector costs one
    verification against a dummy hash, like a known one (verify_secret_async); the database work runs
    in worker threads and a request waiting for a verification slot holds none."""
    attempt = await anyio.to_thread.run_sync(partial(
        begin_code_attempt, db, typed, client_key=client_key, now=now, policy=policy))
    if not await verify_secret_async(attempt.code_hash, attempt.code.verifier):
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
