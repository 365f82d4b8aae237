"""Staff account rules: TOTP enrolment and checks, recovery codes, own sessions, own password."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

import pyotp
import segno
from sqlalchemy import or_, update
from sqlmodel import Session, select

from app.core.db import insert_for
from app.account.models import RecoveryCode, StaffTotp
from app.core import sessions, throttle
from app.core.errors import NotFound
from app.core.i18n import N_, TOO_MANY_ATTEMPTS, wait_message
from app.core.models import WebSession
from app.core.security import hash_secret, token_digest, verify_secret
from app.staff import service as staff_service
from app.staff.models import StaffUser

STEP_SECONDS = 30
# Accept the code of the previous and the next time step too: phones' clocks drift a little.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


class SecondFactorRejected(Exception):
    """The code is malformed, wrong, already used, or the attempt is throttled."""

    def __init__(self, reason: str, wait_seconds: float = 0.0):
        super().__init__(reason)
        self.reason = reason  # "malformed" | "wrong" | "reused" | "throttled"
        self.wait_seconds = wait_seconds


class AccountError(Exception):
    def __init__(self, field: str, message: str, wait_seconds: float = 0.0):
        super().__init__(message)
        self.field = field
        self.message = message
        self.wait_seconds = wait_seconds


class SessionNotFound(NotFound):
    pass


# --- TOTP -------------------------------------------------------------------------------------

def _state(db: Session, staff_id: int) -> StaffTotp:
    """The member's TOTP row, created atomically on first use (two tabs cannot clash)."""
    db.execute(insert_for(db)(StaffTotp.__table__).values(staff_id=staff_id).on_conflict_do_nothing())
    return db.exec(select(StaffTotp).where(StaffTotp.staff_id == staff_id)
                   .execution_options(populate_existing=True)).one()


def is_enrolled(user: StaffUser) -> bool:
    return bool(user.totp_secret)


def pending_secret(db: Session, user: StaffUser) -> str:
    """The secret shown while enrolling: kept until confirmed, so a reload shows the same QR code."""
    state = _state(db, user.id)
    if not state.pending_secret:
        state.pending_secret = pyotp.random_base32()
        db.add(state)
        db.flush()
    return state.pending_secret


def provisioning_uri(secret: str, *, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg(uri: str, *, label: str) -> str:
    """An inline SVG QR code: presentation attributes only, no style attribute (CSP)."""
    out = BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", xmldecl=False, svgns=False, nl=False, scale=5,
                                    border=4, dark="#000", light="#fff", svgclass=None, lineclass=None,
                                    omitsize=True)
    svg = out.getvalue().decode("ascii")
    safe_label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{safe_label}" ', 1)


def group_secret(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    step = _time_step(now)
    for offset in (0, -DRIFT_STEPS, DRIFT_STEPS):
        candidate = totp.at(now + timedelta(seconds=offset * STEP_SECONDS))
        if hmac.compare_digest(candidate, code):
            return step + offset
    return None


def _claim_step(db: Session, staff_id: int, step: int) -> bool:
    """Atomically record the time step as used; False if it (or a later one) already was."""
    _state(db, staff_id)  # the row exists before the conditional update
    result = db.execute(
        update(StaffTotp)
        .where(StaffTotp.staff_id == staff_id, or_(StaffTotp.last_step.is_(None), StaffTotp.last_step < step))
        .values(last_step=step)
    )
    return (result.rowcount or 0) == 1


def _normalise(code: str) -> str:
    # ASCII only: "²" is a digit to str.isdigit() but no TOTP or recovery code has one.
    return "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())


def _totp_key(staff_id: int) -> str:
    return f"totp-user:{staff_id}"


def _reserve(db: Session, user: StaffUser, client_key: str, now: datetime, policy: throttle.Policy) -> None:
    """Refuse while the member's key has no free turn. Only someone past the password can fill it, so
    the address (an office, a shared Wi-Fi) plays no part: colleagues never slow each other."""
    try:
        throttle.take_free_turn(db, _totp_key(user.id), now=now, policy=policy)
    except throttle.QueueFull as full:
        raise SecondFactorRejected("throttled", full.wait_seconds) from None


def _failed(db: Session, user: StaffUser, client_key: str, now: datetime, policy: throttle.Policy,
            reason: str) -> SecondFactorRejected:
    throttle.record_failure(db, _totp_key(user.id), now=now, policy=policy)
    return SecondFactorRejected(reason)


def confirm_enrolment(
    db: Session, user: StaffUser, *, code: str, client_key: str, now: datetime, policy: throttle.Policy,
) -> list[str]:
    """Check the first code from the new secret, make it the member's secret, return recovery codes."""
    code = _normalise(code)
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise SecondFactorRejected("malformed")
    _reserve(db, user, client_key, now, policy)
    state = _state(db, user.id)
    step = _matching_step(state.pending_secret, code, now) if state.pending_secret else None
    if step is None:
        raise _failed(db, user, client_key, now, policy, "wrong")
    user.totp_secret = state.pending_secret
    state.pending_secret = None
    state.last_step = step
    state.enrolled_at = now
    db.add_all([user, state])
    db.flush()
    throttle.clear(db, [f"totp-user:{user.id}"])
    return new_recovery_codes(db, user, now=now)


def check_second_factor(
    db: Session, user: StaffUser, *, code: str, client_key: str, now: datetime, policy: throttle.Policy,
) -> str:
    """A TOTP code (6 digits) or an unused recovery code. Returns which one was used."""
    code = _normalise(code)
    is_totp = len(code) == 6 and code.isascii() and code.isdigit()
    if not is_totp and len(code) != 10:
        raise SecondFactorRejected("malformed")
    _reserve(db, user, client_key, now, policy)
    if not user.totp_secret:
        raise _failed(db, user, client_key, now, policy, "wrong")
    if is_totp:
        step = _matching_step(user.totp_secret, code, now)
        if step is None:
            raise _failed(db, user, client_key, now, policy, "wrong")
        if not _claim_step(db, user.id, step):
            raise _failed(db, user, client_key, now, policy, "reused")
        used = "totp"
    else:
        if not _use_recovery_code(db, user, code, now=now):
            raise _failed(db, user, client_key, now, policy, "wrong")
        used = "recovery"
    throttle.clear(db, [f"totp-user:{user.id}"])
    return used


def new_recovery_codes(db: Session, user: StaffUser, *, now: datetime) -> list[str]:
    """Ten fresh one-time codes; older unused ones stop working. Shown once, stored only hashed."""
    db.execute(update(RecoveryCode).where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))
               .values(used_at=now))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.add_all([RecoveryCode(staff_id=user.id, code_hash=hash_secret(c), created_at=now) for c in codes])
    db.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _use_recovery_code(db: Session, user: StaffUser, code: str, *, now: datetime) -> bool:
    rows = db.exec(select(RecoveryCode).where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))).all()
    for row in rows:
        if verify_secret(row.code_hash, code):
            result = db.execute(update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                                .values(used_at=now))
            return (result.rowcount or 0) == 1
    if not rows:
        verify_secret(None, code)  # same work whether or not codes exist
    return False


