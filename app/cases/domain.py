"""The citizen's case: the personal code, sign-in to Min side and the code hand-over."""

from app.cases import public
from app.cases.models import CitizenCase
from app.core.domain import Domain

DOMAIN = Domain("cases", models=(CitizenCase,), routers=(public.router,))
