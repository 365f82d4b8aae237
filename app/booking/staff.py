"""Staff pages for Åben Rådgivning: schedule templates, sessions, the list with attendance,
walk-ins and cancelling a single session. Reception runs the lists; leaders own the schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.audit.service import record_access
from app.booking import service, waitlist
from app.booking.models import BookingStatus
from app.booking.public import REASONS
from app.core.input_guard import form_number
from app.core.clock import local_date
from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.i18n import N_
from app.core.web import render, see_other
from app.staff.deps import AnyStaff, Leader

router = APIRouter(prefix="/personale/raadgivning", dependencies=[Depends(staff_session)])

WEEKDAYS = [N_("mandag"), N_("tirsdag"), N_("onsdag"), N_("torsdag"), N_("fredag"), N_("lørdag"), N_("søndag")]
Text = Annotated[str, Form(max_length=1000)]


def _ctx(user, **extra):
    return {"user": user, "weekdays": WEEKDAYS, **extra}


@router.get("")
def staff_sessions(request: Request, db: DB, now: Now, user: AnyStaff):
    today = local_date(now)
    upcoming = service.sessions_between(db, today, today + timedelta(weeks=service.GENERATE_WEEKS))
    return render(request, "staff/booking/overview.html", _ctx(
        user, today=[s for s in upcoming if s.day == today], upcoming=[s for s in upcoming if s.day != today],
        schedules=service.list_schedules(db), can_manage=user.role in ("leader", "admin")))


@router.post("/generer")
def generate(request: Request, db: DB, now: Now, user: Leader):
    service.generate_sessions(db, now=now)
    return see_other("/personale/raadgivning", flash=N_("Tiderne for de kommende uger er lagt ud."))


def _schedule_page(request, user, *, schedule=None, form=None, errors=None, status=200):
    if form is None and schedule is not None:
        form = {"weekday": str(schedule.weekday), "start": f"{schedule.start_hour:02d}.{schedule.start_minute:02d}",
                "duration_minutes": str(schedule.duration_minutes), "place": schedule.place,
                "capacity": str(schedule.capacity), "relatives_only": "1" if schedule.relatives_only else "",
                "video": "1" if schedule.video else "", "active": "1" if schedule.active else "0"}
    return render(request, "staff/booking/schedule_form.html", _ctx(
        user, schedule=schedule, form=form or {"active": "1", "duration_minutes": "120"}, errors=errors or {}),
        status=status)


@router.get("/skabeloner/ny")
def new_schedule(request: Request, user: Leader):
    return _schedule_page(request, user)


def _save(request, db, now, user, schedule, form):
    try:
        values = service.parse_schedule_form(form)
    except service.ScheduleError as err:
        return _schedule_page(request, user, schedule=schedule, form=form, errors={err.field: err.message},
                              status=422)
    service.save_schedule(db, values=values, schedule=schedule, now=now)
    service.generate_sessions(db, now=now)
    return see_other("/personale/raadgivning", flash=N_("Skemaet er gemt, og tiderne er lagt ud."))


@router.post("/skabeloner")
def create_schedule(request: Request, db: DB, now: Now, user: Leader, weekday: Text = "", start: Text = "",
                    duration_minutes: Text = "", place: Text = "", capacity: Text = "",
                    relatives_only: Text = "", video: Text = ""):
    form = {"weekday": weekday, "start": start, "duration_minutes": duration_minutes, "place": place,
            "capacity": capacity, "relatives_only": relatives_only, "video": video, "active": "1"}
    return _save(request, db, now, user, None, form)


@router.get("/skabeloner/{schedule_id}")
def edit_schedule(request: Request, db: DB, user: Leader, schedule_id: int):
    return _schedule_page(request, user, schedule=service.get_schedule(db, schedule_id))


@router.post("/skabeloner/{schedule_id}")
def update_schedule(request: Request, db: DB, now: Now, user: Leader, schedule_id: int, weekday: Text = "",
                    start: Text = "", duration_minutes: Text = "", place: Text = "", capacity: Text = "",
                    relatives_only: Text = "", video: Text = "", active: Text = ""):
    schedule = service.get_schedule(db, schedule_id)
    form = {"weekday": weekday, "start": start, "duration_minutes": duration_minutes, "place": place,
            "capacity": capacity, "relatives_only": relatives_only, "video": video, "active": active or "0"}
    return _save(request, db, now, user, schedule, form)


def _session_page(request, db, now, user, session_id, *, errors=None, form=None, status=200):
    session = service.get_session(db, session_id)
    rows = service.session_list(db, session.id)
    # Opening the list shows who is coming: logged for every case on it.
    for booking, case in rows:
        record_access(db, staff=user, case_id=case.id, action="view_booking_list",
                      detail=f"Åben Rådgivning {session.day.isoformat()}", now=now)
    waiting = waitlist.session_waitlist(db, session.id)
    for entry, case, _offer in waiting:
        record_access(db, staff=user, case_id=case.id, action="view_waitlist",
                      detail=f"Åben Rådgivning {session.day.isoformat()}", now=now)
    return render(request, "staff/booking/session.html", _ctx(
        user, session=session, rows=rows, errors=errors or {}, form=form or {}, active=service.ACTIVE,
        started=session.starts_at <= now, several=service.sources_with_several(db, session.id),
        booked=BookingStatus.booked.value, waiting=waiting, can_manage=user.role in ("leader", "admin")),
        status=status, block="booking_list")


@router.get("/tider/{session_id}")
def show_session(request: Request, db: DB, now: Now, user: AnyStaff, session_id: int):
    return _session_page(request, db, now, user, session_id)


@router.post("/tider/{session_id}/fremmoede")
def mark_attendance(request: Request, db: DB, now: Now, user: AnyStaff, session_id: int,
                    booking_id: Text = "", status: Text = ""):
    service.get_session(db, session_id)
    booking_number = form_number(booking_id)
    if booking_number is None:
        return see_other(f"/personale/raadgivning/tider/{session_id}")
    try:
        booking = service.mark_attendance(db, session_id=session_id, booking_id=booking_number, status=status,
                                          now=now)
    except service.BookingError:
        return see_other(f"/personale/raadgivning/tider/{session_id}", flash=N_("Ændringen kunne ikke gemmes."))
    record_access(db, staff=user, case_id=booking.case_id, action="mark_attendance", detail=status, now=now)
    return see_other(f"/personale/raadgivning/tider/{session_id}", flash=N_("Fremmødet er gemt."))


@router.post("/tider/{session_id}/forbindelse")
def remove_bookings_from_source(request: Request, db: DB, now: Now, user: AnyStaff, session_id: int,
                                source: Text = ""):
    """One action removes a flood's bookings (same connection, same session); each case's access log
    shows who did it, and the places are free again at once."""
    removed = service.remove_bookings_from_source(db, session_id=session_id, tag=source[:16], now=now)
    for booking in removed:
        record_access(db, staff=user, case_id=booking.case_id, action="remove_junk_booking",
                      detail="Åben Rådgivning", now=now)
    return see_other(f"/personale/raadgivning/tider/{session_id}",
                     flash=N_("Bookingerne fra den forbindelse er fjernet, og pladserne er ledige igen.") if removed
                     else N_("Der var ingen bookinger at fjerne."))


@router.post("/tider/{session_id}/walk-in")
def add_walk_in(request: Request, db: DB, now: Now, user: AnyStaff, session_id: int,
                nickname: Text = "", who: Text = ""):
    service.get_session(db, session_id)
    try:
        result = service.add_walk_in(db, session_id=session_id, as_relative=who == "relative",
                                     display_name=nickname.strip()[:80] or None, now=now)
    except service.BookingError as err:
        return _session_page(request, db, now, user, session_id, status=422,
                             form={"nickname": nickname, "who": who},
                             errors={"nickname": REASONS.get(err.reason, REASONS["full"])})
    record_access(db, staff=user, case_id=result.case.id, action="walk_in", detail="Åben Rådgivning", now=now)
    return see_other(f"/personale/raadgivning/tider/{session_id}",
                     flash=N_("Borgeren er skrevet på listen som mødt."))


@router.post("/tider/{session_id}/aflys")
def cancel_session(request: Request, db: DB, now: Now, user: Leader, session_id: int, reason: Text = ""):
    service.get_session(db, session_id)
    try:
        service.cancel_session(db, session_id=session_id, reason=reason, now=now)
    except service.ScheduleError as err:
        return _session_page(request, db, now, user, session_id, status=422, form={"reason": reason},
                             errors={err.field: err.message})
    except service.BookingError:
        return see_other(f"/personale/raadgivning/tider/{session_id}", flash=N_("Tiden er allerede aflyst."))
    return see_other(f"/personale/raadgivning/tider/{session_id}",
                     flash=N_("Tiden er aflyst. De, der havde booket, kan se det på Min side."))
