"""What other domains may ask about a citizen's verified identity (they import this, never the routes)."""

from __future__ import annotations

from sqlmodel import select

from app.identity.models import CaseIdentity


def verified_identity(db, case_id: int) -> CaseIdentity | None:
    """The MitID-verified identity of a case, or None (anonymous, or only typed in a form)."""
    return db.exec(select(CaseIdentity).where(CaseIdentity.case_id == case_id)).first()


def verified_cpr(db, case_id: int) -> str | None:
    """The CPR number NemLog-in vouched for, for channels that need one (Digital Post)."""
    return db.exec(select(CaseIdentity.cpr).where(CaseIdentity.case_id == case_id)).first()
