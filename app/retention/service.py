"""Retention: the purge rules the domains declare, run in the house's order by `python -m app purge`.

A rule is fn(db, ctx) -> number of rows removed. Rules must be idempotent (a second run removes
nothing new) and must report counts only. Domains declare their rules (`purge_rules`) and can keep
a case longer – e.g. while a complaint is open – with a `retention_holds` entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select
from sqlmodel import Session

from app.appointments.models import Appointment
from app.audit.models import AccessLogEntry
from app.cases.models import CitizenCase
from app.core import throttle
from app.core.config import Centre, Settings
from app.core.domain import Named
from app.core.models import Throttle, WebSession


@dataclass(frozen=True)
class PurgeContext:
    now: datetime
    centre: Centre
    settings: Settings
    holds: Sequence[Named] = ()  # the house's retention holds

    def held_case_ids(self, db: Session) -> set[int]:
        """Cases some domain needs kept for now (open complaint, ...), whatever their age."""
        held: set[int] = set()
        for hold in self.holds:
            held |= set(hold.fn(db, self.now))
        return held


PurgeRule = Callable[[Session, PurgeContext], int]
HoldFn = Callable[[Session, datetime], "set[int] | list[int]"]


def run_purge(db: Session, ctx: PurgeContext, rules: Sequence[Named]) -> dict[str, int]:
    """Run every rule in the house's order; returns {rule name: rows removed}."""
    return {rule.name: int(rule.fn(db, ctx)) for rule in rules}


# --- The rules this module owns ------------------------------------------------------------------

def purge_ended_sessions(db: Session, ctx: PurgeContext) -> int:
    """Signed-out, ended or expired web sessions: nothing left to protect, nothing to keep."""
    s = ctx.settings
    idle = timedelta(minutes=max(s.staff_idle_minutes, s.citizen_idle_minutes))
    result = db.execute(delete(WebSession).where(or_(
        WebSession.ended_at.is_not(None),
        WebSession.last_seen_at < ctx.now - idle,
        WebSession.created_at < ctx.now - timedelta(hours=s.session_max_hours),
    )))
    return result.rowcount or 0


def purge_stale_throttle_rows(db: Session, ctx: PurgeContext) -> int:
    """Failure counters that have decayed (no failure for a day) and have no turn booked ahead."""
    result = db.execute(delete(Throttle).where(
        Throttle.updated_at < ctx.now - throttle.DECAY,
        or_(Throttle.next_turn.is_(None), Throttle.next_turn < ctx.now.timestamp()),
    ))
    return result.rowcount or 0


def unvisited_anonymous_cases(db: Session, ctx: PurgeContext) -> list[int]:
    """Anonymous cases older than the centre's limit that no member of staff ever opened
    (no access-log entry) and with no appointment still ahead of the cut-off."""
    cutoff = ctx.now - timedelta(days=ctx.centre.anonymous_unvisited_days)
    visited = exists().where(AccessLogEntry.case_id == CitizenCase.id)
    booked = exists().where(Appointment.case_id == CitizenCase.id, Appointment.starts_at >= cutoff)
    ids = db.execute(select(CitizenCase.id).where(
        CitizenCase.anonymous.is_(True), CitizenCase.created_at < cutoff, ~visited, ~booked,
    )).scalars().all()
    held = ctx.held_case_ids(db)
    return [i for i in ids if i not in held]


def delete_cases(db: Session, ids: list[int]) -> int:
    """Rows hanging off a case go with it (ON DELETE CASCADE); the access log has no foreign keys
    and is never touched."""
    if not ids:
        return 0
    result = db.execute(delete(CitizenCase).where(CitizenCase.id.in_(ids)))
    return result.rowcount or 0


def purge_unvisited_anonymous_cases(db: Session, ctx: PurgeContext) -> int:
    """No access-log row exists for such a case by definition."""
    return delete_cases(db, unvisited_anonymous_cases(db, ctx))


