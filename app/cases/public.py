"""/status (enter the code) and /min-side (the private page behind it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.cases import service
from app.cases.citizen_session import (CitizenSession, citizen_page, end_citizen_session, signed_in_case,
                                       start_citizen_session)
from app.cases.handoff import code_belongs_to, render_new_code
from app.core.codes import normalise_group
from app.core.errors import NotFound
from app.core import throttle
from app.core.deps import DB, AppSettings, Now, WaitingDB
from app.core.throttle import client_key, code_throttle_policy
from app.core.i18n import Msg, N_, wait_message
from app.core.web import render, safe_next, see_other, translate

router = APIRouter()

MESSAGES = {
    "malformed": N_("Koden ser ikke rigtig ud. Den har 20 tegn i fem grupper, fx ABCD-EFGH-JKMN-PQRS-TVWX. Tjek for tastefejl."),
    "wrong": N_("Vi kunne ikke finde en sag med den kode. Tjek koden og prøv igen."),
}
# The real wait, in words (Retry-After says the same in seconds).
THROTTLED = {
    "second": N_("Der har været for mange forkerte forsøg med denne kode. Vent 1 sekund, og prøv igen."),
    "seconds": N_("Der har været for mange forkerte forsøg med denne kode. Vent %(n)s sekunder, og prøv igen."),
    "minute": N_("Der har været for mange forkerte forsøg med denne kode. Vent 1 minut, og prøv igen."),
    "minutes": N_("Der har været for mange forkerte forsøg med denne kode. Vent %(n)s minutter, og prøv igen."),
}


async def code_refusal(rejected: service.CodeRejected, settings) -> tuple[Msg, int, dict | None]:
    """A refused code in words, with its status and headers (also for a page that signs in again to save)."""
    if rejected.reason != "throttled":
        return Msg(MESSAGES[rejected.reason]), 422, None
    # Refused only when the code's queue of turns is full: someone is guessing at this very code.
    await throttle.pause_before_refusal(rejected.wait_seconds, settings.throttle_pause_seconds)
    return wait_message(THROTTLED, rejected.wait_seconds), 429, throttle.retry_after(rejected.wait_seconds)


@router.get("/status")
def show_status_form(request: Request):
    return render(request, "public/cases/status.html", {"errors": {}})


@router.post("/status")
async def sign_in_with_code(
    request: Request, db: WaitingDB, now: Now, settings: AppSettings,
    code: Annotated[str, Form(max_length=200)] = "",
):
    # Async on purpose: a flood of guesses must not occupy the worker threads ordinary pages need,
    # nor database slots (WaitingDB): each phase ends its transaction before argon2 or the pause.
    try:
        case = await service.authenticate_code(db, code, client_key=client_key(request), now=now,
                                               policy=code_throttle_policy(settings),
                                               address_pause=settings.throttle_pause_seconds)
    except service.CodeRejected as rejected:
        await run_in_threadpool(db.rollback)  # no connection held while we pause or render
        message, status, headers = await code_refusal(rejected, settings)
        # What was typed is not echoed back: on a shared screen it should not linger.
        return render(request, "public/cases/status.html", {"errors": {"code": message}}, status=status,
                      headers=headers)
    response = see_other("/min-side")
    await run_in_threadpool(start_citizen_session, request, response, db, case, now)
    return response


@router.post("/kode/hent")
def download_code(request: Request, db: DB, session: CitizenSession, code: Annotated[str, Form(max_length=100)] = ""):
    """The new code as a small text file, for people who keep things in their files app."""
    case = signed_in_case(db, session)
    parsed = code_belongs_to(case, code)
    if parsed is None:
        raise NotFound()
    text = translate(request, "Din personlige kode til %(name)s: %(code)s\n\nGem den et sted, hvor andre ikke kigger.\n",
                     name=request.app.state.centre.name, code=parsed.display)
    return Response(text, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="kode.txt"'})


@router.post("/kode/gemt")
def confirm_code_saved(
    request: Request, db: DB, session: CitizenSession, code: Annotated[str, Form(max_length=100)] = "",
    last_group: Annotated[str, Form(max_length=100)] = "", next: Annotated[str, Form(max_length=200)] = "/min-side",
):
    """People click past codes and lose them: ask for the last group back before moving on."""
    case = signed_in_case(db, session)
    parsed = code_belongs_to(case, code)
    if parsed is None:
        raise NotFound()
    typed = normalise_group(last_group)
    if typed != parsed.last_group:
        return render_new_code(request, parsed, heading=translate(request, "Gem din kode"),
                               next_url=safe_next(next, "/min-side"), typed_last=last_group, status=422,
                               errors={"last_group": N_("De 4 tegn passer ikke med koden. Se efter og prøv igen.")})
    return see_other(safe_next(next, "/min-side"), flash=N_("Godt. Husk at gemme koden et sikkert sted."))


@router.get("/min-side")
@citizen_page
def show_min_side(request: Request, db, session, now):
    case, panels = request.app.state.house.min_side.build(db, session.case_id, now)
    return render(request, "public/cases/min_side.html", {"case": case, "panels": panels, "signed_in": True})


@router.post("/min-side/log-ud")
def sign_out(request: Request, db: DB, now: Now, session: CitizenSession):
    # A domain's step may send the browser on (MitID's single logout at NemLog-in).
    onward = [url for step in request.app.state.house.sign_out_steps if (url := step(request, db, session, now))]
    response = see_other(onward[0]) if onward else \
        see_other("/status", flash=N_("Du er logget ud. Husk at gemme din kode et sikkert sted."))
    end_citizen_session(request, response, db, now=now)
    return response
