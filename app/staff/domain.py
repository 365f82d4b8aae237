"""Staff users and their sign-in; the back-office's front page and user administration."""

from app.core.domain import Domain, MenuItem
from app.core.i18n import N_
from app.staff import oidc, staff
from app.staff.deps import ADMIN
from app.staff.models import Role, StaffUser

DOMAIN = Domain(
    "staff",
    models=(StaffUser,),
    # Sign-in first: its routes (password, and the municipality's identity provider when configured)
    # are the only /personale pages without the staff session guard.
    staff_routers=(staff.signin_router, oidc.router, staff.router),
    label_enums=(Role,),
    menu_items=(MenuItem.of("/personale/medarbejdere", N_("Medarbejdere"), ADMIN, order=900),),
)
