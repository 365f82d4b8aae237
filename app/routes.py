"""Every router in one list: the order matters only for the sign-in routes before the guarded ones."""

from __future__ import annotations

from fastapi import FastAPI


def include_routers(app: FastAPI) -> None:
    from app.account import staff as account_staff
    from app.cases import public as cases_public
    from app.export import public as export_public
    from app.site import routes as site
    from app.staff import routes as staff

    # HTML pages stay out of the OpenAPI document; it describes /api/v1 only.
    html_routers = [site.router, cases_public.router, staff.signin_router, staff.router,
                    account_staff.second_factor_router, account_staff.router, export_public.router]
    for router in html_routers:
        app.include_router(router, include_in_schema=False)
    # Kept for tests that walk every route (authorisation matrix, CSRF on every POST).
    app.state.routers = html_routers
