"""MitID for citizens: the sign-in round trip with NemLog-in, the consent to attach an anonymous
case, the person's cases, single logout and our SAML metadata. Present only when MitID is
configured (create_app leaves app.state.mitid None otherwise and every route here answers 404).

The round trip crosses sites twice. NemLog-in's answer arrives as a cross-site POST to /mitid/acs,
which carries none of our SameSite cookies: the ACS checks the answer and parks it. Its page then
posts, from our own site (by itself with JavaScript, with one button press without), to
/mitid/fortsaet, where this browser's nonce cookie and, when attaching, its code session are
present: only there is anyone signed in. Every route that calls pysaml2 is a `def` route: it runs
xmlsec1, which must never hold up the event loop."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.cases.citizen_session import (CITIZEN_COOKIE, CitizenSession, citizen_page, optional_citizen_session,
                                       signed_in_case)
from app.core.deps import DB, Now
from app.core.errors import NotFound
from app.core import throttle
from app.core.i18n import N_, wait_message
from app.core.throttle import client_key
from app.core.security import new_token
from app.core.web import render, safe_next, see_other
from app.identity import flows, service
from app.identity.models import CaseIdentity
from app.identity.oiosaml import METADATA_PATH

router = APIRouter()
log = logging.getLogger("app.identity")

NONCE_COOKIE = "rp_mitid"
NONCE_MAX_AGE = int((service.LOGIN_LIFETIME + service.ANSWER_LIFETIME).total_seconds())

# One text whatever the reason: the reason goes to the access log, not to the screen.
REFUSED = N_("Vi kunne ikke logge dig ind med MitID. Der er ikke gemt noget. Prøv igen, eller brug din "
             "personlige kode.")
EXPIRED = N_("Det tog for lang tid, eller du har allerede brugt dette login. Der er ikke gemt noget. Prøv igen.")
ATTACH_REFUSED = N_("Vi kunne ikke knytte sagen til MitID. Log ind med din kode igen i samme browser, og prøv "
                    "igen. Der er ikke ændret noget.")


# One connection started very many sign-ins just now.
TOO_MANY = {
    "second": N_("Der er startet meget mange MitID-login fra denne forbindelse. Prøv igen om 1 sekund."),
    "seconds": N_("Der er startet meget mange MitID-login fra denne forbindelse. Prøv igen om %(n)s sekunder."),
    "minute": N_("Der er startet meget mange MitID-login fra denne forbindelse. Prøv igen om 1 minut."),
    "minutes": N_("Der er startet meget mange MitID-login fra denne forbindelse. Prøv igen om %(n)s minutter."),
}


def _provider(request: Request):
    provider = request.app.state.mitid
    if provider is None:
        raise NotFound()
    return provider


def _refused(request: Request, text, status: int = 400, headers=None):
    return render(request, "public/identity/refused.html", {"text": text}, status=status, headers=headers)


def _start(request: Request, db, now, *, came_from: str, **attach):
    provider = _provider(request)
    nonce = new_token()
    try:
        url = service.start_login(db, provider, now=now, browser_nonce=nonce, came_from=came_from,
                                  client_key=client_key(request), **attach)
    except service.TooManyStarts as refused:
        db.commit()  # counted stays counted
        wait = (refused.until - now).total_seconds()
        return _refused(request, wait_message(TOO_MANY, wait), 429, throttle.retry_after(wait))
    response = see_other(url)
    # Lax: the browser comes back to us from NemLog-in, a top-level navigation from another site.
    response.set_cookie(NONCE_COOKIE, request.app.state.signer.sign_cookie(nonce), httponly=True, samesite="lax",
                        path="/mitid", max_age=NONCE_MAX_AGE,
                        secure=request.app.state.settings.secure_cookies)
    return response


@router.post("/mitid/log-ind")
def start_sign_in(request: Request, db: DB, now: Now, next: Annotated[str, Form(max_length=200)] = "/min-side"):
    return _start(request, db, now, came_from=safe_next(next, "/min-side"))


def acs(request: Request, db: DB, now: Now, SAMLResponse: Annotated[str, Form(max_length=200_000)] = ""):
    provider = _provider(request)
    try:
        login = service.accept_response(db, provider, now=now, saml_response=SAMLResponse,
                                        accepted_loa=request.app.state.settings.mitid.accepted_loa)
    except service.Refused as refused:
        db.rollback()  # nothing of the answer is kept
        log.info("mitid sign-in refused: %s", refused.reason)  # the reason only: no CPR, no name, no address
        return _refused(request, REFUSED)
    return render(request, "public/identity/continue.html", {"purpose": login.purpose})


acs.csrf_exempt = True  # NemLog-in's POST comes from its own site; the SAML checks stand in for the token
router.add_api_route("/mitid/acs", acs, methods=["POST"])


@router.post("/mitid/fortsaet")
def finish_sign_in(request: Request, db: DB, now: Now):
    _provider(request)
    nonce = request.app.state.signer.unsign_cookie(request.cookies.get(NONCE_COOKIE), NONCE_MAX_AGE)
    login = service.take_answer(db, now=now, browser_nonce=nonce)
    if login is None:
        return _refused(request, EXPIRED)
    response = see_other(safe_next(login.came_from, "/min-side"))
    if login.purpose == "attach":
        try:
            case = flows.attach_case(db, login, code_session=optional_citizen_session(request, db, now), now=now)
        except service.Refused as refused:
            db.rollback()
            log.info("mitid attach refused: %s", refused.reason)
            return _refused(request, ATTACH_REFUSED)
    else:
        case = flows.case_for_sign_in(db, login, now=now)
    flows.open_mitid_session(request, response, db, case, login, now=now)
    response.delete_cookie(NONCE_COOKIE, path="/mitid")
    return response


@router.get("/mitid/knyt")
@citizen_page
def show_attach_consent(request: Request, db, session, now):
    _provider(request)
    case = signed_in_case(db, session)
    return render(request, "public/identity/attach.html",
                  {"already": db.get(CaseIdentity, case.id) is not None, "case": case})


@router.post("/mitid/knyt")
def consent_to_attach(request: Request, db: DB, now: Now, session: CitizenSession):
    if db.get(CaseIdentity, session.case_id) is not None:
        return see_other("/min-side")
    return _start(request, db, now, came_from="/min-side", purpose="attach", attach_case_id=session.case_id,
                  attach_session_id=session.id)


@router.get("/mitid/sager")
@citizen_page
def show_my_cases(request: Request, db, session, now):
    _provider(request)
    mine = flows.mitid_session(db, session.id)
    cases = flows.cases_of_person(db, mine.cpr) if mine is not None else []
    return render(request, "public/identity/cases.html",
                  {"signed_in_with_mitid": mine is not None, "cases": cases, "current": session.case_id})


@router.post("/mitid/sager/{case_id}")
def switch_case(request: Request, db: DB, now: Now, session: CitizenSession, case_id: int):
    response = see_other("/min-side")
    try:
        flows.switch_case(request, response, db, session, case_id, now=now)
    except flows.SwitchRefused:
        raise NotFound()
    return response


@router.get(METADATA_PATH)
def metadata(request: Request):
    return Response(_provider(request).metadata_xml(), media_type="application/samlmetadata+xml")


def single_logout_step(request: Request, db, session, now) -> str | None:
    """A sign-out step for Min side: a MitID session also ends at NemLog-in, so the next person on a
    shared phone who presses "Log ind med MitID" is asked for their own MitID."""
    provider = request.app.state.mitid
    mine = flows.end_mitid_session(db, session, now=now)
    if provider is None or mine is None or not mine.name_id:
        return None
    return provider.logout_request(mine.name_id, mine.session_index)


@router.get("/mitid/logout/svar")
def logout_answer(request: Request, db: DB, now: Now, SAMLRequest: str = ""):
    """NemLog-in's answer to our logout, or its request that we end a session (signed out elsewhere)."""
    provider = _provider(request)
    if SAMLRequest:
        try:
            url = provider.answer_logout_request(request.url.query, lambda name_id: flows.end_sessions_of_name_id(
                db, name_id, now=now))
        except Exception:  # unsigned, forged or garbled: nothing is ended, nothing is answered
            raise NotFound()
        return see_other(url) if url else see_other("/")
    # Our own session ended before the browser went to NemLog-in; its answer has nothing left to change.
    response = see_other("/", flash=N_("Du er logget ud af Min side og MitID."))
    response.delete_cookie(CITIZEN_COOKIE, path="/")
    return response