def unused_recovery_codes(db: Session, user: StaffUser) -> int:
    return len(db.exec(select(RecoveryCode.id).where(RecoveryCode.staff_id == user.id,
                                                     RecoveryCode.used_at.is_(None))).all())


def reset_second_factor(db: Session, target: StaffUser, *, now: datetime) -> None:
    """An administrator's reset for a member who lost phone and recovery codes: the member enrols
    again at the next sign-in; their sessions end and their recovery codes stop working."""
    target.totp_secret = None
    state = _state(db, target.id)
    state.pending_secret = None
    state.last_step = None
    db.add_all([target, state])
    db.execute(update(RecoveryCode).where(RecoveryCode.staff_id == target.id, RecoveryCode.used_at.is_(None))
               .values(used_at=now))
    sessions.end_staff_sessions(db, target.id, now=now)
    db.flush()


def pass_second_factor(db: Session, session: sessions.SignedIn, *, now: datetime) -> str:
    """Replace the password-only session with a new one that has passed both factors.

    A fresh id at the privilege change means a session id seen before the second factor is worth nothing.
    """
    token = sessions.start_session(db, kind=sessions.STAFF, staff_id=session.staff_id, now=now,
                                   user_agent=session.user_agent)
    new = db.get(WebSession, token_digest(token))
    new.second_factor_passed = True
    sessions.end_session_by_id(db, session.id, now=now)
    db.flush()
    return token


# --- Own sessions and password -------------------------------------------------------------------

@dataclass(frozen=True)
class SessionView:
    id: str
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    current: bool


def own_sessions(db: Session, user: StaffUser, *, current_token: str | None) -> list[SessionView]:
    current = token_digest(current_token) if current_token else None
    return [SessionView(s.id, s.created_at, s.last_seen_at, s.user_agent, s.id == current)
            for s in sessions.active_staff_sessions(db, user.id)]


def end_own_session(db: Session, user: StaffUser, *, session_id: str, now: datetime) -> None:
    """End one of the member's own sessions; someone else's id is treated as unknown."""
    result = db.execute(update(WebSession).where(WebSession.id == session_id, WebSession.staff_id == user.id,
                                                 WebSession.ended_at.is_(None)).values(ended_at=now))
    if (result.rowcount or 0) != 1:
        raise SessionNotFound()


def change_own_password(
    db: Session, user: StaffUser, *, current_password: str, new_password: str, repeat: str,
    keep_session: str | None, client_key: str, now: datetime, policy: throttle.Policy,
) -> None:
    """Check the current password (throttled like sign-in), then change it; other sessions end."""
    key = f"staff-user:{user.username}"
    try:
        throttle.take_free_turn(db, key, now=now, policy=policy)
    except throttle.QueueFull as full:
        raise AccountError("current_password", wait_message(TOO_MANY_ATTEMPTS, full.wait_seconds), full.wait_seconds) from None
    if not verify_secret(user.password_hash, current_password or ""):
        throttle.record_failure(db, key, now=now, policy=policy)
        raise AccountError("current_password", N_("Den nuværende adgangskode er forkert."))
    if new_password != repeat:
        raise AccountError("repeat_password", N_("De to nye adgangskoder er ikke ens."))
    try:
        staff_service.change_password(db, user, new_password=new_password, now=now, keep_session=keep_session)
    except staff_service.StaffError as err:
        raise AccountError("new_password", err.message) from err
    throttle.clear(db, [f"staff-user:{user.username}"])
