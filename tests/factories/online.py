"""Builders for online treatment: the portal's own courses loaded, a case with the main course."""

from __future__ import annotations

from app.online import course_text, service
from app.online.models import Course
from sqlmodel import select

from tests.factories import make_case


def load_courses(db, *, now):
    service.load_builtin_courses(db, now=now)
    db.flush()
    return {c.slug: service.latest_published(db, c.id) for c in db.exec(select(Course))}


def make_online_case(db, *, now, slug: str = course_text.MAIN_SLUG, commit: bool = True):
    """A new anonymous case with the course (the main one unless told) assigned: (case, code, assignment, version)."""
    versions = load_courses(db, now=now)
    case, code = make_case(db, now=now)
    assignment = service.assign_course(db, case_id=case.id, version_id=versions[slug].id, now=now)
    if commit:
        db.commit()
    return case, code, assignment, versions[slug]


def first_exercise(db, version):
    return service.exercises_of(db, version.id)[0]
