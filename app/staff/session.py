"""The staff member's session in one place: cookie → session, its second factor, the cookie's start and end.

Who may do what is app.staff.deps's (role checks on top of StaffSession); the session rows are
app.core.sessions's. Kept apart from the citizen's (app.cases.citizen_session): own cookie, own path."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request

from app.core import sessions
from app.core.deps import DB, Now

STAFF_COOKIE = "rp_personale"


class NeedsStaff(Exception):
    """No valid staff session: send them to the staff sign-in."""


class NeedsSecondFactor(Exception):
    """Password accepted but the second factor is still missing."""


def _cookie_token(request: Request) -> str | None:
    return sessions.token_from_cookie(request, STAFF_COOKIE)


def set_staff_cookie(request: Request, response, token: str):
    """The browser carries the session (a new one, or one renewed at the second factor) only to /personale."""
    response.set_cookie(STAFF_COOKIE, request.app.state.signer.sign_cookie(token), httponly=True,
                        samesite="strict", path="/personale", secure=request.app.state.settings.secure_cookies)
    return response


def staff_session(request: Request, db: DB, now: Now) -> sessions.SignedIn:
    """A staff session that has passed every required factor."""
    row = staff_session_password_only(request, db, now)
    if request.app.state.settings.require_staff_2fa and not row.second_factor_passed:
        raise NeedsSecondFactor()
    return row


def staff_session_password_only(request: Request, db: DB, now: Now) -> sessions.SignedIn:
    """A staff session that may still lack the second factor (only the second-factor pages take it)."""
    settings = request.app.state.settings
    token = _cookie_token(request)
    row = sessions.load_session(
        db, token, kind=sessions.STAFF, now=now, idle=timedelta(minutes=settings.staff_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
    if row is None or row.staff_id is None:
        raise NeedsStaff()
    request.state.staff_token = token  # Min konto keeps this session when it ends the others
    return row


StaffSession = Annotated[sessions.SignedIn, Depends(staff_session)]


def end_staff_session(request: Request, response, db, *, now: datetime) -> None:
    """Sign out: the server ends the session, the browser drops the cookie."""
    sessions.end_session(db, _cookie_token(request), now=now)
    response.delete_cookie(STAFF_COOKIE, path="/personale")
