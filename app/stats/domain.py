"""Statistics for the leadership: requests, guarantee, courses, Åben Rådgivning."""

from app.core.domain import Domain, MenuItem
from app.core.i18n import N_
from app.staff.deps import LEADERSHIP
from app.stats import staff
from app.stats.models import INDEXES

DOMAIN = Domain(
    "stats",
    models=INDEXES,
    staff_routers=(staff.router,),
    menu_items=(MenuItem.of("/personale/statistik", N_("Statistik"), LEADERSHIP, order=700),),
)
