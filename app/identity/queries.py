"""What other domains may ask about a citizen's verified identity (they import this, never the routes)."""

from __future__ import annotations

from sqlmodel import select

from app.identity.models import CaseIdentity, MitidSession


def verified_identity(db, case_id: int) -> CaseIdentity | None:
    """The MitID-verified identity of a case, or None (anonymous, or only typed in a form)."""
    return db.exec(select(CaseIdentity).where(CaseIdentity.case_id == case_id)).first()


def verified_cpr(db, case_id: int) -> str | None:
    """The CPR number NemLog-in vouched for, for channels that need one (Digital Post)."""
    return db.exec(select(CaseIdentity.cpr).where(CaseIdentity.case_id == case_id)).first()


def identity_of_mitid_session(db, session) -> CaseIdentity | None:
    """The verified identity behind a signed-in session, when the session itself came from MitID (a
    code session on a verified case is not enough: the code may have been shared)."""
    if session is None:
        return None
    return db.exec(select(CaseIdentity).join(MitidSession, MitidSession.cpr == CaseIdentity.cpr)
                   .where(MitidSession.session_id == session.id, CaseIdentity.case_id == session.case_id)).first()
