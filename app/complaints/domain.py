"""Complaints about decisions: reconsideration, forwarding to Ankestyrelsen with the case file."""

from app.core.panels import rows_of_case
from app.complaints import case_file, panels, public, service, staff
from app.complaints.models import Complaint, ComplaintChannel, ComplaintOutcome, ComplaintStatus
from app.core.domain import Domain, MenuItem, MinSidePanel, Named
from app.core.i18n import N_
from app.staff.deps import COUNSELLING

DOMAIN = Domain(
    "complaints",
    models=(Complaint,),
    routers=(public.router,),
    staff_routers=(staff.router,),
    min_side_panels=(MinSidePanel(panels.complaints_panel, probes={"complaints": rows_of_case(Complaint)}),),
    staff_case_panels=(panels.staff_complaints_panel,),
    decision_page_panels=(panels.decisions_page_complaints,),
    case_file_sections=(case_file.complaint_section, case_file.decisions_section),
    retention_holds=(Named("open-complaint", service.cases_with_open_complaints),),
    label_enums=(ComplaintStatus, ComplaintChannel, ComplaintOutcome),
    menu_items=(MenuItem.of("/personale/klager", N_("Klager"), COUNSELLING, order=300),),
)
