"""Treatment requests and the 14-day guarantee: the citizen's form, the counsellors' inbox."""

from app.appointments.models import Appointment
from app.core.panels import rows_of_case
from app.core.domain import Domain, MenuItem, MinSidePanel, Named
from app.core.i18n import N_
from app.requests import case_file, demo, digest, panels, public, service, staff
from app.requests.guarantee import GuaranteeState
from app.requests.models import Area, Contact, HelpWanted, RequestStatus, TreatmentRequest
from app.staff.deps import COUNSELLING

DOMAIN = Domain(
    "requests",
    models=(TreatmentRequest,),
    routers=(public.router,),
    staff_routers=(staff.router,),
    min_side_panels=(
        MinSidePanel(public.requests_panel, probes={
            "requests": rows_of_case(TreatmentRequest),
            "starts": rows_of_case(Appointment, Appointment.starts_treatment.is_(True)),
        }),
    ),
    staff_case_panels=(panels.staff_requests_panel,),
    case_file_sections=(case_file.requests_section,),
    digest_sections=(digest.requests_near_deadline,),
    label_enums=(Area, HelpWanted, Contact, RequestStatus, GuaranteeState),
    menu_items=(MenuItem.of("/personale/indbakke", N_("Indbakke"), COUNSELLING, order=20),),
    demo_loaders=(demo.load_demo_requests,),
    purge_rules=(Named("request_source_tags", service.forget_old_source_tags),),
)
