"""Staff: assign a course from the case page, answer a submitted exercise (a message in the thread),
the list of answers waiting for feedback (/personale/online, oldest first), and a leader's course
templates: a new draft version, its modules edited, published (citizens keep the version they started)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Form

from app.audit.service import record_access
from app.cases import service as cases
from app.cases.staff import case_page
from app.core.clock import local_date
from app.core.deps import DB, Now
from app.core.errors import NotFound
from app.core.i18n import N_
from app.core.web import render, see_other
from app.online import flows, outcomes, service
from app.online.models import Course
from app.staff.deps import Counsellor, Leader
from app.staff.session import staff_session

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])

Text = Annotated[str, Form(max_length=8000)]
Short = Annotated[str, Form(max_length=200)]


@router.post("/sager/{case_id}/online")
def assign_online_course(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, version_id: Short = ""):
    case = cases.get_case(db, case_id)
    try:
        if not (version_id.isascii() and version_id.isdigit()) or len(version_id) > 9:
            raise service.OnlineError("version_id", N_("Vælg et forløb."))
        service.assign_course(db, case_id=case.id, version_id=int(version_id), staff_id=user.id, now=now)
    except service.OnlineError as err:
        return case_page(request, db, now, user, case, errors={err.field: err.message},
                         form={"version_id": version_id}, status=422)
    record_access(db, staff=user, case_id=case.id, action="online_course", now=now)
    return see_other(f"/personale/sager/{case.id}#online", flash=N_("Forløbet er givet til borgeren. Borgeren ser det på Min side."))


@router.post("/sager/{case_id}/online/svar/{answer_id}")
def give_online_feedback(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, answer_id: int,
                         body: Text = ""):
    case = cases.get_case(db, case_id)
    try:
        flows.give_feedback(db, case_id=case.id, answer_id=answer_id, staff=user, body=body, now=now)
    except service.OnlineError as err:
        return case_page(request, db, now, user, case, errors={err.field: err.message},
                         form={f"a{answer_id}-body": body}, status=422)
    record_access(db, staff=user, case_id=case.id, action="online_feedback", now=now)
    return see_other(f"/personale/sager/{case.id}#online",
                     flash=N_("Dit svar er sendt til borgeren i beskederne."))


@router.post("/sager/{case_id}/online/maaling")
def record_online_measure(request: Request, db: DB, now: Now, user: Counsellor, case_id: int, point: Short = "",
                          q0: Short = "", q1: Short = "", q2: Short = ""):
    """A measure taken by phone (the follow-up call) or at the last conversation."""
    case = cases.get_case(db, case_id)
    try:
        outcomes.record_measure(db, case_id=case.id, point=point, answers=[q0, q1, q2], today=local_date(now),
                                now=now, staff_id=user.id)
    except service.OnlineError as err:
        return case_page(request, db, now, user, case, errors={f"om-{err.field}": err.message},
                         form={"om-point": point, "om-q0": q0, "om-q1": q1, "om-q2": q2}, status=422)
    record_access(db, staff=user, case_id=case.id, action="edit_case", now=now, detail="online outcome measure")
    return see_other(f"/personale/sager/{case.id}#online", flash=N_("Målingen er gemt."))


@router.get("/online/statistik")
def show_online_statistics(request: Request, db: DB, user: Leader):
    return render(request, "staff/online/statistics.html", {"user": user, "s": outcomes.online_stats(db),
                                                            "small": outcomes.SMALL})


@router.get("/online")
def show_online_waiting(request: Request, db: DB, now: Now, user: Counsellor):
    return render(request, "staff/online/waiting.html", {"user": user, "rows": service.waiting_for_feedback(db),
                                                         "today": local_date(now)})


# --- course templates (leaders) --------------------------------------------------------------------

@router.get("/online/kurser")
def show_online_courses(request: Request, db: DB, user: Leader):
    courses = service.courses(db)
    rows = [(c, service.latest_published(db, c.id), service.open_draft(db, c.id)) for c in courses]
    return render(request, "staff/online/courses.html", {"user": user, "rows": rows})


def _course_page(request, db, user, course_id: int, *, errors=None, form=None, status=200):
    course = db.get(Course, course_id)
    if course is None:
        raise NotFound()
    published = service.latest_published(db, course.id)
    draft = service.open_draft(db, course.id)
    shown = draft or published
    return render(request, "staff/online/course.html", {
        "user": user, "course": course, "published": published, "draft": draft, "shown": shown,
        "modules": service.modules_of(db, shown.id) if shown else [],
        "exercises": service.exercises_of(db, shown.id) if shown else [],
        "versions": service.versions_of(db, course.id), "errors": errors or {}, "form": form or {},
    }, status=status)


@router.get("/online/kurser/{course_id}")
def show_online_course(request: Request, db: DB, user: Leader, course_id: int):
    return _course_page(request, db, user, course_id)


@router.post("/online/kurser/{course_id}/ny-version")
def new_online_course_version(request: Request, db: DB, now: Now, user: Leader, course_id: int):
    service.new_draft_version(db, course_id=course_id, staff_id=user.id, now=now)
    return see_other(f"/personale/online/kurser/{course_id}", flash=N_("Der er lavet en kladde til en ny version."))


def _edit(request, db, user, course_id: int, edit, form: dict):
    try:
        edit()
    except service.OnlineError as err:
        return _course_page(request, db, user, course_id, errors={err.field: err.message}, form=form, status=422)
    return see_other(f"/personale/online/kurser/{course_id}", flash=N_("Kladden er gemt."))


@router.post("/online/kurser/{course_id}/moduler/{module_id}")
def edit_online_module(request: Request, db: DB, user: Leader, course_id: int, module_id: int,
                       title: Short = "", body: Text = ""):
    return _edit(request, db, user, course_id, lambda: service.edit_module(
        db, course_id=course_id, module_id=module_id, title=title, body=body),
        {f"m{module_id}-title": title, f"m{module_id}-body": body})


@router.post("/online/kurser/{course_id}/oevelser/{exercise_id}")
def edit_online_exercise(request: Request, db: DB, user: Leader, course_id: int, exercise_id: int,
                         prompt: Text = "", hint: Text = ""):
    return _edit(request, db, user, course_id, lambda: service.edit_exercise(
        db, course_id=course_id, exercise_id=exercise_id, prompt=prompt, hint=hint),
        {f"e{exercise_id}-prompt": prompt, f"e{exercise_id}-hint": hint})


@router.post("/online/kurser/{course_id}/offentliggoer")
def publish_online_course(request: Request, db: DB, now: Now, user: Leader, course_id: int):
    draft = service.open_draft(db, course_id)
    if draft is None:
        raise NotFound()
    service.publish_version(db, course_id=course_id, version_id=draft.id, now=now)
    return see_other(f"/personale/online/kurser/{course_id}",
                     flash=N_("Den nye version er offentliggjort. Nye forløb får den; borgere, der er i gang, beholder deres."))
