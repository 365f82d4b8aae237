"""create_app(settings): the citizen face at "/", the staff face at "/personale", JSON at "/api/v1"."""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from sqlalchemy.exc import DataError
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from app.core.compression import GZipMiddleware

from app.core.clock import Clock
from app.core.config import Settings, get_settings, load_centre
from app.core.tenancy import CurrentCentre
from app.tenants.middleware import TenantMiddleware
from app.tenants.service import HostMap
from app.core.db import READ_ONLY, make_async_page_engine, make_engine
from app.core.csrf import CsrfFailed, verify_csrf
from app.core.deps import DbSlots
from app.core.errors import NotFound
from app.core.input_guard import ControlCharacters, TextTooLong, install_length_check, refuse_control_characters
from app.core.i18n import N_
from app.core.middleware import SecurityMiddleware, csp_with_form_targets
from app.core.security import Signer, configure_argon2_concurrency
from app.core.web import STATIC_DIR, build_environments, is_htmx, render, see_other
from app.cases.citizen_session import NeedsCitizen
from app.house import House, house as default_house
from app.staff.access import StaffAccess
from app.staff.deps import Forbidden
from app.staff.session import NeedsSecondFactor, NeedsStaff
from app.notify.config import configure as configure_notify

log = logging.getLogger("app")

ERROR_TITLES = {
    400: "Forespørgslen kunne ikke læses",
    403: "Du har ikke adgang til siden",
    404: "Siden findes ikke",
    405: "Siden kan ikke bruges sådan",
    413: "Det, du sendte, er for stort",
    422: "Formularen kunne ikke læses",
    429: "For mange forsøg",
    500: "Der skete en fejl hos os",
}


def error_response(request: Request, status: int, *, reason: str | None = None):
    if request.scope.get("state", {}).get("body_too_large"):
        status = 413
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": ERROR_TITLES.get(status, "Fejl"), "status": status}, status_code=status)
    try:
        return render(request, "errors/error.html", {"status": status, "reason": reason}, status=status)
    except Exception:  # the error page itself must never fail
        log.exception("error page failed")
        return HTMLResponse("<!doctype html><html lang=da><title>Fejl</title><h1>Der skete en fejl</h1>",
                            status_code=status)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(request, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        too_long = any(error.get("type") == "string_too_long" for error in exc.errors())
        return error_response(request, 422, reason="too_long" if too_long else None)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return error_response(request, 404)

    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: DataError):
        # e.g. an id beyond PostgreSQL's integer range typed into a URL: nothing by that id exists.
        return error_response(request, 404)

    @app.exception_handler(ControlCharacters)
    async def control_characters(request: Request, exc: ControlCharacters):
        return error_response(request, 422, reason="control")

    @app.exception_handler(TextTooLong)
    async def text_too_long(request: Request, exc: TextTooLong):
        return error_response(request, 422, reason="too_long")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed):
        return error_response(request, 403, reason="csrf")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden):
        return error_response(request, 403)

    @app.exception_handler(NeedsCitizen)
    async def needs_citizen(request: Request, exc: NeedsCitizen):
        response = see_other("/status", flash=N_("Skriv din kode for at se din side."))
        if is_htmx(request):
            response.headers["HX-Redirect"] = "/status"
        return response

    @app.exception_handler(NeedsStaff)
    async def needs_staff(request: Request, exc: NeedsStaff):
        return see_other("/personale/log-ind")

    @app.exception_handler(NeedsSecondFactor)
    async def needs_second_factor(request: Request, exc: NeedsSecondFactor):
        return see_other("/personale/to-trin")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_response(request, 500)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, house: House | None = None) -> FastAPI:
    settings = settings or get_settings()
    house = house or default_house()
    settings.check()
    # The current tenant's centre wherever the centre is read (app.core.tenancy.CurrentCentre).
    default_centre = load_centre(settings.centre_file)
    centre = CurrentCentre(default_centre)
    configure_argon2_concurrency(settings.argon2_concurrency)
    install_length_check()

    # FastAPI's docs pages load assets from a CDN: off. The OpenAPI document itself is served.
    app = FastAPI(
        title="Rusmiddelportalen API", version="1", docs_url=None, redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(verify_csrf), Depends(refuse_control_characters)],
    )
    app.state.settings = settings
    app.state.house = house
    app.state.centre = centre
    app.state.clock = clock or Clock()
    app.state.engine = make_engine(settings.database_url)
    # GET and HEAD sessions begin deferred on SQLite (see get_db); same pool, no I/O to set up.
    app.state.read_only_engine = app.state.engine.execution_options(**READ_ONLY)
    # Signed-in citizen pages (app.cases.citizen_session.citizen_page) only read. They read in a
    # transaction on PostgreSQL too: the tenant is set per transaction (SET LOCAL), and outside one
    # row-level security would show them nothing.
    app.state.page_engine = app.state.read_only_engine
    app.state.async_page_engine = make_async_page_engine(settings.database_url)  # None on SQLite
    app.state.db_slots = DbSlots(settings.db_concurrency)
    app.state.signer = Signer(settings.secret_key)
    app.state.templates = build_environments(settings, centre, house.staff_menu, house.label_enums)
    app.state.mitid = _mitid_provider(settings)
    if settings.staff_oidc.enabled:
        from app.staff.oidc_service import RoleMap

        RoleMap.of(settings.staff_oidc)  # a role the portal does not have: refuse to start, not a 500 later
    configure_notify(settings, centre)

    _install_handlers(app)
    app.state.tenant_hosts = HostMap(default_centre)
    app.add_middleware(TenantMiddleware, engine=app.state.engine, hosts=app.state.tenant_hosts,
                       error_page=_middleware_error_page)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(SecurityMiddleware, secure_cookies=settings.secure_cookies,
                       max_body=settings.max_body_bytes, error_page=_middleware_error_page,
                       csp=csp_with_form_targets(app.state.mitid.idp_origins if app.state.mitid else ()))
    if settings.trusted_proxies:
        # Outermost, so everything inside sees the citizen's address, not the proxy's: uvicorn's own
        # middleware, believing the forwarded headers only from the listed proxies.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # HTML pages stay out of the OpenAPI document; it describes /api/v1 only.
    for router in house.html_routers:
        app.include_router(router, include_in_schema=False)
    for router in house.api_routers:
        app.include_router(router, prefix="/api/v1", include_in_schema=True)
    # Links are offered by the routes' own role rules.
    access = StaffAccess(route for router in house.html_routers for route in router.routes)
    for env in app.state.templates.values():
        env.globals["staff_may"] = access
        env.globals["mitid_on"] = app.state.mitid is not None
    return app


def _mitid_provider(settings: Settings):
    """NemLog-in's service provider when MitID is configured; None (and pysaml2 never imported) when not."""
    if not settings.mitid.enabled:
        return None
    from app.identity.saml import ServiceProvider

    try:
        return ServiceProvider(settings.mitid)
    except Exception as exc:  # a missing file, unreadable metadata, no xmlsec1: say which, at start-up
        raise RuntimeError(f"MitID-opsætningen kan ikke bruges ({type(exc).__name__}: {exc})") from exc


def _middleware_error_page(scope, status: int):
    return error_response(Request(scope), status)
