"""Work that starts at a decision and reaches other domains: the letter by Digital Post (notify,
for a MitID-verified citizen: identity), and what its delivery means for the complaint deadline."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.cases.models import CitizenCase
from app.decisions import service
from app.decisions.letter import decision_letter
from app.decisions.models import Decision
from app.identity.queries import verified_identity
from app.notify import service as notify
from app.notify.models import Channel, NoticeKind

KIND = NoticeKind.decision_letter.value


def letter_key(decision_id: int) -> str:
    return f"{KIND}:{decision_id}"


def decide(db: Session, *, case: CitizenCase, staff, data: service.DecisionInput, centre, now: datetime,
           replaces: Decision | None = None) -> tuple[Decision, list[str]]:
    """Make the decision (on Min side from now) and queue its letter by Digital Post where the citizen
    is MitID-verified. Returns the decision and the channels its letter was queued on."""
    decision = service.make_decision(db, case=case, staff=staff, data=data, centre=centre, now=now, replaces=replaces)
    return decision, send_decision_letter(db, case=case, decision=decision, centre=centre, now=now)


def send_decision_letter(db: Session, *, case: CitizenCase, decision: Decision, centre, now: datetime) -> list[str]:
    """Queue the decision's letter (a legal notification, with its complaint guide) by Digital Post.
    Nothing for an anonymous case or one without a MitID-verified CPR; once per decision whoever calls."""
    identity = verified_identity(db, case.id)
    if case.anonymous or identity is None:
        return []
    letter = decision_letter(decision, centre=centre, recipient=identity.full_name, now=now,
                             lang=case.language or "da")
    return notify.enqueue_letter(db, case=case, kind=KIND, letter=letter, dedupe_key=letter_key(decision.id),
                                 now=now)


def record_digital_post_delivery(db: Session, row, *, now: datetime, config) -> None:
    """The jobs runner's on_sent hook: a decision's letter is in Digital Post, so the decision is
    delivered by Digital Post from now (its complaint deadline counts from today)."""
    if row.kind != KIND or row.channel != Channel.digital_post.value:
        return
    decision_id = int(row.dedupe_key.rpartition(":")[2])
    service.record_delivered_by_digital_post(db, decision_id=decision_id, made_available_at=now, centre=config.centre)
