"""Writing and reading the access log. There is deliberately no update or delete function here:
the database refuses both (app/audit/append_only.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from app.core.db import write_aside

from app.audit.models import AccessLogEntry
from app.core.i18n import N_
from app.core.labels import label_of
from app.staff.models import Role

# What the citizen reads for each action (a new action gets its label here, next to the others).
ACTION_LABELS: dict[str, str] = {
    "view_case": N_("Så din sag"),
    "edit_case": N_("Ændrede oplysninger i din sag"),
    "edit_plan": N_("Ændrede din behandlingsplan"),
    "view_plan": N_("Så din behandlingsplan"),
    "send_message": N_("Skrev en besked til dig"),
    "read_message": N_("Læste din besked"),
    "decision": N_("Traf en afgørelse i din sag"),
    "complaint": N_("Behandlede din klage"),
    "appointment": N_("Lavede eller ændrede en aftale med dig"),
    "reissue_code": N_("Gav dig en ny kode"),
    "export": N_("Lavede en udskrift af din sag"),
    "decision_letter": N_("Udskrev en afgørelse som brev til dig"),
    "letter": N_("Udskrev et brev til dig"),
    "remove_junk_booking": N_("Fjernede din booking som uønsket"),
    "remove_junk_request": N_("Fjernede din henvendelse som uønsket"),
    "online_course": N_("Gav dig et online forløb"),
    "online_feedback": N_("Svarede på din øvelse i dit online forløb"),
}
OTHER_ACTION = N_("Arbejdede med din sag")


def record_access(db: Session, *, staff, case_id: int | None, action: str, now: datetime, detail: str = "") -> None:
    """Append one row for a staff read or change of a citizen's case (safe from GET requests too)."""
    write_aside(db, insert(AccessLogEntry).values(
        at=now, staff_id=staff.id, staff_role=staff.role, staff_first_name=staff.first_name,
        case_id=case_id, action=action, detail=detail[:200],
    ))


def record_citizen_event(db: Session, *, case_id: int | None, action: str, now: datetime, detail: str = "") -> None:
    """A citizen's own sign-in or sign-out event (NemLog-in asks service providers to keep them). No
    staff member: the role says "citizen". Never the CPR number or the name: the case id says whose."""
    write_aside(db, insert(AccessLogEntry).values(
        at=now, staff_id=None, staff_role="citizen", staff_first_name="", case_id=case_id, action=action,
        detail=detail[:200]))


# A list of many cases (the inbox) is logged once per minute per member of staff, not on every
# view: paging through it or reloading it would otherwise write a row each time.
LIST_VIEW_INTERVAL = timedelta(minutes=1)


def record_list_view(db: Session, *, staff, action: str, now: datetime, interval: timedelta = LIST_VIEW_INTERVAL) -> None:
    """Log a view of a list that shows no single case, unless the same view was logged within `interval`."""
    recent = db.exec(select(AccessLogEntry.id).where(
        AccessLogEntry.case_id.is_(None), AccessLogEntry.at > now - interval,
        AccessLogEntry.staff_id == staff.id, AccessLogEntry.action == action).limit(1)).first()
    if recent is None:
        record_access(db, staff=staff, case_id=None, action=action, now=now)


def entries_for_case(db: Session, case_id: int, *, limit: int | None = None) -> list[AccessLogEntry]:
    """Newest first; the newest `limit` only, when given."""
    return list(db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
                        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)))


@dataclass(frozen=True)
class CitizenLogLine:
    at: datetime
    role: str  # the role's label (a msgid)
    first_name: str | None
    what: str  # a msgid


def log_for_citizen(db: Session, case_id: int, *, show_first_name: bool, limit: int | None = None) -> list[CitizenLogLine]:
    """The citizen's view of their own case's log (Datatilsynet's practice): when, which role, what –
    and the staff member's first name only if the centre has chosen to show it."""
    return [CitizenLogLine(at=e.at, role=label_of(e.staff_role, Role),
                           first_name=e.staff_first_name if show_first_name else None,
                           what=ACTION_LABELS.get(e.action, OTHER_ACTION))
            for e in entries_for_case(db, case_id, limit=limit)]
