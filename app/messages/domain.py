"""Messages between a citizen and the centre: Min side's thread, the reply on the staff's case page."""

from app.core.domain import Domain, MinSidePanel
from app.messages import case_file, panels, public, service, staff
from app.messages.models import Message

DOMAIN = Domain(
    "messages",
    models=(Message,),
    routers=(public.router,),
    staff_routers=(staff.router,),
    min_side_panels=(
        MinSidePanel(panels.messages_panel, probes={"unread": service.unread_for_citizen,
                                                    "count": service.count_for_case}),
    ),
    staff_case_panels=(panels.staff_messages_panel,),
    case_file_sections=(case_file.messages_section,),
)
