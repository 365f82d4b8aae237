"""The portal's rules for a MitID sign-in, on top of pysaml2's own checks (app/identity/saml.py).

pysaml2 checks the signature, audience, recipient, time window and that InResponseTo is one of the
outstanding requests we hand it. It does not check the level of assurance, keeps no memory (the same
response passes twice), accepts an unencrypted or rsa-sha1 assertion, and returns an empty result for
a wrong Destination. Those are refused here. A refusal stores nothing but the access-log line the
route writes; the citizen sees one calm Danish page.

The round trip: start_login stores the AuthnRequest's id with a digest of a nonce the browser keeps
in a cookie. accept_response (the ACS, a cross-site POST that carries no cookie of ours) checks the
answer and parks the identity on that row. take_answer (a same-site GET from the same browser)
takes it, once, within minutes.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core import throttle
from app.core.security import token_digest
from app.identity.models import MitidAssertion, MitidLogin
from app.identity.oiosaml import ATTR_CPR, ATTR_FULL_NAME, ATTR_LOA, RSA_SHA256

# A citizen has this long at NemLog-in (MitID app, chip, queue) before the request is stale.
LOGIN_LIFETIME = timedelta(minutes=15)
# Between the ACS and the browser's own continuation there is one automatic navigation.
ANSWER_LIFETIME = timedelta(minutes=5)
# Sign-ins one connection may start per LOGIN_LIFETIME. Generous: a mobile carrier or a library puts
# many people behind one address, and each start is one small row that lives minutes; enough to stop
# one connection filling the table.
STARTS_PER_CONNECTION = 200


class TooManyStarts(Exception):
    def __init__(self, until: datetime):
        super().__init__("too many")
        self.until = until
_CPR = re.compile(r"^\d{10}$")


class Refused(Exception):
    """The answer is not accepted. `reason` is for the access log (never personal data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """What a checked assertion says (kept on the login row until the browser takes it)."""

    cpr: str  # DDMMYY-XXXX, as the request forms store it
    full_name: str
    loa: str
    name_id: str
    session_index: str
    assertion_id: str


def start_login(db: Session, provider, *, now: datetime, browser_nonce: str, came_from: str, client_key: str,
                purpose: str = "sign_in", attach_case_id: int | None = None,
                attach_session_id: str | None = None) -> str:
    """A signed AuthnRequest for this browser; returns the NemLog-in URL to send it to. Raises
    TooManyStarts when the connection (`client_key`) has started STARTS_PER_CONNECTION just now."""
    count, until = throttle.count_event(db, f"mitid-start:{client_key}", now=now, window=LOGIN_LIFETIME)
    if count > STARTS_PER_CONNECTION:
        raise TooManyStarts(until)
    # Stale rows go as new ones come, so the table holds minutes of sign-ins, not what a purge left.
    db.exec(delete(MitidLogin).where(MitidLogin.created_at < now - LOGIN_LIFETIME - ANSWER_LIFETIME)
            .execution_options(synchronize_session=False))
    request_id, url = provider.authn_request()
    db.add(MitidLogin(id=request_id, browser_digest=token_digest(browser_nonce), purpose=purpose,
                      came_from=came_from[:200], attach_case_id=attach_case_id,
                      attach_session_id=attach_session_id, created_at=now))
    db.flush()
    return url


def _decoded(saml_response: str):
    from saml2.samlp import response_from_string

    try:
        xml = base64.b64decode(saml_response, validate=False)
        return response_from_string(xml)
    except Exception as exc:  # not base64, not XML, not a Response: all the same to the citizen
        raise Refused("malformed") from exc


def _one(values) -> str:
    return str(values[0]).strip() if values else ""


def _cpr(value: str) -> str:
    digits = value.replace("-", "")
    if not _CPR.match(digits):
        raise Refused("no_cpr")
    return f"{digits[:6]}-{digits[6:]}"


def accept_response(db: Session, provider, *, now: datetime, saml_response: str,
                    accepted_loa: tuple[str, ...]) -> MitidLogin:
    """Check NemLog-in's answer and park the identity on its login row, or raise Refused."""
    raw = _decoded(saml_response)
    if raw is None:
        raise Refused("malformed")
    # OIOSAML 3: assertions are encrypted to us. A plain one could have been read on the way.
    if raw.assertion or not raw.encrypted_assertion:
        raise Refused("not_encrypted")
    login = db.exec(select(MitidLogin).where(MitidLogin.id == (raw.in_response_to or ""))).first()
    if login is None or login.answered_at is not None or now - login.created_at > LOGIN_LIFETIME:
        raise Refused("unknown_request")  # never asked, already answered (replay) or stale
    try:
        result = provider.parse_response(saml_response, {login.id: login.came_from})
    except Exception as exc:  # pysaml2 raises SAMLError subclasses and, for the audience, a bare Exception
        raise Refused(_pysaml2_reason(exc)) from exc
    if result is None or result.assertion is None:  # e.g. a wrong Destination: pysaml2 returns it empty
        raise Refused("invalid")
    signature = result.assertion.signature
    if signature is None or signature.signed_info.signature_method.algorithm != RSA_SHA256:
        raise Refused("algorithm")
    authn = result.authn_info()
    context_loa = authn[0][0] if authn else ""
    attributes = result.ava or {}
    if context_loa not in accepted_loa or _one(attributes.get(ATTR_LOA)) not in accepted_loa:
        raise Refused("loa")
    cpr = _cpr(_one(attributes.get(ATTR_CPR)))
    full_name = _one(attributes.get(ATTR_FULL_NAME))[:120]
    if not full_name:
        raise Refused("no_name")
    info = result.session_info()
    name_id = info.get("name_id")
    answer = Answer(cpr=cpr, full_name=full_name, loa=context_loa,
                    name_id=str(getattr(name_id, "text", "") or "")[:200],
                    session_index=str(info.get("session_index") or "")[:200], assertion_id=result.assertion.id)
    expires = info.get("not_on_or_after")
    not_on_or_after = datetime.fromtimestamp(expires, timezone.utc) if expires else now + LOGIN_LIFETIME
    return _park(db, login, answer, not_on_or_after=not_on_or_after, now=now)


def _pysaml2_reason(exc: Exception) -> str:
    name = type(exc).__name__
    text = str(exc)
    if "Signature" in name or "signature" in text.lower():
        return "signature"
    if "Unsolicited" in name:
        return "unknown_request"
    if "Audience" in text:
        return "audience"
    if "Verification" in name or "expired" in text.lower() or "too old" in text.lower():
        return "time"
    return "invalid"


def _park(db: Session, login: MitidLogin, answer: Answer, *, not_on_or_after: datetime, now: datetime) -> MitidLogin:
    # Both guards are database facts shared by every worker: the row answered once (a second ACS
    # POST with the same response finds it answered), the assertion id used once (its primary key).
    answered = db.exec(update(MitidLogin).where(MitidLogin.id == login.id, MitidLogin.answered_at.is_(None)).values(
        answered_at=now, cpr=answer.cpr, full_name=answer.full_name, name_id=answer.name_id,
        session_index=answer.session_index).execution_options(synchronize_session=False)).rowcount
    if answered != 1:
        raise Refused("replay")
    try:
        with db.begin_nested():
            db.add(MitidAssertion(id=answer.assertion_id[:100], not_on_or_after=max(not_on_or_after, now)))
    except IntegrityError as exc:
        raise Refused("replay") from exc
    db.refresh(login)
    return login


def take_answer(db: Session, *, now: datetime, browser_nonce: str | None) -> MitidLogin | None:
    """The answered login this browser started, taken once (the row is deleted: with it the CPR
    number it held, and any later use of the same response); None if there is none or it is stale."""
    if not browser_nonce:
        return None
    login = db.exec(select(MitidLogin).where(
        MitidLogin.browser_digest == token_digest(browser_nonce), MitidLogin.answered_at.is_not(None))
        .order_by(MitidLogin.answered_at.desc())).first()
    if login is None or now - login.answered_at > ANSWER_LIFETIME:
        return None
    db.expunge(login)
    taken = db.exec(delete(MitidLogin).where(MitidLogin.id == login.id)
                    .execution_options(synchronize_session=False)).rowcount
    return login if taken == 1 else None


def forget_old_logins(db: Session, ctx) -> int:
    """A purge rule: a login row holds a CPR number for minutes at most; assertion ids until expiry."""
    removed = db.exec(delete(MitidLogin).where(MitidLogin.created_at < ctx.now - LOGIN_LIFETIME - ANSWER_LIFETIME)
                      .execution_options(synchronize_session=False)).rowcount or 0
    return removed + (db.exec(delete(MitidAssertion).where(MitidAssertion.not_on_or_after < ctx.now)
                              .execution_options(synchronize_session=False)).rowcount or 0)
