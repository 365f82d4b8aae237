"""Staff: make a decision on a case (/personale/sager/{case_id}/afgoerelser). Thin routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access
from app.cases import service as cases
from app.cases.panels import build_staff_panels
from app.core.input_guard import form_date, form_number
from app.core.deps import DB, AppCentre, Now
from app.staff.session import staff_session
from app.core.i18n import N_, format_day
from app.core.web import render, see_other
from app.decisions import flows, service
from app.notify.service import letters_of_case
from app.staff.deps import Counsellor

router = APIRouter(prefix="/personale/sager", dependencies=[Depends(staff_session)])

Text = Annotated[str, Form(max_length=8000)]
Short = Annotated[str, Form(max_length=40)]


def _page(request: Request, db, user, case, *, now, form=None, errors=None, status=200):
    return render(request, "staff/decisions/case_decisions.html", {
        "user": user, "case": case,
        "decisions": service.decisions_for_case(db, case.id),
        "panels": build_staff_panels(db, case, now, request.app.state.house.decision_page_panels),
        "deadline": service.complaint_deadline, "form": form or {}, "errors": errors or {},
        "may_send_by_post": service.may_send_by_post, "today": format_day(now),
        "letters": letters_of_case(db, case.id), "letter_key": flows.letter_key,
    }, status=status)


@router.get("/{case_id}/afgoerelser")
def show_case_decisions(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    case = cases.get_case(db, case_id)
    record_access(db, staff=user, case_id=case.id, action="view_decisions", now=now)
    return _page(request, db, user, case, now=now)


@router.post("/{case_id}/afgoerelser")
def make_case_decision(
    request: Request, db: DB, now: Now, centre: AppCentre, user: Counsellor, case_id: int,
    treatment_type: Short = "", legal_basis: Short = "", rules_applied: Text = "", considerations: Text = "",
    key_facts: Text = "", replaces_id: Short = "",
):
    case = cases.get_case(db, case_id)
    form = {"treatment_type": treatment_type, "legal_basis": legal_basis, "rules_applied": rules_applied,
            "considerations": considerations, "key_facts": key_facts, "replaces_id": replaces_id}
    replaces_number = form_number(replaces_id)
    replaces = (service.get_case_decision(db, case_id=case.id, decision_id=replaces_number)
                if replaces_number is not None else None)
    data = service.DecisionInput(treatment_type, legal_basis, rules_applied, considerations, key_facts)
    try:
        decision, channels = flows.decide(db, case=case, staff=user, data=data, centre=centre, now=now,
                                          replaces=replaces)
    except service.DecisionError as err:
        record_access(db, staff=user, case_id=case.id, action="view_decisions", now=now)
        return _page(request, db, user, case, now=now, form=form, errors=err.errors, status=422)
    except service.DecisionAlreadyReplaced:
        record_access(db, staff=user, case_id=case.id, action="view_decisions", now=now)
        return _page(request, db, user, case, now=now, form=form, status=422,
                     errors={"replaces_id": N_("Den afgørelse er allerede erstattet af en nyere.")})
    record_access(db, staff=user, case_id=case.id, action="decision", now=now, detail=f"decision {decision.id}")
    return see_other(f"/personale/sager/{case.id}/afgoerelser", flash=N_(
        "Afgørelsen er gemt. Borgeren kan se den på Min side, og den sendes med Digital Post.") if channels
        else N_("Afgørelsen er gemt. Borgeren kan se den på Min side."))


@router.get("/{case_id}/afgoerelser/{decision_id}/brev")
def show_decision_letter(request: Request, db: DB, now: Now, centre: AppCentre, user: Counsellor, case_id: int,
                         decision_id: int):
    """The decision as a letter to print and post, for a citizen who cannot use Min side."""
    case = cases.get_case(db, case_id)
    decision = service.get_case_decision(db, case_id=case.id, decision_id=decision_id)
    record_access(db, staff=user, case_id=case.id, action="decision_letter", now=now, detail=f"decision {decision.id}")
    return render(request, "staff/decisions/letter.html", {
        "user": user, "case": case, "d": decision, "centre": centre, "now": now,
        "last_day": service.complaint_deadline(decision),
    })


@router.post("/{case_id}/afgoerelser/{decision_id}/post")
def record_sent_by_post(request: Request, db: DB, now: Now, centre: AppCentre, user: Counsellor, case_id: int,
                        decision_id: int, posted_on: Short = ""):
    case = cases.get_case(db, case_id)
    decision = service.get_case_decision(db, case_id=case.id, decision_id=decision_id)
    try:
        service.record_sent_by_post(db, case=case, decision=decision, posted_on=form_date(posted_on),
                                    centre=centre, now=now)
    except service.DecisionError as err:
        record_access(db, staff=user, case_id=case.id, action="view_decisions", now=now)
        # Keyed by the decision's own field id, so the error summary links to the right form.
        return _page(request, db, user, case, now=now, form={f"posted_on-{decision.id}": posted_on},
                     errors={f"posted_on-{decision.id}": err.errors["posted_on"]}, status=422)
    record_access(db, staff=user, case_id=case.id, action="decision", now=now, detail=f"decision {decision.id} by post")
    return see_other(f"/personale/sager/{case.id}/afgoerelser",
                     flash=N_("Afgørelsen er registreret som sendt med posten. Klagefristen regnes nu fra, da brevet er modtaget."))
