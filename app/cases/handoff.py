"""Handing a new personal code to the citizen: shown once, with QR, download and a "did you save it?" check.

The code is never stored in clear. The page that shows it is the response to the POST that created it
(no-store), and the browser is signed in to the new case at the same time. The download and the
confirmation send the code back in a hidden field; it is verified against the signed-in case before use,
so nobody can make the portal display or offer a code that is not theirs.
"""

from __future__ import annotations

from datetime import datetime

import segno
from fastapi import Request
from markupsafe import Markup

from app.cases.citizen_session import start_citizen_session
from app.cases.models import CitizenCase
from app.core.codes import PersonalCode, parse_code
from app.core.security import verify_secret
from app.core.web import render


def qr_svg(code: PersonalCode, label: str) -> Markup:
    """The code as a QR code (inline SVG: no extra request, nothing inline-styled)."""
    svg = segno.make(code.compact, error="m").svg_inline(scale=4, border=2, omitsize=False)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" ', 1))


def code_belongs_to(case: CitizenCase, typed: str | None) -> PersonalCode | None:
    """The parsed code if it opens this very case, else None."""
    code = parse_code(typed)
    if code is None or code.selector != case.code_selector:
        return None
    return code if verify_secret(case.code_hash, code.verifier) else None


def hand_over_new_code(
    request: Request, db, case: CitizenCase, code: PersonalCode, *, now: datetime, heading: str,
    details: list[tuple[str, str]] | None = None, next_url: str = "/min-side",
):
    """Show a just-created code (as the POST's own response) and sign this browser in to its case."""
    response = render_new_code(request, code, heading=heading, details=details, next_url=next_url)
    start_citizen_session(request, response, db, case, now)
    return response


def render_new_code(
    request: Request, code: PersonalCode, *, heading: str, next_url: str = "/min-side",
    details: list[tuple[str, str]] | None = None, errors: dict | None = None, typed_last: str = "",
    status: int = 200,
):
    """The one page that ever shows a code. `details` are (label, value) lines such as the booked time."""
    return render(request, "public/cases/new_code.html", {
        "code": code, "heading": heading, "next_url": next_url, "details": details or [],
        "errors": errors or {}, "form": {"last_group": typed_last},
        "qr": qr_svg(code, "QR-kode med din personlige kode"),
    }, status=status)
