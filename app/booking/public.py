"""Citizen pages: /raadgivning (sessions and the booking form) and the booking on Min side
(cancel, move, calendar file). Thin: parse, call one service, render or redirect."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.booking import service
from app.booking.forms import parse_booking_form
from app.booking.ics import booking_ics
from app.booking.models import CounsellingBooking, CounsellingSession
from app.cases import service as cases
from app.cases.citizen_session import CitizenSession, citizen_page, optional_citizen_case
from app.cases.handoff import hand_over_new_code
from app.core.input_guard import form_number
from app.core.deps import DB, Now
from app.core.read_path import read_page
from app.core.throttle import client_key
from app.core.errors import NotFound
from app.core.i18n import N_, format_long_day, format_time, wait_message
from app.core.web import language, render, see_other, translate

router = APIRouter()

REASONS = {
    "full": N_("Der er ikke flere ledige pladser til denne tid. Vælg en af de næste tider herunder."),
    "started": N_("Denne tid er allerede begyndt eller forbi. Vælg en af de næste tider herunder."),
    "cancelled": N_("Denne tid er aflyst. Vælg en af de næste tider herunder."),
    "double": N_("Du har allerede booket en plads til denne tid. Du kan se den på Min side."),
    "relatives_only": N_("Denne tid er kun for pårørende. Vælg en anden tid, hvis du booker til dig selv."),
    "no_video": N_("Denne tid kan ikke foregå på video."),
    "not_active": N_("Bookingen er allerede afmeldt eller flyttet."),
    "same": N_("Du har allerede denne tid. Vælg en anden."),
    "source_full": N_("Der er allerede booket mange pladser til denne tid fra den samme forbindelse. Ring til os, "
                      "hvis I er flere, der gerne vil komme – eller vælg en af de næste tider herunder."),
}


# Bookings without a code open a case; one connection opens a few an hour (cases.service.count_new_case).
TOO_MANY_NEW = {
    "second": N_("Der er booket mange tider fra denne forbindelse den seneste time. Prøv igen om 1 sekund, eller ring til os."),
    "seconds": N_("Der er booket mange tider fra denne forbindelse den seneste time. Prøv igen om %(n)s sekunder, eller ring til os."),
    "minute": N_("Der er booket mange tider fra denne forbindelse den seneste time. Prøv igen om 1 minut, eller ring til os."),
    "minutes": N_("Der er booket mange tider fra denne forbindelse den seneste time. Prøv igen om %(n)s minutter, eller ring til os."),
}


def _when(request: Request, session: CounsellingSession) -> str:
    lang = language(request)
    return translate(request, "%(day)s kl. %(start)s–%(end)s", day=format_long_day(session.starts_at, lang),
                     start=format_time(session.starts_at, lang), end=format_time(session.ends_at, lang))


@router.get("/raadgivning")
async def list_sessions(request: Request, who: Annotated[str, Query(alias="for", max_length=20)] = ""):
    """Everyone sees every session; 'til mig selv' leaves out the ones only for relatives."""
    who = who if who in ("self", "relative") else ""
    return await read_page(request, lambda request, db, now: render(request, "public/booking/sessions.html", {
        "sessions": service.upcoming_sessions(db, now=now, as_relative=False if who == "self" else None),
        "who": who}))


def _form_page(request, db, now, session, *, case, typed=None, errors=None, alternatives=None, status=200):
    return render(request, "public/booking/book.html", {
        "session": session, "form": typed or {}, "errors": errors or {}, "signed_in": case is not None,
        "alternatives": alternatives or [], "bookable": session.free > 0 and session.starts_at > now,
        "started": session.starts_at <= now,
    }, status=status)


@router.get("/raadgivning/{session_id}")
def show_booking_form(request: Request, db: DB, now: Now, session_id: int):
    session = service.get_session(db, session_id)
    case = optional_citizen_case(request, db, now)
    alternatives = ([] if session.free > 0 and session.starts_at > now
                    else service.next_free_sessions(db, now=now, as_relative=True, exclude=session.id))
    return _form_page(request, db, now, session, case=case, alternatives=alternatives)


Text = Annotated[str, Form(max_length=1000)]


@router.post("/raadgivning/{session_id}")
def book_place(
    request: Request, db: DB, now: Now, session_id: int, who: Text = "", mode: Text = "", age: Text = "",
    identity: Text = "", nickname: Text = "", full_name: Text = "", phone: Text = "", email: Text = "",
    other_session: Text = "",
):
    """Book a place. `other_session` is the time picked on a re-rendered form when this one was full."""
    raw = {"who": who, "mode": mode, "age": age, "identity": identity, "nickname": nickname,
           "full_name": full_name, "phone": phone, "email": email}
    picked = form_number(other_session) if other_session else session_id
    if picked is None:
        raise NotFound()  # not a time we offered
    session = service.get_session(db, picked)
    case = optional_citizen_case(request, db, now)
    form = parse_booking_form(raw, relatives_only=session.relatives_only, video_offered=session.video,
                              signed_in=case is not None)
    form.typed["other_session"] = other_session
    if form.under_18 and not form.errors.get("age"):
        # Nothing of theirs is stored: not a case, not a booking, not even what they typed.
        return render(request, "public/booking/under_18.html")
    if form.errors:
        return _form_page(request, db, now, session, case=case, typed=form.typed, errors=form.errors, status=422)
    key = client_key(request)
    if case is None:  # a booking without a code opens a case: counted per connection
        try:
            cases.count_new_case(db, client_key=key, now=now,
                                 per_hour=request.app.state.settings.new_cases_per_connection_hour)
        except cases.TooManyFromConnection as refused:
            db.commit()  # the count stays counted, so hammering the button does not shorten the wait
            alternatives = service.next_free_sessions(db, now=now, as_relative=form.as_relative, exclude=session.id)
            return _form_page(request, db, now, session, case=case, typed=form.typed, alternatives=alternatives,
                              errors={"booking": wait_message(TOO_MANY_NEW, (refused.until - now).total_seconds())},
                              status=429)
    try:
        result = service.book_session(db, session_id=session.id, now=now, as_relative=form.as_relative,
                                      video=form.video, case=case, anonymous=form.anonymous, contact=form.contact,
                                      language=language(request),
                                      source=service.source_tag(session.id, key))
    except service.BookingError as err:
        alternatives = service.next_free_sessions(db, now=now, as_relative=form.as_relative, exclude=session.id)
        field = "mode" if err.reason == "no_video" else "who" if err.reason == "relatives_only" else "booking"
        return _form_page(request, db, now, session, case=case, typed=form.typed,
                          errors={field: REASONS[err.reason]}, alternatives=alternatives, status=422)
    if result.code is None:
        return see_other("/min-side", flash=N_("Din tid er booket. Du kan se den herunder."))
    details = [
        (translate(request, "Tid"), _when(request, result.session)),
        (translate(request, "Sted"), translate(request, "Video – du får et link fra os") if form.video
         else result.session.place),
        (translate(request, "For"), translate(request, "Dig som pårørende") if form.as_relative
         else translate(request, "Dig selv")),
    ]
    if form.under_30 and not form.as_relative:
        details.append((translate(request, "Under 30 år?"), translate(
            request, "Du kan få et særligt forløb for unge voksne (MOVE). Spørg os om det, når vi ses.")))
    return hand_over_new_code(request, db, result.case, result.code, now=now,
                              heading=translate(request, "Din tid er booket"), details=details)


# --- With the code: Min side -----------------------------------------------------------------

def _own(db, session: CitizenSession, booking_id: int) -> CounsellingBooking:
    return service.own_booking(db, case_id=session.case_id, booking_id=booking_id)


@router.post("/min-side/raadgivning/{booking_id}/afmeld")
def cancel_my_booking(request: Request, db: DB, now: Now, session: CitizenSession, booking_id: int):
    try:
        service.cancel_booking(db, case_id=session.case_id, booking_id=booking_id, now=now)
    except service.BookingError as err:
        return see_other("/min-side", flash=REASONS[err.reason])
    return see_other("/min-side", flash=N_("Din tid er afmeldt. Pladsen er givet fri til en anden."))


def _move_page(request, db, now, booking, *, typed="", errors=None, status=200):
    current = service.get_session(db, booking.session_id)
    options = service.next_free_sessions(db, now=now, as_relative=booking.as_relative, exclude=current.id,
                                         limit=12)
    return render(request, "public/booking/move.html", {
        "booking": booking, "current": current, "options": options, "form": {"session_id": typed},
        "errors": errors or {}, "signed_in": True,
    }, status=status)


@router.get("/min-side/raadgivning/{booking_id}/flyt")
@citizen_page
def show_move_form(request: Request, db, session, now, booking_id: int):
    return _move_page(request, db, now, _own(db, session, booking_id))


@router.post("/min-side/raadgivning/{booking_id}/flyt")
def move_my_booking(request: Request, db: DB, now: Now, session: CitizenSession, booking_id: int,
                    session_id: Annotated[str, Form(max_length=20)] = ""):
    booking = _own(db, session, booking_id)
    to_session_id = form_number(session_id)
    if to_session_id is None:
        return _move_page(request, db, now, booking, typed=session_id, status=422,
                          errors={"session_id": N_("Vælg den tid, du vil flytte til.")})
    try:
        service.move_booking(db, case_id=session.case_id, booking_id=booking.id, to_session_id=to_session_id,
                             now=now)
    except service.BookingError as err:
        return _move_page(request, db, now, booking, typed=session_id, status=422,
                          errors={"session_id": REASONS[err.reason]})
    return see_other("/min-side", flash=N_("Din tid er flyttet. Hent kalenderfilen igen, hvis du bruger den."))


@router.get("/min-side/raadgivning/{booking_id}/kalender.ics")
@citizen_page
def booking_calendar(request: Request, db, session, now, booking_id: int):
    booking = _own(db, session, booking_id)
    counselling = service.get_session(db, booking.session_id)
    # Neutral on purpose: calendars show on lock screens and shared phones (app/core/calendar.py).
    body = booking_ics(booking, counselling, now=now, summary=translate(request, "Samtale"),
                       description=translate(request, "Flyt eller afmeld på Min side."))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="raadgivning.ics"'})
