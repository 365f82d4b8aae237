"""A real OpenID Connect provider on loopback for the tests: small, but it speaks the protocol.

`TestProvider.start(clock=...)` serves, in a thread on a free port:
- `/.well-known/openid-configuration` (discovery) and `/jwks` (the public half of a fresh RSA key);
- `/authorize`: checks client_id, redirect_uri, response_type=code, scope openid and a PKCE S256
  challenge, "signs in" whoever the test put in `provider.person`, and redirects back with a code
  and the state;
- `/token`: the authorization_code grant with client_secret_basic; the code is single-use and bound
  to its client, redirect_uri and code_challenge (the code_verifier must hash to it); it answers an
  RS256-signed ID token with iss, sub, aud, iat, exp, nonce, amr, acr and the person's claims.

Time is the test's clock (the portal's injected one), so "expired" means expired to both. A test
breaks the provider on purpose through `provider.next_token` (claims to override, a token
`tamper`, or a `sign_with` key not in the JWKS) – the portal's own checks are never touched.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.factories.ports import free_port

CLIENT_ID = "rusmiddelportalen"
CLIENT_SECRET = "test-client-secret-0123456789"
REDIRECT_URI = "http://testserver/personale/oidc/callback"


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class NextToken:
    """How the next ID token is made wrong (reset after every token)."""

    claims: dict = field(default_factory=dict)  # override or add claims; a None value removes it
    sign_with: RSAKey | None = None
    tamper: bool = False  # change the payload after signing


@dataclass
class TestProvider:
    __test__ = False  # not a pytest class

    clock: object
    port: int = 0
    redirect_uri: str = REDIRECT_URI  # the portal's callback, as registered with the provider
    key: RSAKey = field(default_factory=lambda: new_key("test-key-1"))
    person: dict = field(default_factory=dict)
    next_token: NextToken = field(default_factory=NextToken)
    codes: dict = field(default_factory=dict)
    token_requests: list = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, *, clock, redirect_uri: str = REDIRECT_URI) -> "TestProvider":
        provider = cls(clock=clock, port=free_port(), redirect_uri=redirect_uri)
        provider._server = ThreadingHTTPServer(("127.0.0.1", provider.port), _handler(provider))
        provider._server.daemon_threads = True
        threading.Thread(target=provider._server.serve_forever, daemon=True).start()
        return provider

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def jwks(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    # --- the two protocol steps ------------------------------------------------------------------

    def authorize(self, query: dict) -> tuple[int, dict]:
        q = {k: v[0] for k, v in query.items()}
        if q.get("client_id") != CLIENT_ID or q.get("redirect_uri") != self.redirect_uri:
            return 400, {"error": "invalid_request", "error_description": "unknown client or redirect_uri"}
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return 400, {"error": "invalid_request"}
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return 400, {"error": "invalid_request", "error_description": "PKCE S256 required"}
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"challenge": q["code_challenge"], "nonce": q.get("nonce"), "person": dict(self.person),
                            "redirect_uri": q["redirect_uri"]}
        params = {"code": code}
        if "state" in q:
            params["state"] = q["state"]
        return 302, {"location": f"{q['redirect_uri']}?{urlencode(params)}"}

    def token(self, form: dict, authorization: str | None) -> tuple[int, dict]:
        f = {k: v[0] for k, v in form.items()}
        self.token_requests.append(f)
        if authorization != "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode():
            return 401, {"error": "invalid_client"}
        if f.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        grant = self.codes.pop(f.get("code", ""), None)  # single use
        if grant is None or f.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = f.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "code_verifier does not match"}
        access_token = secrets.token_urlsafe(24)
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                     "id_token": self._id_token(grant)}

    def _id_token(self, grant: dict) -> str:
        now = int(self.clock.now().timestamp())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "auth_time": now,
                  "nonce": grant["nonce"], **grant["person"]}
        bad, self.next_token = self.next_token, NextToken()
        for name, value in bad.claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = bad.sign_with or self.key
        token = jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)
        if bad.tamper:
            header, payload, signature = token.split(".")
            changed = dict(claims, groups=["rp-admin"])
            payload = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
            token = ".".join((header, payload, signature))
        return token


def person(sub: str = "idp-0001", *, groups=("rp-counsellor",), amr=("pwd", "mfa"), **claims) -> dict:
    """The claims of someone at the provider (the municipality's directory)."""
    data = {"sub": sub, "given_name": "Sofie", "family_name": "Kommunesen", "name": "Sofie Kommunesen",
            "email": "sofie@kommune.test", "email_verified": True, "preferred_username": "sofie@kommune.test",
            "groups": None if groups is None else list(groups), "amr": None if amr is None else list(amr)}
    data.update(claims)
    return {k: v for k, v in data.items() if v is not None}


def _handler(provider: TestProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, body: dict):
            if status == 302:
                self.send_response(302)
                self.send_header("Location", body["location"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                self._answer(200, provider.discovery())
            elif url.path == "/jwks":
                self._answer(200, provider.jwks())
            elif url.path == "/authorize":
                self._answer(*provider.authorize(parse_qs(url.query)))
            else:
                self._answer(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            if urlsplit(self.path).path == "/token":
                self._answer(*provider.token(form, self.headers.get("Authorization")))
            else:
                self._answer(404, {"error": "not_found"})

    return Handler


def to_provider(client) -> str:
    """The portal's redirect to the provider, from the staff sign-in's button."""
    response = client.get("/personale/oidc/log-ind", follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def through_provider(authorize_url: str) -> str:
    """What a browser does at the provider: its answer is a redirect back to the portal's callback."""
    import httpx
    response = httpx.get(authorize_url, follow_redirects=False)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith("http://testserver/"), location
    return location[len("http://testserver"):]


def sign_in_oidc(client, provider: TestProvider, who: dict):
    """The whole round trip for `who`; returns the portal's answer to the callback."""
    provider.person = who
    return client.get(through_provider(to_provider(client)), follow_redirects=False)
