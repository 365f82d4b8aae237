"""The behandlingsplan: goals, revisions, discharge, follow-up and MOVE gift cards."""

from app.appointments.models import Appointment
from app.core.panels import rows_of_case
from app.core.domain import Domain, MenuItem, MinSidePanel, Named
from app.core.i18n import N_
from app.plans import demo, integrations, public, staff, staff_appointments
from app.plans.models import (
    Aim, Discharge, DischargeReason, FollowUp, FollowUpStatus, GiftCard, GoalComment, GoalStatus, LifeArea, Medical,
    PlanGoal, PlanVersion, Proposal, TreatmentForm, TreatmentPlan,
)
from app.staff.deps import COUNSELLING, RECEPTION_UP

DOMAIN = Domain(
    "plans",
    models=(TreatmentPlan, PlanVersion, PlanGoal, GoalComment, Discharge, FollowUp, GiftCard),
    routers=(public.router,),
    staff_routers=(staff.router, staff_appointments.router),
    min_side_panels=(MinSidePanel(public.plan_panel, probes={
        "plan": rows_of_case(TreatmentPlan), "appointments": rows_of_case(Appointment),
    }),),
    staff_case_panels=(staff.plan_staff_panel,),
    case_file_sections=(integrations.plan_section,),
    digest_sections=(integrations.plans_due_digest, integrations.follow_ups_due_digest),
    jobs=(Named("plan-revision-reminders", integrations.queue_plan_revision_reminders),),
    menu_items=(
        MenuItem.of("/personale/planer", N_("Planer til revision"), COUNSELLING, order=300),
        MenuItem.of("/personale/opfoelgning", N_("Opfølgning"), COUNSELLING, order=310),
        MenuItem.of("/personale/gavekort", N_("MOVE-gavekort"), RECEPTION_UP, order=320),
    ),
    label_enums=(TreatmentForm, Aim, Medical, LifeArea, GoalStatus, Proposal, DischargeReason, FollowUpStatus),
    demo_loaders=(demo.load_plan_demo,),
)
