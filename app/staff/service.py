"""Staff accounts: creation, sign-in with throttling, disabling."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, select

from app.core import throttle
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.security import hash_secret, verify_secret
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


def authenticate_staff(
    db: Session, *, username: str, password: str, client_key: str, now: datetime, policy: throttle.Policy,
) -> StaffUser:
    username = (username or "").strip().lower()[:60]
    keys = [f"staff-client:{client_key}", f"staff-user:{username}"]
    wait = throttle.reserve_attempt(db, keys, now=now, policy=policy)
    if wait:
        raise SignInRejected(wait)
    user = db.exec(select(StaffUser).where(StaffUser.username == username)).first()
    ok = verify_secret(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        raise SignInRejected()
    throttle.clear(db, [f"staff-user:{username}"])
    throttle.refund(db, [f"staff-client:{client_key}"])
    return user


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
