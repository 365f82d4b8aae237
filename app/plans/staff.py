"""Staff pages: the treatment plan of a case, its versions, plans due for revision, discharge,
follow-up calls and MOVE gift cards. Every read or change of a case is written to the access log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access
from app.cases import service as cases
from app.core.panels import Panel
from app.core.clock import local_date
from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.web import render, see_other
from app.plans import service
from app.plans.models import Aim, DischargeReason, GoalStatus, LifeArea, Medical, TreatmentForm
from app.staff.deps import AnyStaff, Counsellor

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])


Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]

OPTIONS = {
    "forms": [f.value for f in TreatmentForm], "aims": [a.value for a in Aim],
    "medical": [m.value for m in Medical], "areas": [a.value for a in LifeArea],
    "statuses": [s.value for s in GoalStatus], "discharge": [r.value for r in DischargeReason],
}


def _page(request, user, template, ctx, status=200):
    return render(request, template, {"user": user, "options": OPTIONS, **ctx},
                  status=status)


def _plan_page(request, db, user, now, case_id, *, form=None, errors=None, status=200):
    overview = service.plan_overview(db, case_id=case_id, today=local_date(now))
    plan = overview.plan
    default = ({"treatment_form": plan.treatment_form, "aim": plan.aim, "medical": plan.medical_list,
                "under_30": "1" if plan.under_30 else ""} if plan else {"medical": []})
    return _page(request, user, "staff/plans/plan.html", {
        "o": overview, "case": overview.case, "form": {**default, **(form or {})}, "errors": errors or {},
    }, status)


@router.get("/sager/{case_id}/plan")
def show_plan(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    cases.get_case(db, case_id)
    record_access(db, staff=user, case_id=case_id, action="view_plan", now=now)
    return _plan_page(request, db, user, now, case_id)


@router.post("/sager/{case_id}/plan")
def save_plan(
    request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
    treatment_form: Short = "", aim: Short = "", under_30: Short = "", reason: Text = "",
    medical: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
):
    """Write the first plan, or revise it (a new version, next revision date)."""
    cases.get_case(db, case_id)
    plan = service.get_plan(db, case_id)
    fields = dict(treatment_form=treatment_form, aim=aim, medical=medical, under_30=under_30 == "1")
    try:
        if plan is None:
            service.create_plan(db, case_id=case_id, staff=user, now=now, **fields)
        else:
            service.revise_plan(db, plan=plan, staff=user, reason=reason, now=now, **fields)
    except service.PlanError as err:
        form = {**fields, "under_30": under_30, "reason": reason}
        return _plan_page(request, db, user, now, case_id, form=form, errors={err.field: err.message}, status=422)
    except service.AlreadyExists:
        return see_other(f"/personale/sager/{case_id}/plan", flash=N_("Sagen har allerede en plan."))
    record_access(db, staff=user, case_id=case_id, action="edit_plan", now=now,
                  detail="create" if plan is None else "revise")
    return see_other(f"/personale/sager/{case_id}/plan",
                     flash=N_("Planen er gemt.") if plan is None else N_("Planen er revideret og gemt som ny version."))


@router.post("/sager/{case_id}/plan/maal")
def add_goal(request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
             life_area: Short = "", citizen_words: Text = "", steps: Text = "", status: Short = ""):
    try:
        service.add_goal(db, case_id=case_id, life_area=life_area, citizen_words=citizen_words, steps=steps,
                         status=status, now=now)
    except service.PlanError as err:
        form = {"life_area": life_area, "citizen_words": citizen_words, "steps": steps, "status": status}
        return _plan_page(request, db, user, now, case_id, form=form, errors={err.field: err.message}, status=422)
    record_access(db, staff=user, case_id=case_id, action="edit_plan", now=now, detail="add goal")
    return see_other(f"/personale/sager/{case_id}/plan#maal", flash=N_("Målet er tilføjet."))


@router.post("/sager/{case_id}/plan/maal/{goal_id}")
def edit_goal(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, goal_id: int,
              citizen_words: Text = "", steps: Text = "", status: Short = ""):
    goal = service.get_goal(db, case_id=case_id, goal_id=goal_id)
    try:
        service.update_goal(db, goal=goal, citizen_words=citizen_words, steps=steps, status=status)
    except service.PlanError as err:
        db.refresh(goal)
        return _plan_page(request, db, user, now, case_id, errors={f"g{goal_id}-{err.field}": err.message},
                          status=422)
    record_access(db, staff=user, case_id=case_id, action="edit_plan", now=now, detail="edit goal")
    return see_other(f"/personale/sager/{case_id}/plan#maal-{goal_id}", flash=N_("Målet er gemt."))


@router.post("/sager/{case_id}/plan/maal/{goal_id}/svar")
def answer_goal_proposal(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, goal_id: int,
                         decision: Short = "", comment: Text = ""):
    goal = service.get_goal(db, case_id=case_id, goal_id=goal_id)
    try:
        if decision not in ("accept", "discuss"):
            raise service.PlanError("decision", N_("Vælg, om målet tages med i planen, eller om I skal tale om det."))
        service.answer_proposal(db, goal=goal, staff=user, accept=decision == "accept", comment=comment, now=now)
    except service.PlanError as err:
        return _plan_page(request, db, user, now, case_id, errors={f"g{goal_id}-{err.field}": err.message},
                          status=422)
    record_access(db, staff=user, case_id=case_id, action="edit_plan", now=now, detail="answer proposal")
    return see_other(f"/personale/sager/{case_id}/plan#maal-{goal_id}", flash=N_("Dit svar er gemt."))


@router.post("/sager/{case_id}/plan/maal/{goal_id}/kommentar")
def comment_goal_as_staff(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, goal_id: int,
                          body: Text = ""):
    goal = service.get_goal(db, case_id=case_id, goal_id=goal_id)
    try:
        service.comment_on_goal(db, goal=goal, body=body, staff=user, now=now)
    except service.PlanError as err:
        return _plan_page(request, db, user, now, case_id, errors={f"g{goal_id}-{err.field}": err.message},
                          status=422)
    record_access(db, staff=user, case_id=case_id, action="edit_plan", now=now, detail="comment goal")
    return see_other(f"/personale/sager/{case_id}/plan#maal-{goal_id}", flash=N_("Kommentaren er gemt."))


@router.get("/sager/{case_id}/plan/versioner")
def show_plan_versions(request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
                       fra: int | None = None, til: int | None = None):
    """The versions of a plan, and what changed between two of them."""
    overview = service.plan_overview(db, case_id=case_id, today=local_date(now))
    if overview.plan is None:
        raise NotFound()
    latest = overview.plan.version_no
    til = til or latest
    fra = fra or max(1, til - 1)
    old, new = service.get_version(db, overview.plan.id, fra), service.get_version(db, overview.plan.id, til)
    record_access(db, staff=user, case_id=case_id, action="view_plan", now=now, detail="versions")
    return _page(request, user, "staff/plans/versions.html", {
        "o": overview, "case": overview.case, "old": old, "new": new, "changes": service.compare_versions(old, new),
        "enum_of_field": service.ENUM_OF_FIELD,
    })


@router.get("/planer")
def list_plans_due(request: Request, db: DB, now: Now, user: Counsellor):
    today = local_date(now)
    rows = service.plans_due(db, today=today)
    record_access(db, staff=user, case_id=None, action="list_plans_due", now=now, detail=f"{len(rows)} plans")
    return _page(request, user, "staff/plans/due.html", {"rows": rows, "today": today,
                                                         "state": service.revision_state})


# --- Discharge and follow-up -----------------------------------------------------------------

def _discharge_page(request, db, user, now, case_id, *, form=None, errors=None, status=200):
    overview = service.plan_overview(db, case_id=case_id, today=local_date(now))
    return _page(request, user, "staff/plans/discharge.html", {
        "o": overview, "case": overview.case, "follow_ups": service.follow_ups_for_case(db, case_id),
        "form": form or {}, "errors": errors or {}}, status)


@router.get("/sager/{case_id}/udskrivning")
def show_discharge(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    cases.get_case(db, case_id)
    record_access(db, staff=user, case_id=case_id, action="view_discharge", now=now)
    return _discharge_page(request, db, user, now, case_id)


@router.post("/sager/{case_id}/udskrivning")
def discharge_case(request: Request, db: DB, now: Now, user: Counsellor, case_id: int,
                   reason: Short = "", note: Text = "", declines_follow_up: Short = ""):
    try:
        service.discharge_case(db, case_id=case_id, reason=reason, note=note,
                               declines_follow_up=declines_follow_up == "1", staff=user, now=now)
    except service.PlanError as err:
        form = {"reason": reason, "note": note, "declines_follow_up": declines_follow_up}
        return _discharge_page(request, db, user, now, case_id, form=form, errors={err.field: err.message},
                               status=422)
    except service.AlreadyExists:
        return see_other(f"/personale/sager/{case_id}/udskrivning", flash=N_("Sagen er allerede udskrevet."))
    record_access(db, staff=user, case_id=case_id, action="discharge", now=now, detail=reason)
    return see_other(f"/personale/sager/{case_id}/udskrivning", flash=N_("Borgeren er udskrevet."))


@router.get("/opfoelgning")
def list_follow_ups(request: Request, db: DB, now: Now, user: Counsellor):
    rows = service.open_follow_ups(db)
    record_access(db, staff=user, case_id=None, action="list_follow_ups", now=now, detail=f"{len(rows)} open")
    return _page(request, user, "staff/plans/follow_ups.html", {"rows": rows, "today": local_date(now),
                                                                "errors": {}})


@router.post("/opfoelgning/{follow_up_id}")
def close_follow_up(request: Request, db: DB, now: Now, user: Counsellor, follow_up_id: int,
                    outcome: Short = "", note: Text = ""):
    try:
        row = service.close_follow_up(db, follow_up_id=follow_up_id, outcome=outcome, note=note, staff=user,
                                      now=now)
    except service.PlanError as err:
        rows = service.open_follow_ups(db)
        return _page(request, user, "staff/plans/follow_ups.html", {
            "rows": rows, "today": local_date(now), "errors": {f"f{follow_up_id}-outcome": err.message}},
            status=422)
    except service.AlreadyExists:
        return see_other("/personale/opfoelgning", flash=N_("Opfølgningen var allerede afsluttet."))
    record_access(db, staff=user, case_id=row.case_id, action="follow_up", now=now, detail=outcome)
    return see_other("/personale/opfoelgning", flash=N_("Opfølgningen er gemt."))


# --- MOVE gift cards -------------------------------------------------------------------------

@router.get("/gavekort")
def list_gift_cards(request: Request, db: DB, now: Now, user: AnyStaff):
    due = service.cards_due(db)
    record_access(db, staff=user, case_id=None, action="list_gift_cards", now=now, detail=f"{len(due)} due")
    return _page(request, user, "staff/plans/gift_cards.html", {"due": due, "kr": service.GIFT_CARD_KR,
                                                                "max": service.GIFT_CARD_MAX})


@router.post("/gavekort/{case_id}/{number}")
def hand_out_gift_card(request: Request, db: DB, now: Now, user: AnyStaff, case_id: int, number: int):
    try:
        service.hand_out_card(db, case_id=case_id, number=number, staff=user, now=now)
    except service.AlreadyExists:
        return see_other("/personale/gavekort", flash=N_("Gavekortet var allerede markeret som udleveret."))
    record_access(db, staff=user, case_id=case_id, action="gift_card", now=now, detail=f"card {number}")
    return see_other("/personale/gavekort", flash=N_("Gavekortet er markeret som udleveret."))


def plan_staff_panel(db, case, now):
    """The plan, appointments and discharge in short, on the staff case page."""
    overview = service.plan_overview(db, case_id=case.id, today=local_date(now))
    return Panel("staff/plans/_panel.html", {"o": overview}, order=30)
