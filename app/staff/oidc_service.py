"""Staff sign-in at the municipality's identity provider: which member a verified ID token signs in,
with which role, and whether the provider's login counts as the second factor.

The claims reach these rules only after app/staff/oidc_client.py has checked the token. The
provider is the authority on who works here and in which role: the role is taken from its claim on
every sign-in, and a member whose claim maps to no portal role is refused with nothing stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from app.core import sessions
from app.core.config import StaffOidcSettings
from app.core.models import WebSession
from app.core.security import hash_secret, new_token, token_digest
from app.staff.models import Role, StaffUser
from app.staff.service import EMAIL_RE

# A member has one role: when the provider's groups map to several, the one that may do most wins.
ROLE_RANK = (Role.admin.value, Role.leader.value, Role.counsellor.value, Role.reception.value)


class OidcRefused(Exception):
    """The provider vouched for the person, but the portal will not sign them in."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "no_role" | "inactive" | "conflict"


@dataclass(frozen=True)
class RoleMap:
    claim: str
    roles: Mapping[str, str]  # a value of the claim -> a portal role

    @classmethod
    def of(cls, config: StaffOidcSettings) -> "RoleMap":
        """The configured map; a role name the portal does not have is a mistake in the settings."""
        unknown = sorted({role for _, role in config.role_map} - set(ROLE_RANK))
        if unknown:
            raise ValueError(f"STAFF_OIDC_ROLE_MAP names unknown roles {unknown}; the roles are {list(ROLE_RANK)}")
        return cls(config.role_claim, dict(config.role_map))

    def role_for(self, claims: Mapping) -> str | None:
        """The strongest portal role the claim's values map to, or None."""
        value = claims.get(self.claim)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        mapped = {self.roles[v] for v in values if isinstance(v, str) and v in self.roles}
        return next((role for role in ROLE_RANK if role in mapped), None)


def passed_mfa(claims: Mapping, *, accepted_acr: tuple[str, ...]) -> bool:
    """Did the provider do a second factor itself? Only if it says so: "mfa" in amr (RFC 8176), or an
    acr the municipality has named as multi-factor (STAFF_OIDC_MFA_ACR). Anything else – no amr, "pwd",
    an unknown acr – leaves the portal's own TOTP step to follow."""
    amr = claims.get("amr")
    if isinstance(amr, list) and "mfa" in amr:
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in accepted_acr


@dataclass(frozen=True)
class OidcSignIn:
    user: StaffUser
    how: str  # "subject" (known), "email" (linked now) or "created" (just in time)
    second_factor_passed: bool


def _verified_email(claims: Mapping) -> str | None:
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is False:
        return None
    email = email.strip()
    return email if len(email) <= 200 and EMAIL_RE.match(email) else None


def _names(claims: Mapping) -> tuple[str | None, str | None]:
    def text(key):
        value = claims.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    given, family, name = text("given_name"), text("family_name"), text("name")
    first = given or (name.split()[0] if name else None)
    full = name or (" ".join(p for p in (given, family) if p) or None)
    return (first[:60] if first else None), (full[:120] if full else None)


def _free_username(db: Session, claims: Mapping, subject: str) -> str:
    raw = claims.get("preferred_username") or claims.get("email") or ""
    base = re.sub(r"[^a-z0-9._-]", "", str(raw).split("@")[0].lower())[:50]
    if len(base) < 2:
        base = "idp-" + hashlib.sha256(subject.encode()).hexdigest()[:8]
    taken = set(db.exec(select(StaffUser.username).where(StaffUser.username.startswith(base))))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _find(db: Session, subject: str, email: str | None) -> tuple[StaffUser | None, str]:
    user = db.exec(select(StaffUser).where(StaffUser.oidc_subject == subject)).first()
    if user is not None:
        return user, "subject"
    if email is None:
        return None, "created"
    same_email = list(db.exec(select(StaffUser).where(func.lower(StaffUser.email) == email.lower()).limit(2)))
    if len(same_email) > 1:
        raise OidcRefused("conflict")  # which of them? an administrator must say
    if same_email:
        if same_email[0].oidc_subject is not None:
            raise OidcRefused("conflict")  # linked to another person at the provider already
        return same_email[0], "email"
    return None, "created"


def sign_in_with_claims(
    db: Session, *, claims: Mapping, config: StaffOidcSettings, now: datetime,
) -> OidcSignIn:
    """The member for verified ID-token claims: known by the provider's subject; else, the first time,
    the one member whose work e-mail is the token's (linked from now on); else a new member, created
    just in time. Refused (OidcRefused, nothing changed) if deactivated in the portal or if the role
    claim maps to no portal role. The role, and the names when given, are taken from the claims."""
    subject = claims["sub"]
    email = _verified_email(claims)
    user, how = _find(db, subject, email)
    if user is not None and not user.active:
        raise OidcRefused("inactive")
    role = RoleMap.of(config).role_for(claims)
    if role is None:
        raise OidcRefused("no_role")
    first_name, full_name = _names(claims)
    if user is None:
        username = _free_username(db, claims, subject)
        user = StaffUser(
            username=username, first_name=first_name or username, full_name=full_name or first_name or username,
            role=role, email=email, oidc_subject=subject, created_at=now, password_changed_at=now,
            # Nobody knows this password: the member signs in at the provider only.
            password_hash=hash_secret(new_token()),
        )
    else:
        user.role = role
        user.oidc_subject = subject
        user.first_name = first_name or user.first_name
        user.full_name = full_name or user.full_name
    db.add(user)
    db.flush()
    return OidcSignIn(user, how, passed_mfa(claims, accepted_acr=config.mfa_acr))


def start_oidc_session(db: Session, signed_in: OidcSignIn, *, now: datetime, user_agent: str) -> str:
    """A staff session for the member; it has passed the second factor only if the provider did one."""
    token = sessions.start_session(db, kind=sessions.STAFF, staff_id=signed_in.user.id, now=now,
                                   user_agent=user_agent)
    if signed_in.second_factor_passed:
        db.get(WebSession, token_digest(token)).second_factor_passed = True
        db.flush()
    return token
