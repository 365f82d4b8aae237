"""Opening a case, signing in with the personal code, reissuing a lost code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core import throttle
from app.core.errors import NotFound
from app.core.codes import PersonalCode, generate_code, generate_pseudonym, parse_code
from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.core.security import hash_secret, verify_secret
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


def authenticate_code(
    db: Session, typed: str, *, client_key: str, now: datetime, policy: throttle.Policy,
) -> CitizenCase:
    """Find the case for a typed code, or raise CodeRejected. Counts every real attempt."""
    code = parse_code(typed)
    if code is None:
        # A typo caught by the check character costs no guess: it cannot match any case.
        raise CodeRejected("malformed")
    wait = throttle.reserve_attempt(db, throttle_keys(code.selector, client_key), now=now, policy=policy)
    if wait:
        raise CodeRejected("throttled", wait)
    case = db.exec(select(CitizenCase).where(CitizenCase.code_selector == code.selector)).first()
    if not verify_secret(case.code_hash if case else None, code.verifier) or case is None:
        raise CodeRejected("wrong")
    # Success clears the selector's counter, but only takes back this one attempt on the client's:
    # clearing it would let one valid code reset a guessing client's penalty.
    throttle.clear(db, [f"code-sel:{code.selector}"])
    throttle.refund(db, [f"code-client:{client_key}"])
    return case


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
