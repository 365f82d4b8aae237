"""Notifications: the outbox (portal, e-mail, SMS, Digital Post), the jobs runner and the staff's daily digest."""

from app.core.panels import rows_of_case
from app.core.domain import Domain, MenuItem, MinSidePanel, Named
from app.core.i18n import N_
from app.notify import cli, digest, panels, staff
from app.notify.models import Channel, NoticeKind, OutboxMessage, Status
from app.staff.deps import LEADERSHIP

DOMAIN = Domain(
    "notify",
    models=(OutboxMessage,),
    staff_routers=(staff.router, staff.letters_router),
    staff_case_panels=(panels.staff_letters_panel,),
    label_enums=(Channel, Status, NoticeKind),
    min_side_panels=(MinSidePanel(panels.notices_panel, probes={
        "portal": rows_of_case(OutboxMessage, OutboxMessage.channel == Channel.portal.value),
    }),),
    jobs=(Named("staff-digest", digest.queue_digests),),
    menu_items=(MenuItem.of("/personale/notifikationer", N_("Notifikationer"), LEADERSHIP, order=850),),
    commands=(cli.add_jobs_command,),
)
