"""/status (enter the code) and /min-side (the private page behind it)."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.cases import service
from app.cases.models import CitizenCase
from app.cases.panels import build_panels
from app.core import sessions
from app.core.deps import CITIZEN_COOKIE, DB, AppSettings, CitizenSession, Now, client_key, throttle_policy
from app.core.i18n import Msg, N_
from app.core.web import render, see_other

router = APIRouter()

MESSAGES = {
    "malformed": N_("Koden ser ikke rigtig ud. Den har 20 tegn i fem grupper, fx ABCD-EFGH-JKMN-PQRS-TVWX. Tjek for tastefejl."),
    "wrong": N_("Vi kunne ikke finde en sag med den kode. Tjek koden og prøv igen."),
    "throttled": N_("Der har været for mange forkerte forsøg. Vent %(minutes)s minut(ter), og prøv igen."),
}


def signed_in_case(db, session) -> CitizenCase:
    return db.get(CitizenCase, session.case_id)


def start_citizen_session(request: Request, response, db, case: CitizenCase, now) -> None:
    """Sign the browser in to a case; the cookie carries only a random session id."""
    token = sessions.start_session(db, kind=sessions.CITIZEN, case_id=case.id, now=now)
    response.set_cookie(CITIZEN_COOKIE, request.app.state.signer.sign_cookie(token), httponly=True,
                        samesite="lax", path="/", secure=request.app.state.settings.secure_cookies)


@router.get("/status")
def show_status_form(request: Request):
    return render(request, "public/cases/status.html", {"errors": {}})


@router.post("/status")
def sign_in_with_code(
    request: Request, db: DB, now: Now, settings: AppSettings,
    code: Annotated[str, Form(max_length=200)] = "",
):
    try:
        case = service.authenticate_code(db, code, client_key=client_key(request), now=now,
                                         policy=throttle_policy(settings))
    except service.CodeRejected as rejected:
        # What was typed is not echoed back: on a shared screen it should not linger.
        return render(request, "public/cases/status.html", {
            "errors": {"code": Msg(MESSAGES[rejected.reason],
                                   minutes=max(1, math.ceil(rejected.wait_seconds / 60)))},
        }, status=429 if rejected.reason == "throttled" else 422)
    response = see_other("/min-side")
    start_citizen_session(request, response, db, case, now)
    return response


@router.get("/min-side")
def show_min_side(request: Request, db: DB, now: Now, session: CitizenSession):
    case = signed_in_case(db, session)
    return render(request, "public/cases/min_side.html",
                  {"case": case, "panels": build_panels(db, case, now), "signed_in": True})


@router.post("/min-side/log-ud")
def sign_out(request: Request, db: DB, now: Now, session: CitizenSession):
    sessions.end_session(db, request.state.citizen_token, now=now)
    response = see_other("/status", flash=N_("Du er logget ud. Husk at gemme din kode et sikkert sted."))
    response.delete_cookie(CITIZEN_COOKIE, path="/")
    return response
