"""A staff member's own account: the second factor (TOTP, recovery codes) and password."""

from app.account import staff
from app.account.models import RecoveryCode, StaffTotp
from app.core.domain import Domain, MenuItem
from app.core.i18n import N_
from app.staff.deps import RECEPTION_UP

DOMAIN = Domain(
    "account",
    models=(RecoveryCode, StaffTotp),
    staff_routers=(staff.second_factor_router, staff.router),
    menu_items=(MenuItem.of("/personale/min-konto", N_("Min konto"), RECEPTION_UP, order=990),),
)
