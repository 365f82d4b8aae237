"""Online treatment on Min side: the course, its modules and exercises, and the consumption diary.

Every route reaches only the signed-in session's own case (another case's module, exercise or answer
is a 404). An exercise's POST does not send an expired session to /status: the citizen gets their
text back in a form that asks for the code and saves it after signing in, so nothing typed is lost."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool

from app.cases import service as cases
from app.cases.citizen_session import (CitizenSession, citizen_page, optional_citizen_session,
                                       start_citizen_session)
from app.cases.public import code_refusal
from app.core.clock import local_date
from app.core.deps import DB, AppSettings, Now, WaitingDB
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.sessions import SignedIn
from app.core.throttle import client_key, code_throttle_policy
from app.core.web import render, see_other
from app.online import diary, outcomes, service
from app.online.charts import diary_chart
from app.online.models import AnswerStatus
from app.online.panels import plan_context, self_start_allowed, request_of_case

router = APIRouter()

Answer = Annotated[str, Form(max_length=service.MAX_ANSWER + 1000)]
Short = Annotated[str, Form(max_length=20)]
Count = Annotated[str, Form(max_length=10)]


def maybe_citizen(request: Request, db: DB, now: Now) -> SignedIn | None:
    """The signed-in session, or None when it has expired (the route keeps what was typed)."""
    return optional_citizen_session(request, db, now)


maybe_citizen.citizen_optional = True  # read by the fuzz harness, which signs in for such routes
MaybeCitizen = Annotated[SignedIn | None, Depends(maybe_citizen)]


def _require_course(db, case_id: int) -> list:
    progress = service.course_progress(db, case_id)
    if not progress:
        raise NotFound()
    return progress


# --- the course -----------------------------------------------------------------------------------

@router.get("/min-side/online")
@citizen_page
def show_online(request: Request, db, session, now):
    progress = service.course_progress(db, session.case_id)
    if not progress:
        if not self_start_allowed(request, db, session.case_id):
            raise NotFound()
        found = request_of_case(db, session.case_id)
        return render(request, "public/online/start.html", {"signed_in": True, "course": service.self_start_version(
            db, for_relative=bool(found and found.for_relative))})
    today = local_date(now)
    return render(request, "public/online/overview.html", {
        "signed_in": True, "progress": progress, "week": service.weeks(db, session.case_id, today, 1)[0],
        "goal": service.goal_of(db, session.case_id), "today": today, "statuses": AnswerStatus,
        "measure_due": outcomes.next_for_citizen(db, session.case_id, today),
    })


@router.post("/min-side/online/start")
def start_online(request: Request, db: DB, now: Now, session: CitizenSession):
    """The citizen starts the course themselves, where the centre allows it."""
    if not self_start_allowed(request, db, session.case_id):
        raise NotFound()
    found = request_of_case(db, session.case_id)
    try:
        service.self_start_course(db, case_id=session.case_id, for_relative=bool(found and found.for_relative), now=now)
    except service.OnlineError:
        pass  # already started (another tab): the overview shows it
    return see_other("/min-side/online", flash=N_("Dit online forløb er klar. Begynd med det første modul, når det passer dig."))


@router.get("/min-side/online/modul/{module_id}")
@citizen_page
def show_module(request: Request, db, session, now, module_id: int):
    page = service.module_page(db, case_id=session.case_id, module_id=module_id)
    return render(request, "public/online/module.html", {"signed_in": True, "m": page, "statuses": AnswerStatus})


def _exercise_page(request, found, *, form=None, errors=None, status=200, saved=False):
    return render(request, "public/online/exercise.html", {
        "signed_in": True, "x": found, "form": form if form is not None else {"body": found.answer.body if found.answer else ""},
        "errors": errors or {}, "saved": saved, "statuses": AnswerStatus}, status=status)


@router.get("/min-side/online/oevelse/{exercise_id}")
@citizen_page
def show_exercise(request: Request, db, session, now, exercise_id: int):
    found = service.exercise_of_case(db, case_id=session.case_id, exercise_id=exercise_id)
    return _exercise_page(request, found)


def _expired_page(request, exercise_id: int, *, body: str, action: str, errors=None, status=200, headers=None):
    return render(request, "public/online/expired.html", {
        "exercise_id": exercise_id, "form": {"body": body}, "action": action, "errors": errors or {}},
        status=status, headers=headers)


def _action(value: str) -> str:
    return "submit" if value == "submit" else "save"


@router.post("/min-side/online/oevelse/{exercise_id}")
def save_exercise(request: Request, db: DB, now: Now, session: MaybeCitizen, exercise_id: int,
                  body: Answer = "", action: Short = "save"):
    """Save the draft or send it. With the session gone (idle timeout), the text comes back with a code field."""
    if session is None:
        return _expired_page(request, exercise_id, body=body, action=_action(action))
    submit = _action(action) == "submit"
    try:
        service.save_answer(db, case_id=session.case_id, exercise_id=exercise_id, body=body, submit=submit, now=now)
    except service.OnlineError as err:
        found = service.exercise_of_case(db, case_id=session.case_id, exercise_id=exercise_id)
        return _exercise_page(request, found, form={"body": body}, errors={err.field: err.message}, status=422)
    if submit:
        return see_other(f"/min-side/online/oevelse/{exercise_id}",
                         flash=N_("Tak. Dit svar er sendt til din behandler, som svarer dig i dine beskeder."))
    return see_other(f"/min-side/online/oevelse/{exercise_id}",
                     flash=N_("Dit svar er gemt som kladde. Du kan skrive videre, når du vil."))


@router.post("/min-side/online/oevelse/{exercise_id}/log-ind")
async def save_exercise_after_sign_in(request: Request, db: WaitingDB, now: Now, settings: AppSettings,
                                      exercise_id: int, code: Annotated[str, Form(max_length=200)] = "",
                                      body: Answer = "", action: Short = "save"):
    """Sign in again with the code and save the text the expired session could not (async, like /status)."""
    action = _action(action)
    text = (body or "").strip()
    if not text or len(text) > service.MAX_ANSWER:  # checked before the code, so a bad text stores nothing
        message = N_("Skriv dit svar, før du sender det.") if not text else N_("Svaret er for langt. Gør det lidt kortere, eller send resten som en besked.")
        return _expired_page(request, exercise_id, body=body, action=action, errors={"body": message}, status=422)
    try:
        case = await cases.authenticate_code(db, code, client_key=client_key(request), now=now,
                                             policy=code_throttle_policy(settings),
                                             address_pause=settings.throttle_pause_seconds)
    except cases.CodeRejected as rejected:
        await run_in_threadpool(db.rollback)
        message, status, headers = await code_refusal(rejected, settings)
        return _expired_page(request, exercise_id, body=body, action=action, errors={"code": message},
                             status=status, headers=headers)

    def finish():
        try:
            service.save_answer(db, case_id=case.id, exercise_id=exercise_id, body=text, submit=action == "submit",
                                now=now)
        except service.OnlineError as err:  # already sent from another device: show it, signed in
            db.rollback()
            found = service.exercise_of_case(db, case_id=case.id, exercise_id=exercise_id)
            response = _exercise_page(request, found, form={"body": body}, errors={err.field: err.message}, status=422)
            return response, False
        response = see_other(f"/min-side/online/oevelse/{exercise_id}",
                             flash=N_("Du er logget ind igen, og dit svar er gemt."))
        start_citizen_session(request, response, db, case, now)
        return response, True

    response, _saved = await run_in_threadpool(finish)
    return response


# --- the diary ------------------------------------------------------------------------------------

def _diary_page(request, db, session, now, *, monday=None, form=None, errors=None, status=200):
    _require_course(db, session.case_id)
    today = local_date(now)
    monday = monday or diary.week_start(today)
    days = service.diary_days(db, session.case_id, monday, monday + timedelta(days=6))
    goal = service.goal_of(db, session.case_id)
    weeks = service.weeks(db, session.case_id, today)
    previous = monday - timedelta(weeks=1)
    following = monday + timedelta(weeks=1)
    return render(request, "public/online/diary.html", {
        "signed_in": True, "monday": monday, "days": diary.week_days(monday), "entries": days, "today": today,
        "week": service.summarise_week(monday, days), "weeks": weeks, "goal": goal,
        "chart": diary_chart(weeks, goal, request), "plan": plan_context(db, session.case_id),
        "previous": diary.week_key(previous) if previous >= diary.week_start(service.diary_earliest(today)) else None,
        "following": diary.week_key(following) if following <= today else None,
        "form": form or {"weekly_units": "" if goal is None else str(goal.weekly_units)}, "errors": errors or {},
    }, status=status)


@router.get("/min-side/online/dagbog")
@citizen_page
def show_diary(request: Request, db, session, now, uge: str = ""):
    monday = diary.parse_week(uge) if uge else None
    if uge and (monday is None or monday > local_date(now) or monday < diary.week_start(service.diary_earliest(local_date(now)))):
        raise NotFound()
    return _diary_page(request, db, session, now, monday=monday)


@router.post("/min-side/online/maal")
def set_diary_goal(request: Request, db: DB, now: Now, session: CitizenSession, weekly_units: Short = ""):
    _require_course(db, session.case_id)
    try:
        service.set_goal(db, case_id=session.case_id, weekly_units=weekly_units, now=now)
    except service.OnlineError as err:
        return _diary_page(request, db, session, now, form={"weekly_units": weekly_units},
                           errors={err.field: err.message}, status=422)
    return see_other("/min-side/online/dagbog#maal", flash=N_("Dit mål er gemt."))


def _day(text: str, now) -> date:
    today = local_date(now)
    day = diary.parse_day(text, today=today, earliest=service.diary_earliest(today))
    if day is None:
        raise NotFound()
    return day


def _day_page(request, db, session, now, day, *, form=None, errors=None, status=200):
    _require_course(db, session.case_id)
    entry = service.diary_day(db, session.case_id, day)
    if form is None:
        form = diary.counts_of(entry.drinks) if entry else {}
        if entry:
            form["substances"] = entry.substance_list
            form["note"] = entry.note
    return render(request, "public/online/day.html", {
        "signed_in": True, "day": day, "entry": entry, "drinks": diary.DRINKS, "substances": service.SUBSTANCES,
        "form": form, "errors": errors or {}, "week": diary.week_key(day),
        "yesterday": day - timedelta(days=1), "today": local_date(now),
    }, status=status)


@router.get("/min-side/online/dagbog/{day}")
@citizen_page
def show_diary_day(request: Request, db, session, now, day: str):
    return _day_page(request, db, session, now, _day(day, now))


@router.post("/min-side/online/dagbog/{day}")
def save_diary_day(request: Request, db: DB, now: Now, session: CitizenSession, day: str,
                   beer33: Count = "", beer50: Count = "", strong33: Count = "", wine12: Count = "",
                   wine75: Count = "", shot4: Count = "", spirits70: Count = "", other_units: Count = "",
                   substances: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 (FastAPI copies it)
                   note: Annotated[str, Form(max_length=600)] = ""):
    when = _day(day, now)
    _require_course(db, session.case_id)
    counts = {"beer33": beer33, "beer50": beer50, "strong33": strong33, "wine12": wine12, "wine75": wine75,
              "shot4": shot4, "spirits70": spirits70}
    try:
        service.save_diary_day(db, case_id=session.case_id, day=when, counts=counts, other_units=other_units,
                               substances=substances, note=note, now=now)
    except (service.OnlineError, diary.DiaryError) as err:
        form = {**counts, "other_units": other_units, "substances": substances, "note": note}
        return _day_page(request, db, session, now, when, form=form, errors={err.field: err.message}, status=422)
    return see_other(f"/min-side/online/dagbog?uge={diary.week_key(when)}#dag-{when.isoformat()}",
                     flash=N_("Dagen er gemt i din dagbog."))


# --- outcome measures -----------------------------------------------------------------------------

def _measure_page(request, db, session, now, *, form=None, errors=None, status=200):
    _require_course(db, session.case_id)
    point = outcomes.next_for_citizen(db, session.case_id, local_date(now))
    if point is None:
        raise NotFound()
    return render(request, "public/online/measure.html", {
        "signed_in": True, "point": point, "items": outcomes.AUDIT_C, "form": form or {}, "errors": errors or {}},
        status=status)


@router.get("/min-side/online/maaling")
@citizen_page
def show_measure(request: Request, db, session, now):
    return _measure_page(request, db, session, now)


@router.post("/min-side/online/maaling")
def save_measure(request: Request, db: DB, now: Now, session: CitizenSession, q0: Short = "", q1: Short = "",
                 q2: Short = ""):
    _require_course(db, session.case_id)
    today = local_date(now)
    point = outcomes.next_for_citizen(db, session.case_id, today)
    if point is None:
        raise NotFound()
    try:
        outcomes.record_measure(db, case_id=session.case_id, point=point, answers=[q0, q1, q2], today=today, now=now)
    except service.OnlineError as err:
        return _measure_page(request, db, session, now, form={"q0": q0, "q1": q1, "q2": q2},
                             errors={err.field: err.message}, status=422)
    return see_other("/min-side/online", flash=N_("Tak for dine svar."))
