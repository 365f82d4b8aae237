"""The notify API other domains call: enqueue (to a citizen), enqueue_staff, cancel. Plus the
read-outs for the staff page and Min side.

Rules:
- Anonymous citizens get nothing outside the portal: enqueue() does nothing for a case that is
  anonymous or has neither e-mail nor phone.
- Text is rendered when queued, in the case's language, so what is sent is what was decided.
- The same event is never queued twice: (dedupe_key, channel) is UNIQUE and the insert is an
  INSERT ... ON CONFLICT DO NOTHING (one statement, no check-then-insert).
- Nothing that fails the wording check (app/notify/wording.py) leaves the portal: such a row is
  stored as failed ("withheld") and shows up on the staff page.
- A letter (enqueue_letter) goes by Digital Post only to a citizen whose case has a MitID-verified
  CPR number (app.identity.queries.verified_cpr): never to an anonymous case, never to a CPR number
  typed into a form.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, select

from app.core.db import insert_for
from app.cases.models import CitizenCase
from app.identity.queries import verified_cpr
from app.notify.config import NotifyConfig, current
from app.notify.digital_post import NOT_REGISTERED
from app.notify.memo import Letter, build_memo, main_document_of
from app.notify.models import Channel, NoticeKind, OutboxMessage, Status
from app.notify.render import UnknownKind, check_context, render_kind
from app.notify.wording import is_neutral
from app.staff.models import StaffUser

log = logging.getLogger("app.notify")

WITHHELD = "withheld: wording check failed"
ICS_NAME = "aftale.ics"
MEMO_NAME = "memo.xml"
# The kinds that are letters: what the citizen must be able to keep (a decision, a deadline letter).
LETTER_KINDS = frozenset({NoticeKind.decision_letter.value, NoticeKind.deadline_letter.value})


def can_reach(case: CitizenCase) -> bool:
    """Only identified citizens who gave an e-mail address or a phone number are contacted."""
    return not case.anonymous and bool((case.email or "").strip() or (case.phone or "").strip())


def _insert(db: Session, rows: list[dict]) -> list[str]:
    """Insert rows, skipping any whose (dedupe_key, channel) exists. Returns the channels queued."""
    if not rows:
        return []
    table = OutboxMessage.__table__
    make = insert_for(db)
    queued = []
    for row in rows:
        stmt = (make(table).values(**row).on_conflict_do_nothing(index_elements=["tenant_id", "dedupe_key", "channel"])
                .returning(table.c.id))
        # RETURNING yields a row only when the insert happened (rowcount is not reliable for
        # ON CONFLICT DO NOTHING on every driver).
        if db.execute(stmt).first() is not None:
            queued.append(row["channel"])
    return queued


def _row(*, kind, channel, dedupe_key, recipient, lang, subject, body, due_at, expires_at, now,
         case_id=None, staff_id=None, attachment=None, attachment_name=ICS_NAME, withheld=False) -> dict:
    if channel == Channel.portal.value:
        # The in-portal notice needs no runner: it is shown on Min side from due_at.
        status, sent_at = Status.sent.value, due_at
    else:
        status, sent_at = (Status.failed.value if withheld else Status.pending.value), None
    return {
        "kind": kind, "channel": channel, "dedupe_key": dedupe_key, "case_id": case_id, "staff_id": staff_id,
        "recipient": recipient, "lang": lang, "subject": subject[:200], "body": body,
        "attachment_name": attachment_name if attachment else None, "attachment": attachment,
        "status": status, "sent_at": sent_at, "last_error": WITHHELD if withheld else "", "attempts": 0,
        "due_at": due_at, "expires_at": expires_at, "next_attempt_at": due_at, "created_at": now,
    }


def _attachment_text(ics: bytes | None) -> str:
    return ics.decode("utf-8", "replace").replace("\r\n ", "").replace("\n ", "") if ics else ""


def _check_key(dedupe_key: str) -> None:
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError("dedupe_key must be 1–200 characters")


def enqueue(
    db: Session, *, case: CitizenCase, kind: str, context: dict | None = None, due_at: datetime | None = None,
    dedupe_key: str, now: datetime, expires_at: datetime | None = None, lang: str | None = None,
    config: NotifyConfig | None = None,
) -> list[str]:
    """Queue a notification to a citizen; returns the channels queued ([] for anonymous cases).

    Channels: e-mail when the case has an address and SMTP is configured, SMS when it has a phone
    and the gateway is configured, and always the in-portal notice. `due_at` (default now) is when
    it may go; `expires_at` is when it is no longer worth sending (a reminder after the event).
    """
    context = dict(context or {})
    check_context(kind, context, audience="citizen")
    _check_key(dedupe_key)
    if not can_reach(case):
        return []
    config = config or current()
    lang = lang or case.language or "da"
    due_at = due_at or now
    text = render_kind(kind, lang=lang, context=context, config=config)
    ics = context.get("ics") or None
    common = dict(kind=kind, dedupe_key=dedupe_key, case_id=case.id, lang=lang, due_at=due_at,
                  expires_at=expires_at, now=now)
    neutral_mail = is_neutral(text.subject, text.body, config.sender_name, config.settings.smtp_from,
                              _attachment_text(ics))
    neutral_sms = is_neutral(text.sms, config.sms_sender)
    rows = [_row(channel=Channel.portal.value, recipient="", subject=text.subject, body=text.sms, **common)]
    if (case.email or "").strip() and config.settings.email_on:
        rows.append(_row(channel=Channel.email.value, recipient=case.email.strip(), subject=text.subject,
                         body=text.body, attachment=ics, withheld=not neutral_mail, **common))
    if (case.phone or "").strip() and config.settings.sms_on:
        rows.append(_row(channel=Channel.sms.value, recipient=case.phone.strip(), subject="", body=text.sms,
                         withheld=not neutral_sms, **common))
    if not (neutral_mail and neutral_sms):
        log.warning("notification %s withheld from outside channels: wording check failed", kind)
    return _insert(db, rows)


def enqueue_letter(db: Session, *, case: CitizenCase, kind: str, letter: Letter, dedupe_key: str, now: datetime,
                   config: NotifyConfig | None = None) -> list[str]:
    """Queue a letter by Digital Post as a MeMo; returns ["digital_post"], or [] when it cannot go
    that way (channel off, anonymous case, no MitID-verified CPR, or already queued).

    The MeMo, with its messageUUID, is built now and stored: every retry sends the same bytes, and
    the UUID lets Digital Post see a retry for what it is. Whether the citizen can receive Digital
    Post is asked when sending (it changes); a "no" fails the row with NOT_REGISTERED, which the
    staff pages turn into "send it by post"."""
    if kind not in LETTER_KINDS:
        raise UnknownKind(kind)
    _check_key(dedupe_key)
    config = config or current()
    settings = config.settings
    if case.anonymous or not settings.digital_post_on:
        return []
    cpr = verified_cpr(db, case.id)
    if not cpr:
        return []
    memo = build_memo(letter, message_uuid=str(uuid.uuid4()), sender_cvr=settings.digital_post_sender_cvr,
                      sender_label=config.sender_name, cpr=cpr, created_at=now)
    withheld = not is_neutral(config.sender_name, *letter.outside_texts())
    if withheld:
        log.warning("letter %s withheld from Digital Post: wording check failed", kind)
    return _insert(db, [_row(
        kind=kind, channel=Channel.digital_post.value, dedupe_key=dedupe_key, case_id=case.id, recipient=cpr,
        lang=case.language or "da", subject=letter.title, body="", due_at=now, expires_at=None, now=now,
        attachment=memo, attachment_name=MEMO_NAME, withheld=withheld,
    )])


def enqueue_staff(
    db: Session, *, staff: StaffUser, kind: str, context: dict | None = None, due_at: datetime | None = None,
    dedupe_key: str, now: datetime, expires_at: datetime | None = None, config: NotifyConfig | None = None,
) -> list[str]:
    """Queue an alert to a member of staff by e-mail; returns the channels queued ([] when the
    person has no e-mail address, is deactivated, or e-mail is off)."""
    context = dict(context or {})
    check_context(kind, context, audience="staff")
    _check_key(dedupe_key)
    config = config or current()
    if not staff.active or not (staff.email or "").strip() or not config.settings.email_on:
        return []
    text = render_kind(kind, lang="da", context=context, config=config)
    withheld = not is_neutral(text.subject, text.body, config.sender_name, config.settings.smtp_from)
    if withheld:
        log.warning("staff notification %s withheld: wording check failed", kind)
    return _insert(db, [_row(
        kind=kind, channel=Channel.email.value, dedupe_key=dedupe_key, staff_id=staff.id,
        recipient=staff.email.strip(), lang="da", subject=text.subject, body=text.body, due_at=due_at or now,
        expires_at=expires_at, now=now, withheld=withheld,
    )])


def cancel(db: Session, *, now: datetime, dedupe_key: str | None = None, prefix: str | None = None) -> int:
    """Cancel what is still waiting for an event that went away (a cancelled booking's reminder).
    Give the exact dedupe_key, or a prefix such as "booking-reminder:42:". Returns rows cancelled."""
    if not dedupe_key and not prefix:
        raise ValueError("give dedupe_key or prefix")
    match = (OutboxMessage.dedupe_key == dedupe_key) if dedupe_key else \
        OutboxMessage.dedupe_key.startswith(prefix, autoescape=True)
    waiting = or_(OutboxMessage.status == Status.pending.value,
                  and_(OutboxMessage.channel == Channel.portal.value, OutboxMessage.due_at > now))
    result = db.execute(
        update(OutboxMessage).where(match, waiting)
        .values(status=Status.cancelled.value, last_error="cancelled", claimed_by=None)
    )
    return result.rowcount


# --- read-outs ------------------------------------------------------------------------------------

def mask_recipient(channel: str, recipient: str) -> str:
    """Enough to tell two rows apart, not enough to read: m•••@g•••.dk, •••• ••78."""
    if not recipient:
        return ""
    if channel == Channel.digital_post.value:
        return "••••••-••••"  # a CPR number: not even its last digits
    if channel == Channel.email.value and "@" in recipient:
        local, _, domain = recipient.partition("@")
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        return f"{local[:1]}•••@{domain[:1]}•••.{tld}"
    digits = [c for c in recipient if c.isdigit()]
    return "•••• ••" + "".join(digits[-2:])


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    channel: str
    recipient: str  # masked
    audience: str
    status: str
    attempts: int
    due_at: datetime
    sent_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[tuple[str, str], int]  # (channel, status) -> n
    totals: dict[str, int]  # status -> n
    recent: list[OutboxRow]


def outbox_overview(db: Session, *, limit: int = 50) -> OutboxOverview:
    grouped = db.exec(
        select(OutboxMessage.channel, OutboxMessage.status, func.count())
        .group_by(OutboxMessage.channel, OutboxMessage.status)
    ).all()
    counts = {(channel, status): n for channel, status, n in grouped}
    totals = Counter()
    for (_, status), n in counts.items():
        totals[status] += n
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).all()
    recent = [OutboxRow(
        id=r.id, kind=r.kind, channel=r.channel, recipient=mask_recipient(r.channel, r.recipient),
        audience="staff" if r.staff_id else "citizen", status=r.status, attempts=r.attempts,
        due_at=r.due_at, sent_at=r.sent_at, last_error=r.last_error,
    ) for r in rows]
    return OutboxOverview(counts=counts, totals=dict(totals), recent=recent)


@dataclass(frozen=True)
class LetterState:
    """Where a case's letter by Digital Post stands (for the staff pages)."""
    id: int
    kind: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str

    @property
    def not_registered(self) -> bool:
        return self.status == Status.failed.value and self.last_error == NOT_REGISTERED

    @property
    def needs_post(self) -> bool:
        """It will not arrive by Digital Post (cannot receive it, withheld, or gave up): staff post it."""
        return self.status == Status.failed.value


def letters_of_case(db: Session, case_id: int) -> dict[str, LetterState]:
    """The case's Digital Post letters by dedupe key (e.g. "decision_letter:12")."""
    rows = db.exec(select(OutboxMessage.dedupe_key, OutboxMessage.id, OutboxMessage.kind, OutboxMessage.status,
                          OutboxMessage.attempts, OutboxMessage.created_at, OutboxMessage.sent_at,
                          OutboxMessage.last_error)
                   .where(OutboxMessage.case_id == case_id, OutboxMessage.channel == Channel.digital_post.value)
                   .order_by(OutboxMessage.id)).all()
    return {key: LetterState(*rest) for key, *rest in rows}


def letter_pdf(db: Session, *, case_id: int, letter_id: int) -> bytes | None:
    """A Digital Post letter's own PDF (to print and post instead), only through its own case."""
    row = db.exec(select(OutboxMessage).where(OutboxMessage.id == letter_id, OutboxMessage.case_id == case_id,
                                              OutboxMessage.channel == Channel.digital_post.value)).first()
    return main_document_of(row.attachment) if row is not None and row.attachment else None


def portal_notices(db: Session, *, case_id: int, now: datetime, days: int = 60, limit: int = 5):
    """The case's in-portal notices that are due (what would have gone out by e-mail/SMS)."""
    return list(db.exec(
        select(OutboxMessage).where(
            OutboxMessage.case_id == case_id, OutboxMessage.channel == Channel.portal.value,
            OutboxMessage.status == Status.sent.value, OutboxMessage.due_at <= now,
            OutboxMessage.due_at >= now - timedelta(days=days),
        ).order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ))
