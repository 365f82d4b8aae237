"""Pure ASGI middleware: security headers, CSRF cookie, flash, body-size cap, privacy-safe access log."""

from __future__ import annotations

import logging
import secrets
import time

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.web import CSRF_COOKIE, FLASH_COOKIE

access_log = logging.getLogger("app.access")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'none'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def csp_with_form_targets(origins) -> str:
    """The policy when a form of ours sends the browser on to another site (MitID's sign-in at
    NemLog-in): form-action governs the redirect after a POST too, so those origins are named."""
    return CSP.replace("form-action 'self'", " ".join(("form-action 'self'", *origins))) if origins else CSP


PUBLIC_PREFIXES = ("/static/", "/favicon.ico", "/healthz", "/robots.txt")
# The same for every visitor, so a browser or a shared cache may keep them: no cookie may ride along.
SHARED_ASSETS = ("/static/", "/favicon.ico", "/robots.txt")


class BodyTooLarge(Exception):
    pass


def _cookies(scope: Scope) -> dict[str, str]:
    # Starlette's parser, as Request.cookies uses: lenient (a malformed header is never a 500) and
    # several times quicker than http.cookies.SimpleCookie.
    return cookie_parser(b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1"))


class SecurityMiddleware:
    """Every response gets the baseline headers; private pages are never cached."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool, max_body: int, error_page, csp: str = CSP):
        self.app = app
        self.csp = csp
        self.secure_cookies = secure_cookies
        self.max_body = max_body
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        state = scope.setdefault("state", {})
        binding = cookies.get(CSRF_COOKIE)
        new_binding = None
        if not binding or len(binding) > 64:
            binding = new_binding = secrets.token_urlsafe(24)
        state["csrf_binding"] = binding
        state["flash"] = cookies.get(FLASH_COOKIE)
        path = scope["path"]
        started = time.perf_counter()
        status_holder = {"status": 0, "started": False}

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # FastAPI turns errors while reading a body into a 400; the flag lets the
                    # error handler answer 413 instead.
                    state["body_too_large"] = True
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                shared_asset = path.startswith(SHARED_ASSETS) and message["status"] in (200, 304)
                if shared_asset and path.startswith("/static/"):
                    # Asset URLs carry a content hash (?v=...), so they may be kept for long.
                    headers["Cache-Control"] = "public, max-age=31536000, immutable"
                elif shared_asset:
                    headers["Cache-Control"] = "public, max-age=86400"  # fixed URLs: a day
                else:
                    # Citizens may be on a shared phone: nothing we render may be kept by the browser.
                    headers["Cache-Control"] = "no-store"
                if self.secure_cookies:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                secure = "; Secure" if self.secure_cookies else ""
                # Cookies are set by pages only: a cached asset must not hand one visitor's cookie to another.
                if new_binding and not shared_asset:
                    headers.append("Set-Cookie", f"{CSRF_COOKIE}={new_binding}; Path=/; HttpOnly; SameSite=Lax{secure}")
                if state.get("flash") and message["status"] < 300 and not shared_asset:
                    headers.append("Set-Cookie", f"{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
                if self.secure_cookies:
                    raw = message["headers"]
                    message["headers"] = [
                        (k, v + b"; Secure") if k == b"set-cookie" and b"secure" not in v.lower() else (k, v)
                        for k, v in raw
                    ]
            await send(message)

        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None:
            try:
                too_big = int(declared) > self.max_body
            except ValueError:
                too_big = True
            if too_big:
                await self._send_error(scope, receive, send_with_headers, 413)
                return

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not status_holder["started"]:
                await self._send_error(scope, receive, send_with_headers, 413)
        except Exception:
            # Starlette answers an unhandled error outside every middleware, so without this the 500
            # page would go out without the baseline headers. The error goes on to be logged (by type
            # only, app.main) and re-raised for the server, which sends nothing more once we have.
            if not status_holder["started"]:
                await self._send_error(scope, receive, send_with_headers, 500)
            raise
        finally:
            # No client address, no query string, no cookies: nothing that could identify a citizen.
            if not path.startswith(PUBLIC_PREFIXES):
                access_log.info("%s %s %s %.1fms", scope["method"], path, status_holder["status"],
                                (time.perf_counter() - started) * 1000)

    async def _send_error(self, scope, receive, send, status: int) -> None:
        response = self.error_page(scope, status)
        await response(scope, receive, send)
