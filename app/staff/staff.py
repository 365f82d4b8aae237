"""Staff sign-in and the admin's staff list. Thin: parse, call the service, render or redirect."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool

from app.core import sessions, throttle
from app.core.deps import DB, AppSettings, Now, WaitingDB
from app.core.throttle import client_key, throttle_policy
from app.core.i18n import N_, TOO_MANY_ATTEMPTS, wait_message
from app.core.web import render, see_other
from app.staff import service
from app.staff.deps import Admin, AnyStaff
from app.staff.models import Role
from app.staff.session import end_staff_session, set_staff_cookie, staff_session

# Kept by a browser that signed in as a member: its attempts are paced on their own key, so nobody
# guessing at the username elsewhere can slow its owner down (staff.service.begin_staff_sign_in).
DEVICE_COOKIE = "rp_enhed"
DEVICE_MAX_AGE = 180 * 86400

# Sign-in pages: the only /personale routes without the staff dependency.
signin_router = APIRouter(prefix="/personale")
# Everything else: the dependency sits on the router, so no route can forget it.
router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])



@signin_router.get("/log-ind")
def show_staff_signin(request: Request):
    return render(request, "staff/signin.html", {"form": {}, "errors": {}})


@signin_router.post("/log-ind")
async def staff_signin(
    request: Request, db: WaitingDB, now: Now, settings: AppSettings,
    username: Annotated[str, Form(max_length=200)] = "", password: Annotated[str, Form(max_length=500)] = "",
):
    # Async for the same reason as the citizens' code sign-in: waiting for a turn, a pause or argon2
    # holds no worker thread and no database slot.
    signer = request.app.state.signer
    try:
        user = await service.authenticate_staff(
            db, username=username, password=password, client_key=client_key(request), now=now,
            policy=throttle_policy(settings), address_pause=settings.throttle_pause_seconds,
            device_cookie=signer.unsign_cookie(request.cookies.get(DEVICE_COOKIE), DEVICE_MAX_AGE),
        )
    except service.SignInRejected as rejected:
        await run_in_threadpool(db.rollback)
        headers = None
        message = N_("Brugernavn eller adgangskode er forkert.")
        if rejected.wait_seconds:
            await throttle.pause_before_refusal(rejected.wait_seconds, settings.throttle_pause_seconds)
            message = wait_message(TOO_MANY_ATTEMPTS, rejected.wait_seconds)
            headers = throttle.retry_after(rejected.wait_seconds)
        return render(request, "staff/signin.html",
                      {"form": {"username": username}, "errors": {"username": message}},
                      status=429 if rejected.wait_seconds else 422, headers=headers)
    token = await run_in_threadpool(partial(
        sessions.start_session, db, kind=sessions.STAFF, staff_id=user.id, now=now,
        user_agent=request.headers.get("user-agent", "")))
    response = see_other("/personale")
    set_staff_cookie(request, response, token)
    response.set_cookie(DEVICE_COOKIE, signer.sign_cookie(service.device_cookie_value(user.id)),
                        max_age=DEVICE_MAX_AGE, httponly=True, samesite="strict", path="/personale/log-ind",
                        secure=settings.secure_cookies)
    return response


@signin_router.post("/log-ud")
def staff_signout(request: Request, db: DB, now: Now):
    response = see_other("/personale/log-ind", flash=N_("Du er logget ud."))
    end_staff_session(request, response, db, now=now)
    return response


@router.get("")
def staff_home(request: Request, user: AnyStaff):
    return render(request, "staff/home.html", {"user": user})


@router.get("/medarbejdere")
def list_staff(request: Request, db: DB, user: Admin):
    return render(request, "staff/staff_list.html", {
        "user": user, "staff": service.list_staff(db), "roles": list(Role),
        "form": {}, "errors": {},
    })


@router.post("/medarbejdere")
def add_staff(
    request: Request, db: DB, now: Now, user: Admin,
    username: Annotated[str, Form(max_length=200)] = "", first_name: Annotated[str, Form(max_length=200)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "", role: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=500)] = "", email: Annotated[str, Form(max_length=300)] = "",
):
    try:
        service.create_staff(db, username=username, first_name=first_name, full_name=full_name, role=role,
                             password=password, now=now, email=email)
    except service.StaffError as err:
        return render(request, "staff/staff_list.html", {
            "user": user, "staff": service.list_staff(db), "roles": list(Role),
            "form": {"username": username, "first_name": first_name, "full_name": full_name, "role": role,
                     "email": email},
            "errors": {err.field: err.message},
        }, status=422)
    return see_other("/personale/medarbejdere", flash=N_("Medarbejderen er oprettet."))


@router.post("/medarbejdere/{staff_id}/aktiv")
def toggle_staff(
    request: Request, db: DB, now: Now, user: Admin, staff_id: int,
    active: Annotated[str, Form(max_length=5)] = "",
):
    target = service.get_staff(db, staff_id)
    if target.id == user.id:
        return see_other("/personale/medarbejdere", flash=N_("Du kan ikke deaktivere dig selv."))
    service.set_active(db, target, active=active == "1", now=now)
    return see_other("/personale/medarbejdere", flash=N_("Ændringen er gemt."))
