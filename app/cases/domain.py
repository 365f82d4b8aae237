"""The citizen's case: the personal code, sign-in to Min side, the code hand-over and the staff's case page."""

from app.cases import public, staff
from app.cases.models import CitizenCase
from app.core.domain import Domain

DOMAIN = Domain("cases", models=(CitizenCase,), routers=(public.router,), staff_routers=(staff.router,))
