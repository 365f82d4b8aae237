"""Staff accounts: creation, sign-in with throttling, disabling."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import anyio.to_thread

from sqlmodel import Session, select

from app.core import throttle
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.db import start_read_only
from app.core.security import hash_secret, new_token, verify_secret_async
from app.core.sessions import end_staff_sessions
from app.staff.models import Role, StaffUser

MIN_PASSWORD = 12
USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,60}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class SignInRejected(Exception):
    def __init__(self, wait_seconds: float = 0.0):
        super().__init__("rejected")
        self.wait_seconds = wait_seconds


def create_staff(
    db: Session, *, username: str, first_name: str, full_name: str, role: str, password: str, now: datetime,
    email: str = "",
) -> StaffUser:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise StaffError("username", N_("Brugernavnet må kun indeholde små bogstaver, tal, punktum og bindestreg."))
    if role not in {r.value for r in Role}:
        raise StaffError("role", N_("Vælg en rolle."))
    if not first_name.strip():
        raise StaffError("first_name", N_("Skriv fornavnet."))
    if not full_name.strip():
        raise StaffError("full_name", N_("Skriv det fulde navn."))
    email = (email or "").strip()
    if email and (len(email) > 200 or not EMAIL_RE.match(email)):
        raise StaffError("email", N_("Skriv en gyldig e-mailadresse, fx navn@kommune.dk."))
    if len(password) < MIN_PASSWORD:
        raise StaffError("password", N_("Adgangskoden skal være mindst 12 tegn."))
    if db.exec(select(StaffUser.id).where(StaffUser.username == username)).first() is not None:
        raise StaffError("username", N_("Brugernavnet er allerede i brug."))
    user = StaffUser(
        username=username, first_name=first_name.strip(), full_name=full_name.strip(), role=role,
        password_hash=hash_secret(password), created_at=now, password_changed_at=now, email=email or None,
    )
    db.add(user)
    db.flush()
    return user


@dataclass(frozen=True)
class StaffAttempt:
    """A sign-in past the cheap checks: what the password check and the failure count need."""

    username: str
    user_id: int | None
    password_hash: str | None
    active: bool
    pace_key: str  # the member's key, or this device's when it carries the member's device cookie
    failures: int
    client_key: str
    address_paced: bool
    turn_wait: float


def device_cookie_value(staff_id: int) -> str:
    """What a browser that signed in as this member keeps (signed): "device:<id>:<random>"."""
    return f"device:{staff_id}:{new_token(12)}"


def _device_of(cookie_value: str | None, staff_id: int | None) -> str | None:
    parts = (cookie_value or "").split(":")
    if staff_id is not None and len(parts) == 3 and parts[0] == "device" and parts[1] == str(staff_id):
        return parts[2]
    return None


def begin_staff_sign_in(
    db: Session, *, username: str, client_key: str, device_cookie: str | None, now: datetime,
    policy: throttle.Policy,
) -> StaffAttempt:
    """Find the member, read the counters and book a turn if the member's key is paced.

    Only verified failures count (record_staff_failure). The address is never a reason to refuse, as
    a whole office may share it; a paced address only makes each answer come after a pause. A username
    somebody guesses at is paced, and its owner would queue behind the guesser – unless the browser
    carries the device cookie from an earlier sign-in as that member: then it is paced on its own key,
    which no guesser elsewhere can fill (the OWASP "device cookie" answer to lock-out)."""
    username = (username or "").strip().lower()[:60]
    start_read_only(db)
    found = db.exec(select(StaffUser.id, StaffUser.password_hash, StaffUser.active)
                    .where(StaffUser.username == username)).first()
    user_id, password_hash, active = found or (None, None, False)
    device = _device_of(device_cookie, user_id)
    pace_key = f"staff-device:{device}" if device else f"staff-user:{username}"
    client = f"staff-client:{client_key}"
    states = throttle.read_states(db, [client, pace_key], now=now)
    db.commit()
    turn_wait = 0.0
    if throttle.is_paced(states[pace_key], policy):
        try:
            turn_wait = throttle.claim_turn(db, pace_key, failures=states[pace_key].failures, now=now, policy=policy)
        except throttle.QueueFull as full:
            raise SignInRejected(full.wait_seconds) from None
        finally:
            db.commit()
    return StaffAttempt(username, user_id, password_hash, bool(active), pace_key, states[pace_key].failures,
                        client_key, throttle.is_paced(states[client], policy), turn_wait)


def record_staff_failure(db: Session, attempt: StaffAttempt, *, now: datetime, policy: throttle.Policy) -> None:
    throttle.record_failure(db, attempt.pace_key, now=now, policy=policy)
    if not attempt.address_paced:  # once paced, more counts change nothing: a flood writes nothing
        throttle.record_failure(db, f"staff-client:{attempt.client_key}", now=now, policy=policy)
    db.commit()


def finish_staff_sign_in(db: Session, attempt: StaffAttempt) -> StaffUser:
    user = db.get(StaffUser, attempt.user_id)
    if user is None or not user.active or user.password_hash != attempt.password_hash:
        raise SignInRejected()  # disabled, or the password changed, while we checked
    if attempt.failures:
        throttle.clear(db, [attempt.pace_key])
    return user


async def authenticate_staff(
    db: Session, *, username: str, password: str, client_key: str, now: datetime, policy: throttle.Policy,
    device_cookie: str | None = None, address_pause: float = 0.0, sleep=anyio.sleep,
) -> StaffUser:
    """The member for a username and password, or SignInRejected (with the wait when refused).

    Waits without a thread or a connection; an unknown username costs the same dummy-hash work as a
    known one (verify_secret_async), except from a paced address, where it is answered after the pause."""
    attempt = await anyio.to_thread.run_sync(partial(
        begin_staff_sign_in, db, username=username, client_key=client_key, device_cookie=device_cookie,
        now=now, policy=policy))
    await throttle.wait_turn(attempt.turn_wait, address_paced=attempt.address_paced, address_pause=address_pause,
                             sleep=sleep)
    if attempt.user_id is None and attempt.address_paced:
        raise SignInRejected()
    ok = await verify_secret_async(attempt.password_hash, password or "")
    if not ok or not attempt.active:
        await anyio.to_thread.run_sync(partial(record_staff_failure, db, attempt, now=now, policy=policy))
        raise SignInRejected()
    return await anyio.to_thread.run_sync(finish_staff_sign_in, db, attempt)


def set_active(db: Session, user: StaffUser, *, active: bool, now: datetime) -> None:
    user.active = active
    if not active:
        end_staff_sessions(db, user.id, now=now)
    db.flush()


def change_password(db: Session, user: StaffUser, *, new_password: str, now: datetime, keep_session: str | None) -> None:
    if len(new_password) < MIN_PASSWORD:
        raise StaffError("password", N_("Adgangskoden skal være mindst 12 tegn."))
    user.password_hash = hash_secret(new_password)
    user.password_changed_at = now
    end_staff_sessions(db, user.id, now=now, keep=keep_session)
    db.flush()


def list_staff(db: Session) -> list[StaffUser]:
    return list(db.exec(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.full_name)))


class StaffNotFound(NotFound):
    pass


def get_staff(db: Session, staff_id: int) -> StaffUser:
    user = db.get(StaffUser, staff_id)
    if user is None:
        raise StaffNotFound()
    return user
