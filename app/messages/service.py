"""The message thread of a case: send, read, unread counts. Staff sign with their first name only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core.db import count_of, write_aside
from app.notify import service as notify

from app.core.i18n import N_
from app.messages.models import Message

MAX_LENGTH = 4000


class MessageError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise MessageError(N_("Skriv en besked, før du sender."))
    if len(text) > MAX_LENGTH:
        raise MessageError(N_("Beskeden er for lang. Del den op i flere beskeder."))
    return text


def send_citizen_message(db: Session, *, case_id: int, body: str, now: datetime) -> Message:
    message = Message(case_id=case_id, from_staff=False, body=_clean(body), sent_at=now)
    db.add(message)
    db.flush()
    return message


def send_staff_message(db: Session, *, case_id: int, staff, body: str, now: datetime,
                       notify_kind: str = "new_message") -> Message:
    """A reply from the centre. Identified citizens get a neutral "you have a new message" by e-mail/SMS
    (never the content); anonymous ones only see it on Min side."""
    message = Message(case_id=case_id, from_staff=True, staff_id=staff.id, staff_first_name=staff.first_name,
                      body=_clean(body), sent_at=now)
    db.add(message)
    db.flush()
    case = db.get(CitizenCase, case_id)
    notify.enqueue(db, case=case, kind=notify_kind, dedupe_key=f"{notify_kind}:{message.id}", now=now)
    return message


def thread(db: Session, case_id: int) -> list[Message]:
    return list(db.exec(select(Message).where(Message.case_id == case_id).order_by(Message.sent_at, Message.id)))


def count_for_case(case_id):
    """How many messages the case has (a scalar SQL expression; case_id may be a bind parameter)."""
    return count_of(Message, Message.case_id == case_id)


def _mark_read(db: Session, case_id: int, *, from_staff: bool, now: datetime) -> None:
    # Called from GET pages (reading the thread), so it goes through write_aside.
    write_aside(db, update(Message).where(Message.case_id == case_id, Message.from_staff == from_staff,
                                     Message.read_at.is_(None)).values(read_at=now))


def mark_read_by_citizen(db: Session, *, case_id: int, now: datetime) -> None:
    """The citizen has seen the centre's messages."""
    _mark_read(db, case_id, from_staff=True, now=now)


def mark_read_by_staff(db: Session, *, case_id: int, now: datetime) -> None:
    """Staff have seen the citizen's messages."""
    _mark_read(db, case_id, from_staff=False, now=now)


def unread_for_citizen(case_id):
    """The centre's messages the citizen has not opened (a scalar SQL expression, as count_for_case)."""
    return count_of(Message, Message.case_id == case_id, Message.from_staff.is_(True), Message.read_at.is_(None))


def unread_for_staff(db: Session, case_ids: list[int] | None = None) -> dict[int, int]:
    """Unread citizen messages per case (only these cases, when given)."""
    stmt = select(Message.case_id, func.count()).where(Message.from_staff.is_(False), Message.read_at.is_(None))
    if case_ids is not None:
        stmt = stmt.where(Message.case_id.in_(case_ids))
    return {case_id: n for case_id, n in db.exec(stmt.group_by(Message.case_id)).all()}


def unread_total_for_staff(db: Session) -> int:
    """Unread citizen messages in all cases."""
    return db.exec(select(func.count()).select_from(Message).where(
        Message.from_staff.is_(False), Message.read_at.is_(None))).one()
