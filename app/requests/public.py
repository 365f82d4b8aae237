"""/behandling (request treatment, optional self-test) and the request parts of Min side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool

from app.cases import service as cases
from app.cases.handoff import hand_over_new_code
from app.core.panels import Panel
from app.cases.citizen_session import (CITIZEN_COOKIE, CitizenSession, citizen_page, optional_citizen_session,
                                       signed_in_case)
from app.core.clock import local_date
from app.core.deps import DB, Now
from app.core.throttle import client_key
from app.core.errors import NotFound
from app.core.i18n import N_, format_long_day, wait_message
from app.core.web import language, render, see_other, translate
from app.identity.queries import identity_of_mitid_session
from app.requests import flows, forms, queries, screening, service
from app.requests.models import Area, Contact, HelpWanted

router = APIRouter()

# The values the request forms offer (their labels are on the enums).
CHOICES = {"help_values": [h.value for h in HelpWanted], "contact_values": [c.value for c in Contact],
           "area_values": [a.value for a in Area]}


# One connection opens a few cases an hour (cases.service.count_new_case); then it waits.
TOO_MANY_REQUESTS = {
    "second": N_("Der er sendt mange henvendelser fra denne forbindelse den seneste time. Prøv igen om 1 sekund, eller ring til os."),
    "seconds": N_("Der er sendt mange henvendelser fra denne forbindelse den seneste time. Prøv igen om %(n)s sekunder, eller ring til os."),
    "minute": N_("Der er sendt mange henvendelser fra denne forbindelse den seneste time. Prøv igen om 1 minut, eller ring til os."),
    "minutes": N_("Der er sendt mange henvendelser fra denne forbindelse den seneste time. Prøv igen om %(n)s minutter, eller ring til os."),
}


def _page(request: Request, template: str, status: int = 200, **ctx):
    return render(request, template, {**CHOICES, **ctx}, status=status)


def _step1(request, parsed, status=200, screening_value=""):
    return _page(request, "public/requests/step1.html", status, form=parsed.form, errors=parsed.errors,
                 screening=screening_value)


def _verified(request, db, now):
    """The MitID identity of this browser's session, if it signed in with MitID: name and CPR number
    then come from NemLog-in, shown read-only, never from the form."""
    session = optional_citizen_session(request, db, now)
    return session, identity_of_mitid_session(db, session)


def _step2(request, parsed, screening_value, status=200, verified=None):
    decoded = screening.decode(screening_value)
    result = None
    if decoded:
        total = screening.score(decoded[0], decoded[2])
        result = {"kind": decoded[0], "total": total, "max": screening.MAX_SCORE[decoded[0]],
                  "explanation": screening.explanation(decoded[0], total, decoded[1])}
    return _page(request, "public/requests/step2.html", status, form=parsed.form, errors=parsed.errors,
                 s1=parsed.step1, screening=screening_value if decoded else "", screening_result=result,
                 verified=verified)


def _stop_page(request, step1):
    """Under 18 or gambling: a page pointing elsewhere. Nothing is stored."""
    if step1.under_18:
        return _page(request, "public/requests/youth.html")
    return _page(request, "public/requests/gambling.html")


@router.get("/behandling")
def show_request_form(request: Request, screening: str = "", age: str = "", area: str = "", for_whom: str = "",
                      anonymity: str = ""):
    """Step 1. `screening` carries a self-test result the citizen chose to bring along; the other
    parameters refill the form when the citizen goes back from step 2."""
    valid = screening if forms.screening.decode(screening[:200]) else ""
    typed = {"age": age, "area": area, "for_whom": for_whom, "anonymity": anonymity}
    return _step1(request, forms.Parsed(form={k: v[:20] for k, v in typed.items()}), screening_value=valid)


@router.post("/behandling")
def continue_request(request: Request, db: DB, now: Now, age: Annotated[str, Form(max_length=20)] = "",
                     area: Annotated[str, Form(max_length=20)] = "", for_whom: Annotated[str, Form(max_length=20)] = "",
                     anonymity: Annotated[str, Form(max_length=20)] = "",
                     screening: Annotated[str, Form(max_length=200)] = ""):
    """Step 1 → step 2 (nothing is stored until the request is sent)."""
    parsed = forms.parse_step1({"age": age, "area": area, "for_whom": for_whom, "anonymity": anonymity})
    if parsed.errors:
        return _step1(request, parsed, 422, screening_value=screening if forms.screening.decode(screening) else "")
    if parsed.step1.under_18 or parsed.step1.area == "gambling":
        return _stop_page(request, parsed.step1)
    return _step2(request, parsed, screening, verified=_verified(request, db, now)[1])


@router.post("/behandling/send")
async def send_request(request: Request, db: DB, now: Now):
    form = await request.form()
    # The rest touches the database and hashes the new code (argon2): in a worker thread. Run on the
    # event loop it would stall every request of this worker – and on SQLite wait for a write lock that
    # a request needing this very loop to finish holds (found by bench/crash.py).
    return await run_in_threadpool(_send_request, request, db, now, form)


def _send_request(request: Request, db, now, form):
    # Over-long values are kept and refused with a message by the validation, never silently dropped.
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    session, verified = _verified(request, db, now)
    if verified is not None and data.get("anonymity") != "anonymous":
        data.update(full_name=verified.full_name, cpr=verified.cpr)
    parsed = forms.parse_step2(data, [v for v in form.getlist("help_wanted") if isinstance(v, str)],
                               today=local_date(now))
    if parsed.step1 is None:
        return _step1(request, parsed, 422)
    if parsed.step1.under_18 or parsed.step1.area == "gambling":
        return _stop_page(request, parsed.step1)
    if parsed.cpr_under_18:
        return _page(request, "public/requests/youth.html")
    if parsed.intake is None:
        return _step2(request, parsed, data.get("screening", ""), status=422, verified=verified)
    if verified is not None and not parsed.intake.anonymous:
        # On the person's own case: no new case, no code to hand over, nothing to count per connection.
        flows.request_on_verified_case(db, case=signed_in_case(db, session), intake=parsed.intake, now=now)
        return see_other("/min-side", flash=N_("Vi har modtaget din henvendelse. En behandler skriver til dig her."))
    try:
        case, code, req = flows.request_treatment(
            db, intake=parsed.intake, client_key=client_key(request), now=now, language=language(request),
            per_hour=request.app.state.settings.new_cases_per_connection_hour)
    except cases.TooManyFromConnection as refused:
        # What was typed stays in the form: the citizen can send it when the wait is over, or call.
        db.commit()  # the count stays counted, so hammering the button does not shorten the wait
        parsed.errors["send"] = wait_message(TOO_MANY_REQUESTS, (refused.until - now).total_seconds())
        return _step2(request, parsed, data.get("screening", ""), status=429)
    view = service.guarantee_for(db, req, now=now)
    details = [(translate(request, "Modtaget"), _fmt(request, req.received_at))]
    if view.deadline:
        details.append((translate(request, "Behandlingen skal starte senest"), _fmt(request, view.deadline)))
    details.append((translate(request, "Det sker nu"), translate(
        request, "En behandler læser din henvendelse og skriver til dig på Min side – normalt inden for 2 hverdage. "
                 "Vi aftaler en første samtale med dig.")))
    return hand_over_new_code(request, db, case, code, now=now,
                              heading=translate(request, "Vi har modtaget din henvendelse"), details=details)


def _fmt(request, value):
    return format_long_day(value, language(request))


@router.get("/behandling/selvtest/{kind}")
def show_screening(request: Request, kind: str):
    if kind not in screening.TESTS:
        raise NotFound()
    return _page(request, "public/requests/screening.html", kind=kind, items=screening.TESTS[kind],
                 form={}, errors={})


@router.post("/behandling/selvtest/{kind}")
async def score_screening(request: Request, kind: str):
    if kind not in screening.TESTS:
        raise NotFound()
    form = await request.form()
    result, typed, errors = forms.parse_screening(kind, {k: v for k, v in form.items() if isinstance(v, str)})
    if result is None:
        return _page(request, "public/requests/screening.html", 422, kind=kind, items=screening.TESTS[kind],
                     form=typed, errors=errors)
    return _page(request, "public/requests/screening_result.html", result=result,
                 max=screening.MAX_SCORE[kind])


# --- Min side -------------------------------------------------------------------------------------

def requests_panel(db, case, now, found):
    reqs = queries.requests_of_case(db, case.id) if found["requests"] else []
    if not reqs:
        return None
    guarantees = service.guarantees_for(db, reqs, now=now, any_starts=bool(found["starts"]))
    rows = [{"req": r, "g": guarantees[r.id], "can_delete": service.can_delete(r)} for r in reqs]
    return Panel("public/requests/panel_requests.html", {"rows": rows}, order=10)


def _own_request(db, session, request_id):
    try:
        return service.get_request(db, case_id=session.case_id, request_id=request_id)
    except service.RequestNotFound:
        raise NotFound() from None


@router.get("/min-side/henvendelser/{request_id}/frit-valg")
@citizen_page
def show_free_choice(request: Request, db, session, now, request_id: int):
    req = _own_request(db, session, request_id)
    return _page(request, "public/requests/free_choice.html", req=req, signed_in=True,
                 g=service.guarantee_for(db, req, now=now))


@router.post("/min-side/henvendelser/{request_id}/frit-valg")
def ask_free_choice(request: Request, db: DB, now: Now, session: CitizenSession, request_id: int):
    req = _own_request(db, session, request_id)
    flows.ask_for_free_choice(db, req, now=now)
    return see_other("/min-side", flash=N_("Vi har registreret, at du ønsker frit valg. En behandler skriver til dig om, hvor du kan blive behandlet."))


@router.get("/min-side/henvendelser/{request_id}/slet")
@citizen_page
def confirm_delete_request(request: Request, db, session, now, request_id: int):
    req = _own_request(db, session, request_id)
    if not service.can_delete(req):
        raise NotFound()
    return _page(request, "public/requests/delete_confirm.html", req=req, signed_in=True)


@router.post("/min-side/henvendelser/{request_id}/slet")
def delete_request(request: Request, db: DB, now: Now, session: CitizenSession, request_id: int):
    req = _own_request(db, session, request_id)
    try:
        service.delete_unvisited_request(db, case_id=req.case_id, request_id=req.id, now=now)
    except service.RequestError:
        raise NotFound() from None
    response = see_other("/", flash=N_("Din henvendelse er slettet, og du er logget ud."))
    response.delete_cookie(CITIZEN_COOKIE, path="/")
    return response
