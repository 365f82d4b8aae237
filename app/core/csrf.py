"""CSRF: every state-changing request carries a signed token bound to the browser (app-wide dependency)."""

from __future__ import annotations

from fastapi import Request


class CsrfFailed(Exception):
    pass


async def verify_csrf(request: Request) -> None:
    """Every state-changing request carries a signed token bound to the browser's CSRF cookie."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if getattr(request.scope.get("endpoint"), "csrf_exempt", False):
        return  # a cross-site POST by design (NemLog-in's answer): the route checks it its own way
    # A second, independent check: a browser names the page a POST came from. Another site's is
    # refused even if a token leaked. "null" (sent with Referrer-Policy: no-referrer, sandboxed frames)
    # and no Origin at all (older clients, curl) are left to the token.
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfFailed()
    token = request.headers.get("X-CSRF-Token")
    if not token:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except Exception as exc:  # malformed body: treat as a failed token, not a 500
                raise CsrfFailed() from exc
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    binding = request.scope["state"].get("csrf_binding")
    if not request.app.state.signer.csrf_valid(token, binding):
        raise CsrfFailed()
