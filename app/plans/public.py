"""The citizen's plan on Min side: read it, propose a goal, comment on a goal, agree to the plan, print it.
Every route reaches only the signed-in session's own case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.appointments import service as appointments
from app.core.panels import Panel
from app.cases.citizen_session import CitizenSession, citizen_page
from app.core.clock import local_date
from app.core.deps import DB, Now
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.web import render, see_other
from app.plans import service
from app.plans.models import LifeArea

router = APIRouter()

Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]
AREAS = [a.value for a in LifeArea]


def _plan_page(request, db, now, session, *, template="public/plans/plan.html", form=None, errors=None,
               status=200):
    overview = service.plan_overview(db, case_id=session.case_id, today=local_date(now))
    if overview.plan is None:
        raise NotFound()
    return render(request, template, {
        "o": overview, "areas": AREAS, "signed_in": True,
        "appointments": appointments.upcoming_for_case(db, session.case_id, now),
        "form": form or {}, "errors": errors or {},
    }, status=status)


@router.get("/min-side/plan")
@citizen_page
def show_my_plan(request: Request, db, session, now):
    return _plan_page(request, db, now, session)


@router.get("/min-side/plan/print")
@citizen_page
def print_my_plan(request: Request, db, session, now):
    return _plan_page(request, db, now, session, template="public/plans/print.html")


@router.post("/min-side/plan/maal")
def propose_my_goal(request: Request, db: DB, now: Now, session: CitizenSession,
                    life_area: Short = "", citizen_words: Text = ""):
    try:
        service.propose_goal(db, case_id=session.case_id, life_area=life_area, citizen_words=citizen_words,
                             now=now)
    except service.PlanError as err:
        return _plan_page(request, db, now, session, form={"life_area": life_area, "citizen_words": citizen_words},
                          errors={err.field: err.message}, status=422)
    return see_other("/min-side/plan#maal",
                     flash=N_("Tak. Dit forslag er sendt til din behandler, som svarer dig her på siden."))


@router.post("/min-side/plan/maal/{goal_id}/kommentar")
def comment_my_goal(request: Request, db: DB, now: Now, session: CitizenSession, goal_id: int, body: Text = ""):
    goal = service.get_goal(db, case_id=session.case_id, goal_id=goal_id)
    try:
        service.comment_on_goal(db, goal=goal, body=body, now=now)
    except service.PlanError as err:
        return _plan_page(request, db, now, session, form={f"g{goal_id}-body": body},
                          errors={f"g{goal_id}-body": err.message}, status=422)
    return see_other(f"/min-side/plan#maal-{goal_id}", flash=N_("Din kommentar er gemt. Din behandler kan se den."))


@router.post("/min-side/plan/enig")
def agree_to_my_plan(request: Request, db: DB, now: Now, session: CitizenSession, version_no: Short = ""):
    try:
        service.agree_to_plan(db, case_id=session.case_id, version_no=int(version_no or 0), now=now)
    except (ValueError, service.StaleVersion):
        return see_other("/min-side/plan", flash=N_("Planen er blevet ændret i mellemtiden. Læs den igen, før du svarer."))
    return see_other("/min-side/plan", flash=N_("Tak. Din behandler kan se, at du er enig i planen."))


def plan_panel(db, case, now, found):
    """Plan in short, and the coming appointments, on Min side."""
    if not found["plan"] and not found["appointments"]:
        return None
    overview = service.plan_overview(db, case_id=case.id, today=local_date(now))
    upcoming = appointments.upcoming_for_case(db, case.id, now)
    if overview.plan is None and not upcoming:
        return None
    return Panel("public/plans/_panel.html", {"o": overview, "appointments": upcoming},
                 order=30)
