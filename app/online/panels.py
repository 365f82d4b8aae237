"""Online treatment's panels: a card on Min side (the course and the diary, or the offer to start one
where the centre allows it) and a section of the staff's case page (progress, answers waiting for
feedback, the diary's chart, assigning a course)."""

from __future__ import annotations

from sqlmodel import select

from app.core.clock import local_date
from app.core.panels import Panel
from app.online import outcomes, service
from app.online.charts import diary_chart
from app.plans.models import LifeArea, PlanGoal, TreatmentPlan
from app.requests.models import TreatmentRequest


def request_of_case(db, case_id: int):
    return db.exec(select(TreatmentRequest).where(TreatmentRequest.case_id == case_id)
                   .order_by(TreatmentRequest.id.desc())).first()


def self_start_allowed(request, db, case_id: int) -> bool:
    """The centre allows it (online_self_start in its settings), the case has a request and no course yet."""
    if not request.app.state.centre.raw.get("online_self_start", False):
        return False
    return request_of_case(db, case_id) is not None and not service.assignments_of_case(db, case_id)


def plan_context(db, case_id: int) -> dict:
    """The plan's aim and its substance goals in the citizen's words, shown next to the diary."""
    plan = db.exec(select(TreatmentPlan).where(TreatmentPlan.case_id == case_id)).first()
    if plan is None:
        return {"aim": None, "goals": []}
    goals = db.exec(select(PlanGoal.citizen_words).where(PlanGoal.case_id == case_id,
                                                         PlanGoal.life_area == LifeArea.substance.value,
                                                         PlanGoal.proposal.is_(None) | (PlanGoal.proposal == "accepted"))
                    .order_by(PlanGoal.id)).all()
    return {"aim": plan.aim, "goals": list(goals)}


def online_panel(db, case, now, found):
    """Min side: the course's progress and the diary, or (shown only where the centre allows it) the offer.
    A new request's Min side asks nothing more than the probes (the offer needs no query of its own)."""
    offer = Panel("public/online/_panel.html", {"progress": [], "offer": True}, order=25)
    if found["assignments"]:
        progress = service.course_progress(db, case.id)
        if progress:
            return Panel("public/online/_panel.html", {"progress": progress}, order=25)
        return offer if request_of_case(db, case.id) is not None else None  # a probe wider than the truth
    return offer if found["requests"] else None


def staff_online_panel(db, case, now):
    """The case page: the courses, what waits for feedback (oldest first), the diary's last 12 weeks."""
    progress = service.course_progress(db, case.id)
    weeks = service.weeks(db, case.id, local_date(now)) if progress else []
    goal = service.goal_of(db, case.id) if progress else None
    return Panel("staff/online/_case_panel.html", {
        "progress": progress, "waiting": service.waiting_for_feedback(db, case.id),
        "courses": service.published_courses(db), "weeks": weeks, "goal": goal,
        "chart": diary_chart(weeks, goal, key=f"graf-dagbog-{case.id}") if progress else None,
        "measures": outcomes.measures_of(db, case.id) if progress else {},
        "due": outcomes.due_points(db, case.id, local_date(now)), "audit_items": outcomes.AUDIT_C,
    }, order=35)
