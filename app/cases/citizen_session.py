"""The citizen's session in one place (SecureDrop's SessionManager): cookie → session → case.

Start (a new session, its cookie), the signed-in session a route depends on (CitizenSession), the
case of a session, the optional case of a page open to everyone, the end (sign-out, cookie gone),
and citizen_page: the one way to write a signed-in GET page. The session rows themselves are
app.core.sessions's."""

from __future__ import annotations

import functools
import inspect
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import select

from app.cases.models import CitizenCase
from app.core import sessions
from app.core.deps import DB, Now
from app.core.read_path import read_page
from app.core.security import token_digest

CITIZEN_COOKIE = "rp_borger"


class NeedsCitizen(Exception):
    """No valid citizen session: send them to /status."""


def _cookie_token(request: Request) -> str | None:
    return sessions.token_from_cookie(request, CITIZEN_COOKIE)


def start_citizen_session(request: Request, response, db, case: CitizenCase, now: datetime) -> str:
    """Sign the browser in to a case; the cookie carries only a random session id. A session the
    browser already had (another code typed on a shared phone, say) is ended, not left alive.
    Returns the new session's id (its row's key, not the cookie's secret)."""
    sessions.end_session(db, _cookie_token(request), now=now)
    token = sessions.start_session(db, kind=sessions.CITIZEN, case_id=case.id, now=now)
    response.set_cookie(CITIZEN_COOKIE, request.app.state.signer.sign_cookie(token), httponly=True,
                        samesite="strict", path="/", secure=request.app.state.settings.secure_cookies)
    return token_digest(token)


def citizen_session(request: Request, db: DB, now: Now) -> sessions.SignedIn:
    """The signed-in citizen's session; raises NeedsCitizen (→ /status) when there is none."""
    settings = request.app.state.settings
    row = sessions.load_session(
        db, _cookie_token(request), kind=sessions.CITIZEN, now=now,
        idle=timedelta(minutes=settings.citizen_idle_minutes), max_age=timedelta(hours=settings.session_max_hours),
    )
    if row is None or row.case_id is None:
        raise NeedsCitizen()
    return row


CitizenSession = Annotated[sessions.SignedIn, Depends(citizen_session)]


def optional_citizen_session(request: Request, db, now: datetime) -> sessions.SignedIn | None:
    """For a page open to everyone that shows more to a signed-in citizen (/klage, booking)."""
    try:
        return citizen_session(request, db, now)
    except NeedsCitizen:
        return None


_CASE_BY_ID = select(CitizenCase).where(CitizenCase.id == bindparam("case_id"))  # built once: every page runs it


def signed_in_case(db, session: sessions.SignedIn) -> CitizenCase:
    """The case a signed-in session belongs to."""
    return db.exec(_CASE_BY_ID, params={"case_id": session.case_id}).one()


def optional_citizen_case(request: Request, db, now: datetime) -> CitizenCase | None:
    """The signed-in citizen's case when there is one: booking again joins the same case."""
    session = optional_citizen_session(request, db, now)
    return None if session is None else signed_in_case(db, session)


def end_citizen_session(request: Request, response, db, *, now: datetime) -> None:
    """Sign out: the server ends the session (a copied cookie opens nothing), the browser drops the cookie."""
    sessions.end_session(db, _cookie_token(request), now=now)
    response.delete_cookie(CITIZEN_COOKIE, path="/")


_GIVEN = ("request", "db", "session", "now")


def citizen_page(page):
    """The one way to write a signed-in citizen GET page: `@citizen_page def page(request, db, session, now, …)`.

    The session check and the page run as one app.core.read_path.read_page: how the page reads (on
    the event loop for SQLite, one worker-thread call under DbSlots for PostgreSQL) is the read path's
    business, not the page's. FastAPI sees `request` and the page's own parameters after the four
    given ones (path and query values; a dependency there should be async: a sync one costs a thread
    crossing). No session: NeedsCitizen, as with CitizenSession. For pages that only read (and
    write_aside); a route that writes is `def` + DB + CitizenSession, in one transaction."""
    # Annotations evaluated here, against the page's module, where their names live.
    signature = inspect.signature(page, eval_str=True)
    parameters = list(signature.parameters.values())
    if tuple(p.name for p in parameters[:4]) != _GIVEN:
        raise TypeError(f"{page.__qualname__} must start with the parameters {', '.join(_GIVEN)}")

    @functools.wraps(page)
    async def route(request: Request, **values):
        return await read_page(request, lambda request, db, now: page(
            request, db, citizen_session(request, db, now), now, **values))

    route.__signature__ = signature.replace(parameters=[parameters[0], *parameters[4:]])
    return route
