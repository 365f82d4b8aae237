"""Every router in one list: the order matters only for the sign-in routes before the guarded ones."""

from __future__ import annotations

from fastapi import FastAPI


def include_routers(app: FastAPI) -> None:
    from app.booking import api as booking_api, panels as booking_panels  # noqa: F401  (panels register)
    from app.booking import public as booking_public, staff as booking_staff
    from app.cases import public as cases_public
    from app.site import routes as site
    from app.staff import routes as staff

    # HTML pages stay out of the OpenAPI document; it describes /api/v1 only.
    html_routers = [site.router, cases_public.router, staff.signin_router, staff.router,
                    booking_public.router, booking_staff.router]
    for router in html_routers:
        app.include_router(router, include_in_schema=False)
    app.include_router(booking_api.router, prefix="/api/v1", include_in_schema=True)
    # Kept for tests that walk every route (authorisation matrix, CSRF on every POST).
    app.state.routers = html_routers
