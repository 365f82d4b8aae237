"""Writing the access log. There is deliberately no update or delete function here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from app.core.db import write_aside

from app.audit.models import AccessLogEntry


def record_access(db: Session, *, staff, case_id: int | None, action: str, now: datetime, detail: str = "") -> None:
    """Append one row for a staff read or change of a citizen's case (safe from GET requests too)."""
    write_aside(db, insert(AccessLogEntry).values(
        at=now, staff_id=staff.id, staff_role=staff.role, staff_first_name=staff.first_name,
        case_id=case_id, action=action, detail=detail[:200],
    ))


def entries_for_case(db: Session, case_id: int) -> list[AccessLogEntry]:
    return list(db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
                        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())))
