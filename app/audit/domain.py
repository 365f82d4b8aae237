"""The access log: every staff read or change of a case, shown to the citizen on Min side."""

from app.audit import panels
from app.audit.models import AccessLogEntry
from app.core.panels import rows_of_case
from app.core.domain import Domain, MinSidePanel

DOMAIN = Domain(
    "audit",
    models=(AccessLogEntry,),
    min_side_panels=(MinSidePanel(panels.access_log_panel, probes={"entries": rows_of_case(AccessLogEntry)}),),
    staff_case_panels=(panels.staff_access_log_panel,),
)
