"""Online treatment (internetbaseret behandling): guided modules, a consumption diary and feedback in the thread."""

from app.core.domain import Domain, MenuItem, MinSidePanel
from app.core.i18n import N_
from app.core.panels import rows_of_case
from app.online import demo, integrations, panels, public, staff
from app.online.models import (
    AnswerStatus, Course, CourseAssignment, CourseExercise, CourseModule, CourseVersion, DiaryDay, DiaryGoal,
    ExerciseAnswer, MeasurePoint, OutcomeMeasure, Substance,
)
from app.requests.models import TreatmentRequest
from app.staff.deps import COUNSELLING, LEADERSHIP

DOMAIN = Domain(
    "online",
    models=(Course, CourseVersion, CourseModule, CourseExercise, CourseAssignment, ExerciseAnswer, DiaryDay,
            DiaryGoal, OutcomeMeasure),
    routers=(public.router,),
    staff_routers=(staff.router,),
    min_side_panels=(MinSidePanel(panels.online_panel, probes={
        "assignments": rows_of_case(CourseAssignment), "requests": rows_of_case(TreatmentRequest),
    }),),
    staff_case_panels=(panels.staff_online_panel,),
    export_sections=(integrations.answers_section, integrations.diary_section),
    digest_sections=(integrations.waiting_digest,),
    menu_items=(
        MenuItem.of("/personale/online", N_("Online forløb"), COUNSELLING, order=330),
        MenuItem.of("/personale/online/kurser", N_("Online kurser"), LEADERSHIP, order=335),
        MenuItem.of("/personale/online/statistik", N_("Online: effekt og tal"), LEADERSHIP, order=705),
    ),
    label_enums=(AnswerStatus, Substance, MeasurePoint),
    demo_loaders=(demo.load_online_demo,),
)
