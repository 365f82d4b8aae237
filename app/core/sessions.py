"""Server-side sessions: revocable rows, a random id in a signed cookie, idle and absolute timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from app.core.db import write_aside
from app.core.prepared import PreparedRead
from app.core.models import WebSession
from app.core.security import new_token, token_digest

CITIZEN = "citizen"
STAFF = "staff"
# Writing last_seen_at on every request would turn each page view into a write.
TOUCH_INTERVAL = timedelta(seconds=60)


def token_from_cookie(request, cookie: str) -> str | None:
    """The session id a browser's signed cookie carries: None if absent, forged, or older than any
    session may live (the row's own timeouts are checked by load_session)."""
    max_age = request.app.state.settings.session_max_hours * 3600
    return request.app.state.signer.unsign_cookie(request.cookies.get(cookie), max_age)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A valid session as a request sees it: read, never changed through this object."""

    tenant_id: int  # the municipality (app.core.tenancy); every column, in order
    id: str
    kind: str
    case_id: int | None
    staff_id: int | None
    second_factor_passed: bool
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    user_agent: str


# Every signed-in request runs it: compiled once, rows come back as SignedIn (app.core.prepared).
_BY_ID = PreparedRead(select(*(getattr(WebSession, name) for name in SignedIn.__slots__))
                      .where(WebSession.id == bindparam("session_id")), SignedIn)


def start_session(
    db: Session, *, kind: str, now: datetime, case_id: int | None = None, staff_id: int | None = None,
    user_agent: str = "",
) -> str:
    token = new_token()
    db.add(WebSession(
        id=token_digest(token), kind=kind, case_id=case_id, staff_id=staff_id,
        created_at=now, last_seen_at=now, user_agent=user_agent[:200],
    ))
    db.flush()
    return token


def load_session(
    db: Session, token: str | None, *, kind: str, now: datetime, idle: timedelta, max_age: timedelta,
) -> SignedIn | None:
    if not token:
        return None
    row = _BY_ID.first(db, session_id=token_digest(token))
    if row is None:
        return None
    if row.kind != kind or row.ended_at is not None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > max_age:
        write_aside(db, update(WebSession).where(WebSession.id == row.id).values(ended_at=now))
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        write_aside(db, update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now))
    return row


def end_session(db: Session, token: str | None, *, now: datetime) -> None:
    if token:
        end_session_by_id(db, token_digest(token), now=now)


def end_session_by_id(db: Session, session_id: str, *, now: datetime) -> None:
    db.execute(update(WebSession).where(WebSession.id == session_id, WebSession.ended_at.is_(None))
               .values(ended_at=now))


def end_case_sessions(db: Session, case_id: int, *, now: datetime) -> int:
    result = db.execute(update(WebSession).where(WebSession.case_id == case_id, WebSession.ended_at.is_(None))
                        .values(ended_at=now))
    return result.rowcount or 0


def end_staff_sessions(db: Session, staff_id: int, *, now: datetime, keep: str | None = None) -> int:
    stmt = update(WebSession).where(WebSession.staff_id == staff_id, WebSession.ended_at.is_(None))
    if keep:
        stmt = stmt.where(WebSession.id != token_digest(keep))
    return db.execute(stmt.values(ended_at=now)).rowcount or 0


def active_staff_sessions(db: Session, staff_id: int) -> list[WebSession]:
    return list(db.exec(select(WebSession).where(WebSession.staff_id == staff_id, WebSession.ended_at.is_(None))
                        .order_by(WebSession.created_at.desc())))
