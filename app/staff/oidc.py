"""/personale/oidc: staff sign-in at the municipality's identity provider (OpenID Connect). Thin routes.

Off (every URL answers 404, and the sign-in page shows no button) unless STAFF_OIDC_ISSUER and
STAFF_OIDC_CLIENT_ID are set. The protocol is app/staff/oidc_client.py's, the rules
app/staff/oidc_service.py's.

Both routes are async: the provider is asked on the event loop (httpx), so a slow provider holds
no worker thread and no database slot; the database work is one transaction in a worker thread.
"""

from __future__ import annotations

import hmac
import logging
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from app.core.config import StaffOidcSettings
from app.core.db import transaction
from app.core.deps import Now
from app.core.errors import NotFound
from app.core.web import render
from app.staff import oidc_client, oidc_service
from app.staff.session import set_staff_cookie

# The HTTP access log (app.core.middleware) has the path, never the query with code and state;
# these lines add the outcome, by staff id only: no subject, name, e-mail address or token.
log = logging.getLogger("app.access")

router = APIRouter(prefix="/personale/oidc")

CALLBACK_PATH = "/personale/oidc/callback"
# The request's state, nonce and PKCE verifier ride in a signed cookie between the redirect to the
# provider and the callback. SameSite=Lax, as the callback is a top-level GET from the provider's site.
OUTSTANDING_COOKIE = "rp_oidc"
OUTSTANDING_MAX_AGE = 600


class OidcOff(NotFound):
    """Not configured: the URLs do not exist."""


def _config(request: Request) -> StaffOidcSettings:
    config = request.app.state.settings.staff_oidc
    if not config.enabled:
        raise OidcOff()
    return config


def _redirect_uri(request: Request) -> str:
    # Behind a proxy the scheme and host come from TRUSTED_PROXIES' forwarded headers; the provider
    # compares the URI with the one registered, so a forged Host header only gets a refusal there.
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def _pack(outstanding: oidc_client.Outstanding) -> str:
    return f"oidc:{outstanding.state}:{outstanding.nonce}:{outstanding.code_verifier}"


def _unpack(value: str | None) -> oidc_client.Outstanding | None:
    parts = (value or "").split(":")
    if len(parts) != 4 or parts[0] != "oidc":
        return None
    return oidc_client.Outstanding(*parts[1:])


def _refused(request: Request, reason: str, status: int):
    log.info("staff oidc sign-in refused: %s", reason)
    response = render(request, "staff/oidc/refused.html", {"user": None, "reason": reason}, status=status)
    response.delete_cookie(OUTSTANDING_COOKIE, path="/personale/oidc")
    return response


@router.get("/log-ind")
async def start_staff_oidc(request: Request):
    config = _config(request)
    oidc_service.RoleMap.of(config)  # a role map naming an unknown role fails here, before the provider
    try:
        provider = await oidc_client.discover(config.issuer, timeout=config.timeout_seconds)
    except oidc_client.ProviderUnavailable as exc:
        log.warning("staff oidc discovery failed: %s", exc)
        return _refused(request, "unavailable", 503)
    outstanding = oidc_client.Outstanding.new()
    url = oidc_client.authorization_url(provider, client_id=config.client_id, redirect_uri=_redirect_uri(request),
                                        request=outstanding)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(OUTSTANDING_COOKIE, request.app.state.signer.sign_cookie(_pack(outstanding)),
                        max_age=OUTSTANDING_MAX_AGE, httponly=True, samesite="lax", path="/personale/oidc",
                        secure=request.app.state.settings.secure_cookies)
    return response


def _sign_in_once(engine, *, claims: dict, config: StaffOidcSettings, now, user_agent: str):
    with transaction(engine) as db:
        signed_in = oidc_service.sign_in_with_claims(db, claims=claims, config=config, now=now)
        return signed_in, oidc_service.start_oidc_session(db, signed_in, now=now, user_agent=user_agent)


def _sign_in(engine, **kwargs):
    """One transaction: the member (found, linked or created) and their new session."""
    try:
        return _sign_in_once(engine, **kwargs)
    except IntegrityError:
        # Two first sign-ins of one person at once: the other created or linked the member (the unique
        # oidc_subject and username said so); now it is found.
        return _sign_in_once(engine, **kwargs)


@router.get("/callback")
async def finish_staff_oidc(
    request: Request, now: Now,
    # Some providers' codes run to a couple of kilobytes (Entra ID's do).
    code: Annotated[str, Query(max_length=8000)] = "", state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "", iss: Annotated[str, Query(max_length=500)] = "",
):
    config = _config(request)
    signer = request.app.state.signer
    outstanding = _unpack(signer.unsign_cookie(request.cookies.get(OUTSTANDING_COOKIE), OUTSTANDING_MAX_AGE))
    # The state proves this browser started this sign-in: a code sent here from elsewhere (login CSRF)
    # or a replayed callback finds no matching cookie.
    if outstanding is None or not hmac.compare_digest(state.encode(), outstanding.state.encode()):
        return _refused(request, "state", 400)
    # RFC 9207: a provider that names itself in the answer must be ours (a mix-up with another is refused).
    if error or not code or (iss and iss != config.issuer):
        return _refused(request, "provider_error", 400)
    try:
        provider = await oidc_client.discover(config.issuer, timeout=config.timeout_seconds)
        token, jwks = await oidc_client.exchange_code(
            provider, client_id=config.client_id, client_secret=config.client_secret,
            redirect_uri=_redirect_uri(request), code=code, request=outstanding, timeout=config.timeout_seconds)
        claims = oidc_client.verify_id_token(provider, token, jwks, client_id=config.client_id,
                                             nonce=outstanding.nonce, now=int(now.timestamp()))
    except oidc_client.ProviderUnavailable as exc:
        log.warning("staff oidc provider unavailable: %s", exc)
        return _refused(request, "unavailable", 503)
    except oidc_client.TokenRejected as exc:
        log.warning("staff oidc token rejected: %s", exc)
        return _refused(request, "token", 403)
    try:
        signed_in, session_token = await run_in_threadpool(partial(
            _sign_in, request.app.state.engine, claims=claims, config=config, now=now,
            user_agent=request.headers.get("user-agent", "")))
    except oidc_service.OidcRefused as refused:
        return _refused(request, refused.reason, 403)
    log.info("staff oidc sign-in: staff %s (%s), second factor %s", signed_in.user.id, signed_in.how,
             "at the provider" if signed_in.second_factor_passed else "to follow")
    # A page, not a redirect: the staff cookie is SameSite=Strict, and browsers withhold it from the
    # rest of a redirect chain that began on the provider's site. The page's own navigation is same-site.
    response = render(request, "staff/oidc/signed_in.html", {"user": None})
    response.delete_cookie(OUTSTANDING_COOKIE, path="/personale/oidc")
    return set_staff_cookie(request, response, session_token)
