"""/personale/to-trin (second factor), /personale/sessioner and /personale/min-konto. Thin routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.account import service
from app.core.deps import DB, AppCentre, AppSettings, Now
from app.core.throttle import client_key, throttle_policy
from app.core.i18n import Msg, N_, TOO_MANY_ATTEMPTS, wait_message
from app.core import sessions, throttle
from app.core.web import render, see_other, translate
from app.staff import service as staff_service
from app.staff.deps import Admin, AnyStaff, current_staff
from app.staff.models import StaffUser
from app.staff.session import set_staff_cookie, staff_session, staff_session_password_only

# The second-factor pages are the only staff pages reachable after the password alone.
second_factor_router = APIRouter(prefix="/personale/to-trin")
router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])


PasswordOnlySession = Annotated[sessions.SignedIn, Depends(staff_session_password_only)]

MESSAGES = {
    "malformed": N_("Skriv de 6 cifre fra appen, eller en gendannelseskode på 10 tegn."),
    "wrong": N_("Koden passer ikke. Tjek, at du bruger den nyeste kode fra appen."),
    "reused": N_("Koden er allerede brugt. Vent på den næste kode i appen."),
}


def password_only_user(session: PasswordOnlySession, db: DB) -> StaffUser:
    """The member behind a session that may not have passed the second factor yet."""
    return current_staff(session, db)


PasswordOnlyUser = Annotated[StaffUser, Depends(password_only_user)]


def _message(rejected: service.SecondFactorRejected) -> Msg:
    if rejected.reason == "throttled":
        return wait_message(TOO_MANY_ATTEMPTS, rejected.wait_seconds)
    return Msg(MESSAGES[rejected.reason])


def _retry_after(rejected: service.SecondFactorRejected) -> dict | None:
    return throttle.retry_after(rejected.wait_seconds) if rejected.reason == "throttled" else None


def _enrol_context(request: Request, db, user: StaffUser, centre, errors) -> dict:
    secret = service.pending_secret(db, user)
    uri = service.provisioning_uri(secret, username=user.username, issuer=centre.name)
    return {"user": None, "staff_user": user, "secret": service.group_secret(secret),
            "qr": service.qr_svg(uri, label=translate(request, N_("QR-kode til godkender-appen"))), "errors": errors}


@second_factor_router.get("")
def show_second_factor(request: Request, db: DB, session: PasswordOnlySession, user: PasswordOnlyUser,
                       centre: AppCentre):
    if session.second_factor_passed:
        return see_other("/personale")
    if not service.is_enrolled(user):
        return render(request, "staff/account/enrol.html", _enrol_context(request, db, user, centre, {}))
    return render(request, "staff/account/second_factor.html", {"user": None, "staff_user": user, "errors": {}})


@second_factor_router.post("")
def check_second_factor(
    request: Request, db: DB, now: Now, settings: AppSettings, session: PasswordOnlySession,
    user: PasswordOnlyUser, code: Annotated[str, Form(max_length=40)] = "",
):
    if session.second_factor_passed:
        return see_other("/personale")
    try:
        used = service.check_second_factor(db, user, code=code, client_key=client_key(request), now=now,
                                           policy=throttle_policy(settings))
    except service.SecondFactorRejected as rejected:
        return render(request, "staff/account/second_factor.html",
                      {"user": None, "staff_user": user, "errors": {"code": _message(rejected)}},
                      status=429 if rejected.reason == "throttled" else 422, headers=_retry_after(rejected))
    token = service.pass_second_factor(db, session, now=now)
    flash = N_("Du har brugt en gendannelseskode. Lav nye koder under Min konto, når du har brugt flere.") \
        if used == "recovery" else None
    return set_staff_cookie(request, see_other("/personale", flash=flash), token)


@second_factor_router.post("/tilmeld")
def confirm_enrolment(
    request: Request, db: DB, now: Now, settings: AppSettings, centre: AppCentre, session: PasswordOnlySession,
    user: PasswordOnlyUser, code: Annotated[str, Form(max_length=40)] = "",
):
    if service.is_enrolled(user):
        return see_other("/personale/to-trin")
    try:
        codes = service.confirm_enrolment(db, user, code=code, client_key=client_key(request), now=now,
                                          policy=throttle_policy(settings))
    except service.SecondFactorRejected as rejected:
        return render(request, "staff/account/enrol.html",
                      _enrol_context(request, db, user, centre, {"code": _message(rejected)}),
                      status=429 if rejected.reason == "throttled" else 422, headers=_retry_after(rejected))
    token = service.pass_second_factor(db, session, now=now)
    # Shown once, in the answer to the POST: the codes are never stored in clear, so no later GET can.
    response = render(request, "staff/account/recovery_codes.html",
                      {"user": user, "codes": codes, "first_time": True})
    return set_staff_cookie(request, response, token)


@router.get("/min-konto")
def show_my_account(request: Request, db: DB, user: AnyStaff):
    return render(request, "staff/account/my_account.html", {
        "user": user, "form": {}, "errors": {},
        "recovery_left": service.unused_recovery_codes(db, user), "enrolled": service.is_enrolled(user),
    })


@router.post("/min-konto/adgangskode")
def change_my_password(
    request: Request, db: DB, now: Now, settings: AppSettings, user: AnyStaff,
    current_password: Annotated[str, Form(max_length=500)] = "",
    new_password: Annotated[str, Form(max_length=500)] = "",
    repeat_password: Annotated[str, Form(max_length=500)] = "",
):
    try:
        service.change_own_password(db, user, current_password=current_password, new_password=new_password,
                                    repeat=repeat_password, keep_session=request.state.staff_token,
                                    client_key=client_key(request), now=now, policy=throttle_policy(settings))
    except service.AccountError as err:
        return render(request, "staff/account/my_account.html", {
            "user": user, "form": {}, "errors": {err.field: err.message},
            "recovery_left": service.unused_recovery_codes(db, user), "enrolled": service.is_enrolled(user),
        }, status=422)
    return see_other("/personale/min-konto",
                     flash=N_("Din adgangskode er ændret. Du er logget ud alle andre steder."))


@router.post("/min-konto/gendannelseskoder")
def renew_recovery_codes(request: Request, db: DB, now: Now, user: AnyStaff):
    if not service.is_enrolled(user):
        return see_other("/personale/min-konto")
    codes = service.new_recovery_codes(db, user, now=now)
    return render(request, "staff/account/recovery_codes.html",
                  {"user": user, "codes": codes, "first_time": False})


@router.get("/sessioner")
def list_my_sessions(request: Request, db: DB, user: AnyStaff):
    return render(request, "staff/account/sessions.html", {
        "user": user,
        "sessions": service.own_sessions(db, user, current_token=request.state.staff_token),
    })


@router.post("/sessioner/{session_id}/afslut")
def end_my_session(request: Request, db: DB, now: Now, user: AnyStaff, session_id: str):
    service.end_own_session(db, user, session_id=session_id, now=now)
    return see_other("/personale/sessioner", flash=N_("Sessionen er afsluttet."))


@router.post("/medarbejdere/{staff_id}/to-trin/nulstil")
def reset_staff_second_factor(request: Request, db: DB, now: Now, user: Admin, staff_id: int):
    target = staff_service.get_staff(db, staff_id)
    service.reset_second_factor(db, target, now=now)
    return see_other("/personale/medarbejdere",
                     flash=N_("To-trins-login er nulstillet. Medarbejderen sætter det op igen ved næste login."))
