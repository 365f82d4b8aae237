"""The start page, language switch, quick exit and health checks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse
from sqlalchemy import text

from app.cases.citizen_session import end_citizen_session
from app.core.deps import DB, Now
from app.core.i18n import LANG_COOKIE, LANGUAGES
from app.core.web import STATIC_DIR, render, safe_next

router = APIRouter()


@router.get("/")
def show_start(request: Request):
    return render(request, "public/start.html")


@router.get("/sprog/{lang}")
def switch_language(request: Request, lang: str, next: str = "/"):
    """A plain link, so it works without JavaScript; only a preference is stored."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True,
                            secure=request.app.state.settings.secure_cookies)
    return response


@router.get("/forlad")
def quick_exit(request: Request, db: DB, now: Now):
    """Quick exit: end the citizen session and leave for a neutral site, leaving no history entry."""
    response = RedirectResponse(request.app.state.centre.quick_exit_url, status_code=303)
    end_citizen_session(request, response, db, now=now)
    response.headers["Clear-Site-Data"] = '"cache", "cookies"'
    return response


@router.get("/healthz")
def healthz(db: DB):
    db.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/healthz/live")
async def healthz_live():
    """No database: the reference point for load measurements."""
    return JSONResponse({"status": "ok"})


@router.get("/favicon.ico", include_in_schema=False)
async def favicon():
    return FileResponse(STATIC_DIR / "favicon.ico")  # caching: SecurityMiddleware, as for /static/


@router.get("/robots.txt", include_in_schema=False)
async def robots():
    return PlainTextResponse("User-agent: *\nDisallow: /min-side\nDisallow: /personale\n")
