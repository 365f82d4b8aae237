"""Label maps the plan, appointment and discharge templates share (msgids, translated in templates)."""

from app.appointments.service import ATTENDANCE_LABELS, KIND_LABELS
from app.plans.models import (
    AIM_LABELS, DISCHARGE_LABELS, FOLLOW_UP_STATUS_LABELS, FORM_LABELS, GOAL_STATUS_LABELS, LIFE_AREA_LABELS,
    MEDICAL_LABELS, PROPOSAL_LABELS,
)

LABELS = {
    "forms": FORM_LABELS, "aims": AIM_LABELS, "medical": MEDICAL_LABELS, "areas": LIFE_AREA_LABELS,
    "statuses": GOAL_STATUS_LABELS, "proposals": PROPOSAL_LABELS, "discharge": DISCHARGE_LABELS,
    "follow_up": FOLLOW_UP_STATUS_LABELS, "kinds": KIND_LABELS, "attendance": ATTENDANCE_LABELS,
}
