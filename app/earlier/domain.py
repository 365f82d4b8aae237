"""Earlier first appointments for treatment requests: a mark on the request, freed first-appointment
times suggested to the request closest to its 14-day deadline."""

from app.core.domain import Domain, MenuItem
from app.core.i18n import N_
from app.earlier import panels, staff
from app.earlier.models import EarlierSlotGiven, EarlierStartWish
from app.staff.deps import COUNSELLING

DOMAIN = Domain(
    "earlier",
    models=(EarlierStartWish, EarlierSlotGiven),
    staff_routers=(staff.router,),
    staff_case_panels=(panels.staff_earlier_panel,),
    menu_items=(MenuItem.of("/personale/tidligere-tider", N_("Ledige første samtaler"), COUNSELLING, order=35),),
)
