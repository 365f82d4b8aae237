"""The public pages that belong to no case: front page, help, accessibility statement, health."""

from app.core.domain import Domain
from app.site import public

DOMAIN = Domain("site", routers=(public.router,))
