"""Who a case belongs to when the citizen proved it with MitID, and the SAML round trip's memory.

pysaml2 keeps no state between the AuthnRequest and the response: the outstanding requests and
the assertions already used live here, in the database every worker shares, so a response is
accepted once, by the browser that asked for it, and never again (see docs/MITID_NOTES.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime
from app.core.tenancy import TenantOwned


class CaseIdentity(TenantOwned, table=True):
    """A case whose citizen signed in with MitID (or attached an anonymous case with consent).

    The CPR number here came from a signed NemLog-in assertion, not from a form: staff may rely on it,
    and a MitID sign-in shows the citizen every case with the same CPR. Never set from typed input."""

    __tablename__ = "case_identity"
    __table_args__ = (Index("ix_case_identity_cpr", "cpr"),)

    case_id: int = Field(primary_key=True, foreign_key="citizen_case.id", ondelete="CASCADE")
    cpr: str = Field(max_length=11)  # DDMMYY-XXXX
    full_name: str = Field(max_length=120)
    verified_by: str = Field(default="mitid", max_length=10)
    verified_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MitidLogin(TenantOwned, table=True):
    """One AuthnRequest sent to NemLog-in, from its start to the browser's return.

    `id` is the AuthnRequest's ID (the response's InResponseTo). The browser that started it holds a
    nonce cookie whose digest is `browser_digest`: the answer is taken up only by that browser. The
    identity from the assertion waits here (a few minutes at most; purged) between the cross-site
    POST to the ACS, which carries no cookies, and the same-site continuation that signs in."""

    __tablename__ = "mitid_login"
    __table_args__ = (Index("ix_mitid_login_browser", "browser_digest"), Index("ix_mitid_login_created", "created_at"))

    id: str = Field(primary_key=True, max_length=100)
    browser_digest: str = Field(max_length=64)
    purpose: str = Field(default="sign_in", max_length=10)  # "sign_in" | "attach"
    came_from: str = Field(default="/min-side", max_length=200)
    # Attaching an anonymous case: the code session that asked, which must still be alive at the end.
    attach_case_id: int | None = Field(default=None, foreign_key="citizen_case.id", ondelete="CASCADE")
    attach_session_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    cpr: str | None = Field(default=None, max_length=11)
    full_name: str | None = Field(default=None, max_length=120)
    name_id: str | None = Field(default=None, max_length=200)
    session_index: str | None = Field(default=None, max_length=200)


class MitidAssertion(SQLModel, table=True):
    """An assertion already accepted, kept until it would have expired anyway: the primary key is the
    replay guard (a second INSERT of the same id fails inside the ACS's transaction)."""

    __tablename__ = "mitid_assertion"

    id: str = Field(primary_key=True, max_length=100)
    not_on_or_after: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MitidSession(TenantOwned, table=True):
    """A web session opened by MitID: whose it is (to list their cases) and what single logout needs."""

    __tablename__ = "mitid_session"

    session_id: str = Field(primary_key=True, foreign_key="web_session.id", ondelete="CASCADE", max_length=64)
    cpr: str = Field(max_length=11)
    name_id: str = Field(default="", max_length=200)
    session_index: str = Field(default="", max_length=200)
