"""Citizen pages of the waiting list: join a full session's list (with the code, or as a new case that
gets one), and on Min side take or decline a held place, or leave a list. Thin: parse, call one
service, render or redirect."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.booking import service, waitlist
from app.booking.forms import parse_booking_form
from app.booking.public import TOO_MANY_NEW
from app.cases import service as cases
from app.cases.citizen_session import CitizenSession, optional_citizen_case
from app.cases.handoff import hand_over_new_code
from app.core.deps import DB, Now
from app.core.i18n import N_, format_long_day, format_time, wait_message
from app.core.throttle import client_key
from app.core.web import language, render, see_other, translate

router = APIRouter()

REASONS = {
    "not_full": N_("Der er ledige pladser til denne tid lige nu, så du kan booke en plads med det samme."),
    "on_list": N_("Du står allerede på ventelisten til denne tid. Du kan se den på Min side."),
    "booked": N_("Du har allerede en plads til denne tid. Du kan se den på Min side."),
    "not_on_list": N_("Du står ikke længere på ventelisten til denne tid."),
    "no_offer": N_("Pladsen er ikke længere holdt til dig. Den er givet videre til den næste på listen."),
    "too_late": N_("Tiden til at svare er gået, så pladsen går videre til den næste på listen."),
    "started": N_("Denne tid er allerede begyndt eller forbi."),
    "cancelled": N_("Denne tid er aflyst."),
    "relatives_only": N_("Denne tid er kun for pårørende. Vælg en anden tid, hvis du skriver dig op til dig selv."),
}


def _page(request, db, now, session, *, case, typed=None, errors=None, status=200):
    return render(request, "public/booking/waitlist_join.html", {
        "session": session, "form": typed or {}, "errors": errors or {}, "signed_in": case is not None,
        "can_notify": case is not None and cases_can_be_told(case),
        "joinable": session.status == "open" and session.starts_at > now and session.free == 0,
        "hold_hours": _hours(waitlist.configured_hold()), "now": now,
    }, status=status)


def _hours(hold) -> int:
    return max(1, round(hold.total_seconds() / 3600))


def cases_can_be_told(case) -> bool:
    return not case.anonymous and bool((case.phone or "").strip() or (case.email or "").strip())


@router.get("/raadgivning/{session_id}/venteliste")
def show_waitlist_form(request: Request, db: DB, now: Now, session_id: int):
    session = service.get_session(db, session_id)
    return _page(request, db, now, session, case=optional_citizen_case(request, db, now))


Text = Annotated[str, Form(max_length=1000)]


@router.post("/raadgivning/{session_id}/venteliste")
def join_waitlist(
    request: Request, db: DB, now: Now, session_id: int, who: Text = "", age: Text = "", identity: Text = "",
    nickname: Text = "", full_name: Text = "", phone: Text = "", email: Text = "", notice: Text = "",
):
    """Join a full session's list. Without a code this opens a case, as a booking does."""
    session = service.get_session(db, session_id)
    case = optional_citizen_case(request, db, now)
    raw = {"who": who, "age": age, "identity": identity, "nickname": nickname, "full_name": full_name,
           "phone": phone, "email": email}
    form = parse_booking_form(raw, relatives_only=session.relatives_only, video_offered=False,
                              signed_in=case is not None)
    form.typed["notice"] = notice if notice in ("yes", "no") else ""
    if case is not None and cases_can_be_told(case) and not form.typed["notice"]:
        form.errors["notice"] = N_("Vælg, om vi skal give dig besked på sms eller e-mail.")
    if form.under_18 and not form.errors.get("age"):
        return render(request, "public/booking/under_18.html")  # nothing of theirs is stored
    if form.errors:
        return _page(request, db, now, session, case=case, typed=form.typed, errors=form.errors, status=422)
    if case is None:  # a new case: counted per connection, like a booking without a code
        try:
            cases.count_new_case(db, client_key=client_key(request), now=now,
                                 per_hour=request.app.state.settings.new_cases_per_connection_hour)
        except cases.TooManyFromConnection as refused:
            db.commit()  # the count stays counted
            return _page(request, db, now, session, case=case, typed=form.typed, status=429, errors={
                "waitlist": wait_message(TOO_MANY_NEW, (refused.until - now).total_seconds())})
    try:
        result = waitlist.join_waitlist(db, session_id=session.id, now=now, as_relative=form.as_relative, case=case,
                                        anonymous=form.anonymous, contact=form.contact,
                                        notify_me=form.typed["notice"] == "yes", language=language(request))
    except waitlist.WaitlistError as err:
        field = "who" if err.reason == "relatives_only" else "waitlist"
        return _page(request, db, now, session, case=case, typed=form.typed, errors={field: REASONS[err.reason]},
                     status=422)
    if result.code is None:
        return see_other("/min-side", flash=N_("Du står nu på ventelisten. Bliver der en plads, kan du se det her."))
    lang = language(request)
    when = translate(request, "%(day)s kl. %(start)s–%(end)s", day=format_long_day(session.starts_at, lang),
                     start=format_time(session.starts_at, lang), end=format_time(session.ends_at, lang))
    details = [
        (translate(request, "Venteliste til"), when),
        (translate(request, "Sted"), session.place),
        (translate(request, "Sådan får du pladsen"), translate(
            request, "Bliver der en plads, holder vi den til dig i op til %(n)s timer. Log ind på Min side med "
                     "koden for at tage den.", n=_hours(waitlist.configured_hold()))),
    ]
    return hand_over_new_code(request, db, result.case, result.code, now=now,
                              heading=translate(request, "Du står på ventelisten"), details=details)


# --- With the code: Min side -----------------------------------------------------------------

def _answer(action, db, now, session: CitizenSession, session_id: int, done: str):
    try:
        action(db, case_id=session.case_id, session_id=session_id, now=now)
    except waitlist.WaitlistError as err:
        return see_other("/min-side", flash=REASONS[err.reason])
    return see_other("/min-side", flash=done)


@router.post("/min-side/venteliste/{session_id}/tag")
def take_waitlist_place(request: Request, db: DB, now: Now, session: CitizenSession, session_id: int):
    return _answer(waitlist.take_offer, db, now, session, session_id, N_("Pladsen er din. Du kan se tiden herunder."))


@router.post("/min-side/venteliste/{session_id}/nej")
def decline_waitlist_place(request: Request, db: DB, now: Now, session: CitizenSession, session_id: int):
    return _answer(waitlist.decline_offer, db, now, session, session_id,
                   N_("Tak for svaret. Pladsen går videre til den næste på listen."))


@router.post("/min-side/venteliste/{session_id}/forlad")
def leave_waitlist(request: Request, db: DB, now: Now, session: CitizenSession, session_id: int):
    return _answer(waitlist.leave_waitlist, db, now, session, session_id, N_("Du står ikke længere på ventelisten."))
