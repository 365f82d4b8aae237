"""Builders for test data, through the services so the rules apply."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import update
from sqlmodel import Session

from app.account.models import StaffTotp

from app.cases import service as cases
from app.core.clock import Clock
from app.staff import service as staff_service
from app.staff.models import StaffUser

PASSWORD = "correct horse battery"


def make_staff(db, *, role: str = "counsellor", username: str | None = None, first_name: str = "Mette",
               now=None, totp: bool = True) -> StaffUser:
    """A member of staff with the test password and, unless totp=False, an enrolled TOTP secret."""
    now = now or Clock().now()
    user = staff_service.create_staff(
        db, username=username or f"{role}-{first_name.lower()}", first_name=first_name,
        full_name=f"{first_name} Testesen", role=role, password=PASSWORD, now=now,
    )
    if totp:
        user.totp_secret = pyotp.random_base32()
        db.add(user)
    db.commit()
    return user


def totp_code(user: StaffUser, at=None) -> str:
    """The user's current TOTP code (at the app's injected clock when given)."""
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(at) if at is not None else totp.now()


def sign_in_staff(client, user: StaffUser, *, second_factor: bool = True) -> None:
    """Password, then (when the app requires it) the TOTP code, as a browser would."""
    response = client.submit("/personale/log-ind", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 303, response.text
    if not (second_factor and client.app.state.settings.require_staff_2fa):
        return
    now = client.app.state.clock.now()
    response = client.submit("/personale/to-trin", {"code": totp_code(user, now)})
    if response.status_code == 422 and "allerede brugt" in response.text:
        # The same user signed in again within one 30-second step of the frozen test clock: use the
        # next step's code (accepted for clock drift); after that, forget the used step (a test-only
        # shortcut; the rule itself is proven in tests/unit/account) rather than move the test's clock.
        response = client.submit("/personale/to-trin", {"code": totp_code(user, now + timedelta(seconds=30))})
        if response.status_code == 422 and "allerede brugt" in response.text:
            with Session(client.app.state.engine) as db:
                db.execute(update(StaffTotp).where(StaffTotp.staff_id == user.id).values(last_step=None))
                db.commit()
            response = client.submit("/personale/to-trin", {"code": totp_code(user, now)})
    assert response.status_code == 303, response.text


def make_case(db, *, now, anonymous: bool = True, **contact):
    case, code = cases.open_case(db, now=now, anonymous=anonymous, contact=cases.ContactDetails(**contact))
    db.commit()
    return case, code


def sign_in_citizen(client, code) -> None:
    response = client.submit("/status", {"code": code.display})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/min-side"


def app_engines(app) -> list:
    """Every engine the app queries through: the request engine and, on PostgreSQL, the read path's
    async engine (its sync face, where SQLAlchemy's events fire). A statement counter listens on all."""
    engines = [app.state.engine]
    if app.state.async_page_engine is not None:
        engines.append(app.state.async_page_engine.sync_engine)
    return engines
