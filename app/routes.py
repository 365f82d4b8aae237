"""Every router in one list: the order matters only for the sign-in routes before the guarded ones."""

from __future__ import annotations

from fastapi import FastAPI


def include_routers(app: FastAPI) -> None:
    from app.account import staff as account_staff
    from app.appointments import public as appointments_public
    from app.booking import api as booking_api, panels as booking_panels  # noqa: F401  (panels register)
    from app.booking import public as booking_public, staff as booking_staff
    from app.appointments import staff as appointments_staff
    from app.cases import public as cases_public
    from app.complaints import public as complaints_public
    from app.complaints import staff as complaints_staff
    from app.decisions import staff as decisions_staff
    from app.export import public as export_public
    from app.notify import staff as notify_staff
    from app.plans import public as plans_public
    from app.plans import staff as plans_staff
    from app.requests import public as requests_public
    from app.requests import staff as requests_staff
    from app.site import routes as site
    from app.staff import routes as staff
    from app.stats import staff as stats_staff

    html_routers = [
        site.router,
        cases_public.router,
        booking_public.router,
        requests_public.router,
        plans_public.router,
        appointments_public.router,
        complaints_public.router,
        export_public.router,
        staff.signin_router,
        account_staff.second_factor_router,
        staff.router,
        booking_staff.router,
        requests_staff.router,
        plans_staff.router,
        appointments_staff.router,
        complaints_staff.router,
        decisions_staff.router,
        notify_staff.router,
        account_staff.router,
        stats_staff.router,
    ]
    # HTML pages stay out of the OpenAPI document; it describes /api/v1 only.
    for router in html_routers:
        app.include_router(router, include_in_schema=False)
    app.include_router(booking_api.router, prefix="/api/v1", include_in_schema=True)
    # Kept for tests that walk every route (authorisation matrix, CSRF on every POST).
    app.state.routers = html_routers
