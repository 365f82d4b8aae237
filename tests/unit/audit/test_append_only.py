"""The access log is append-only: the database refuses UPDATE and DELETE, and the code has no path to either.

On PostgreSQL (TEST_DATABASE_URL, as scripts/test sets it) the same tests run against its trigger."""

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.audit.service import entries_for_case, record_access
from tests.factories import make_staff

APP_DIR = Path(__file__).resolve().parents[3] / "app"


@pytest.fixture
def logged(db, clock):
    staff = make_staff(db)
    record_access(db, staff=staff, case_id=7, action="view_case", now=clock.now())
    db.commit()
    return db.exec(select(AccessLogEntry)).one()


def test_database_refuses_update_of_an_access_log_row(db, logged):
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("UPDATE access_log SET action = 'edited' WHERE id = :id"), {"id": logged.id})
        db.flush()
    db.rollback()
    assert db.exec(select(AccessLogEntry.action)).one() == "view_case"


def test_database_refuses_delete_of_an_access_log_row(db, logged):
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM access_log"))
    db.rollback()
    assert len(db.exec(select(AccessLogEntry)).all()) == 1


def test_orm_changes_to_a_log_row_are_refused_too(db, logged):
    logged.detail = "changed"
    db.add(logged)
    with pytest.raises(DatabaseError):
        db.commit()
    db.rollback()


def test_appending_still_works(db, clock):
    staff = make_staff(db)
    for action in ("view_case", "edit_plan"):
        record_access(db, staff=staff, case_id=3, action=action, now=clock.now())
    db.commit()
    assert [e.action for e in entries_for_case(db, 3)] == ["edit_plan", "view_case"]


def test_no_code_path_updates_or_deletes_access_log_rows():
    offenders = []
    pattern = re.compile(r"(update|delete)\(\s*AccessLogEntry|(UPDATE|DELETE FROM)\s+access_log", re.I)
    for path in APP_DIR.rglob("*.py"):
        if path.name == "append_only.py":
            continue
        source = path.read_text(encoding="utf-8")
        if pattern.search(source):
            offenders.append(str(path))
        if "AccessLogEntry" in source and re.search(r"\.delete\(", source):
            offenders.append(str(path))
    assert offenders == []
