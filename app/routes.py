"""Every router in one list: the order matters only for the sign-in routes before the guarded ones."""

from __future__ import annotations

from fastapi import FastAPI


def include_routers(app: FastAPI) -> None:
    from app.cases import public as cases_public
    from app.site import routes as site
    from app.staff import routes as staff

    # HTML pages stay out of the OpenAPI document; it describes /api/v1 only.
    for router in (site.router, cases_public.router, staff.signin_router, staff.router):
        app.include_router(router, include_in_schema=False)
