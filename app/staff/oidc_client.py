"""The OpenID Connect relying party's protocol work, and the only module that imports authlib.

authlib builds the authorization request (PKCE S256), the token request and its client
authentication, and checks the ID token's claims (`CodeIDToken`: iss, aud, exp, iat, nonce, azp,
at_hash); joserfc, the JOSE library authlib itself uses, checks the signature against the provider's
JWKS. The transport is httpx's async client, so a slow provider holds no worker thread.

Nothing here knows staff members or roles (app/staff/oidc_service.py), requests or templates
(app/staff/oidc.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

SCOPE = "openid profile email"
# Asymmetric signatures only: the keys come from the provider's JWKS. "none" and HS* are refused.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
# The provider's clock and ours may differ a little.
LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something that is not OpenID Connect."""


class TokenRejected(Exception):
    """The token endpoint refused the code, or the ID token failed a check (the reason is for the log)."""


@dataclass(frozen=True)
class Provider:
    """What discovery told us (OpenID Connect Discovery 1.0)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    signing_algorithms: tuple[str, ...]


@dataclass(frozen=True)
class Outstanding:
    """One authorization request's secrets, kept by the browser in a signed cookie until the callback."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> "Outstanding":
        # RFC 7636 §4.1: the verifier is 43-128 characters of [A-Za-z0-9-._~]; token_urlsafe(48) gives 64.
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))


def _client(timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, headers={"Accept": "application/json"})


async def _get_json(client: httpx.AsyncClient, url: str) -> dict:
    try:
        response = await client.get(url)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(f"{type(exc).__name__} from {url}") from None
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"not a JSON object from {url}")
    return data


async def discover(issuer: str, *, timeout: float) -> Provider:
    """Read `<issuer>/.well-known/openid-configuration`; its issuer must be ours exactly (Discovery §4.3)."""
    async with _client(timeout) as client:
        doc = await _get_json(client, issuer.rstrip("/") + "/.well-known/openid-configuration")
    if doc.get("issuer") != issuer:
        raise ProviderUnavailable("the discovery document names another issuer")
    try:
        algorithms = tuple(a for a in doc.get("id_token_signing_alg_values_supported") or ["RS256"]
                           if a in SIGNING_ALGORITHMS)
        provider = Provider(issuer, doc["authorization_endpoint"], doc["token_endpoint"], doc["jwks_uri"],
                            algorithms)
    except (KeyError, TypeError):
        raise ProviderUnavailable("the discovery document lacks an endpoint") from None
    if not provider.signing_algorithms:
        raise ProviderUnavailable("the provider signs ID tokens with no algorithm we accept")
    return provider


def authorization_url(provider: Provider, *, client_id: str, redirect_uri: str, request: Outstanding) -> str:
    """The authorization code request with PKCE (S256), state and nonce."""
    return prepare_grant_uri(
        provider.authorization_endpoint, client_id, "code", redirect_uri=redirect_uri, scope=SCOPE,
        state=request.state, nonce=request.nonce,
        code_challenge=create_s256_code_challenge(request.code_verifier), code_challenge_method="S256",
    )


async def exchange_code(
    provider: Provider, *, client_id: str, client_secret: str, redirect_uri: str, code: str,
    request: Outstanding, timeout: float,
) -> tuple[dict, dict]:
    """The token response and the provider's JWKS (fetched in the same client, after the token)."""
    body = prepare_token_request("authorization_code", code=code, redirect_uri=redirect_uri,
                                 code_verifier=request.code_verifier)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    auth = ClientAuth(client_id, client_secret, "client_secret_basic" if client_secret else "none")
    url, headers, body = auth.prepare("POST", provider.token_endpoint, headers, body)
    async with _client(timeout) as client:
        try:
            response = await client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{type(exc).__name__} from the token endpoint") from None
        if response.status_code >= 500:
            raise ProviderUnavailable(f"the token endpoint answered {response.status_code}")
        try:
            token = response.json()
        except ValueError:
            raise ProviderUnavailable("the token endpoint answered no JSON") from None
        if response.status_code != 200 or not isinstance(token, dict) or "id_token" not in token:
            # e.g. invalid_grant: a used or forged code, or a code_verifier that does not match
            error = token.get("error") if isinstance(token, dict) else None
            raise TokenRejected(f"token endpoint: {response.status_code} {error or ''}".strip())
        jwks = await _get_json(client, provider.jwks_uri)
    return token, jwks


def verify_id_token(
    provider: Provider, token: dict, jwks: dict, *, client_id: str, nonce: str, now: int,
) -> dict:
    """The ID token's claims once its signature (the provider's JWKS) and its claims are checked:
    iss is the provider, aud holds our client id, exp is ahead of `now` (give or take the leeway),
    the nonce is the one this browser's request carried (a missing one fails too)."""
    try:
        keys = KeySet.import_key_set(jwks)
        decoded = jwt.decode(str(token["id_token"]), keys,
                             registry=JWSRegistry(algorithms=list(provider.signing_algorithms), strict_check_header=False))
        claims = CodeIDToken(
            decoded.claims, decoded.header,
            options={"iss": {"essential": True, "value": provider.issuer},
                     "aud": {"essential": True, "value": client_id},
                     "exp": {"essential": True}, "sub": {"essential": True}},
            params={"nonce": nonce, "client_id": client_id, "access_token": token.get("access_token")},
        )
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise TokenRejected(f"id_token: {type(exc).__name__}") from None
    return dict(claims)

