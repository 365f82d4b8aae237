"""What a MitID answer does to cases and sessions: sign in to the person's cases, or attach an
anonymous case with the citizen's consent. Spans identity, cases and the citizen's session.

A MitID sign-in sees every case whose CaseIdentity has the person's CPR number, and only those:
a CPR number typed into a form proves nothing, so a case someone opened with another person's number
is never shown to that person (staff can verify and attach it after talking to them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from app.audit.service import record_citizen_event
from app.cases import service as cases
from app.cases.citizen_session import start_citizen_session
from app.cases.models import CitizenCase
from app.core.models import WebSession
from app.identity.models import CaseIdentity, MitidLogin, MitidSession
from app.identity.service import Refused


def cases_of_person(db: Session, cpr: str) -> list[CitizenCase]:
    """The person's MitID-verified cases, newest first."""
    return list(db.exec(select(CitizenCase).join(CaseIdentity, CaseIdentity.case_id == CitizenCase.id)
                        .where(CaseIdentity.cpr == cpr).order_by(CitizenCase.created_at.desc(), CitizenCase.id.desc())))


def case_for_sign_in(db: Session, login: MitidLogin, *, now: datetime) -> CitizenCase:
    """The case a MitID sign-in opens: the newest of the person's cases, or a new identified one
    (no code is shown: MitID is how they come back). The name follows NemLog-in's."""
    found = cases_of_person(db, login.cpr)
    if found:
        db.exec(update(CaseIdentity).where(CaseIdentity.cpr == login.cpr, CaseIdentity.full_name != login.full_name)
                .values(full_name=login.full_name).execution_options(synchronize_session=False))
        return found[0]
    case, _code = cases.open_case(db, now=now, anonymous=False,
                                  contact=cases.ContactDetails(full_name=login.full_name))
    db.add(CaseIdentity(case_id=case.id, cpr=login.cpr, full_name=login.full_name, verified_at=now))
    db.flush()
    return case


def attach_case(db: Session, login: MitidLogin, *, code_session, now: datetime) -> CitizenCase:
    """Attach the anonymous case the citizen consented for to their MitID identity. Both must be there
    at once: the code session that asked (still signed in, in this browser) and the MitID answer."""
    if (code_session is None or code_session.id != login.attach_session_id
            or code_session.case_id != login.attach_case_id):
        raise Refused("attach_without_code_session")
    if db.get(CaseIdentity, login.attach_case_id) is not None:
        raise Refused("already_attached")
    case = db.get(CitizenCase, login.attach_case_id)
    case.anonymous = False
    case.full_name = login.full_name
    db.add(CaseIdentity(case_id=case.id, cpr=login.cpr, full_name=login.full_name, verified_at=now))
    db.flush()
    return case


def open_mitid_session(request, response, db: Session, case: CitizenCase, login: MitidLogin, *,
                       now: datetime) -> str:
    session_id = start_citizen_session(request, response, db, case, now)
    db.add(MitidSession(session_id=session_id, cpr=login.cpr, name_id=login.name_id or "",
                        session_index=login.session_index or ""))
    record_citizen_event(db, case_id=case.id, action="mitid_attach" if login.purpose == "attach" else "mitid_login",
                         now=now)
    return session_id


def mitid_session(db: Session, session_id: str) -> MitidSession | None:
    return db.get(MitidSession, session_id)


class SwitchRefused(Exception):
    """Not a MitID session, or not a case of the same person."""


def switch_case(request, response, db: Session, session, case_id: int, *, now: datetime) -> CitizenCase:
    """A MitID session moves to another of the same person's cases (a new session, same NemLog-in one)."""
    mine = mitid_session(db, session.id)
    case = db.get(CitizenCase, case_id)
    identity = db.get(CaseIdentity, case_id)
    if mine is None or case is None or identity is None or identity.cpr != mine.cpr:
        raise SwitchRefused()
    new_id = start_citizen_session(request, response, db, case, now)
    db.add(MitidSession(session_id=new_id, cpr=mine.cpr, name_id=mine.name_id, session_index=mine.session_index))
    return case


def end_mitid_session(db: Session, session, *, now: datetime) -> MitidSession | None:
    """A sign-out step (cases' Min side log-out): the access-log line and what single logout needs."""
    mine = mitid_session(db, session.id)
    if mine is not None:
        record_citizen_event(db, case_id=session.case_id, action="mitid_logout", now=now)
    return mine


def end_sessions_of_name_id(db: Session, name_id: str, *, now: datetime) -> int:
    """NemLog-in asks us to end a person's sessions (they signed out elsewhere)."""
    ids = list(db.exec(select(MitidSession.session_id).where(MitidSession.name_id == name_id)))
    if not ids:
        return 0
    return db.exec(update(WebSession).where(WebSession.id.in_(ids), WebSession.ended_at.is_(None))
                   .values(ended_at=now).execution_options(synchronize_session=False)).rowcount or 0


def detach_case(db: Session, case: CitizenCase, *, now: datetime) -> bool:
    """Staff undo the MitID link: the case is anonymous again, its MitID sessions end (the citizen
    comes back with a code, which staff hand over), and no MitID sign-in shows it any more."""
    identity = db.get(CaseIdentity, case.id)
    if identity is None:
        return False
    sessions = select(MitidSession.session_id).join(WebSession, WebSession.id == MitidSession.session_id).where(
        WebSession.case_id == case.id)
    db.exec(update(WebSession).where(WebSession.id.in_(sessions), WebSession.ended_at.is_(None))
            .values(ended_at=now).execution_options(synchronize_session=False))
    db.delete(identity)
    case.anonymous = True
    case.full_name = None
    db.flush()
    return True
