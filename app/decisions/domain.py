"""Decisions on a case (afgørelser) with their legal basis and complaint guide."""

from app.core.domain import Domain, MinSidePanel
from app.core.panels import rows_of_case
from app.decisions import demo, flows, panels, staff
from app.decisions.models import Decision, LegalBasis, TreatmentType

DOMAIN = Domain(
    "decisions",
    models=(Decision,),
    staff_routers=(staff.router,),
    min_side_panels=(MinSidePanel(panels.decisions_panel, probes={"decisions": rows_of_case(Decision)}),),
    staff_case_panels=(panels.staff_decisions_panel,),
    label_enums=(TreatmentType, LegalBasis),
    demo_loaders=(demo.load_decision_demo,),
    on_sent=(flows.record_digital_post_delivery,),
)
