"""The jobs runner: run the scheduled producers (digests, reminders the domains declare), claim
due outbox rows, send each one outside any transaction, record the outcome.

Exactly once with several runners: a row is claimed in a short transaction that moves it from
pending to sending with this claim's token —
- PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED picks rows no other runner holds, then UPDATE;
- SQLite: one conditional UPDATE ... WHERE id IN (...) AND status = 'pending'; the app's engine
  begins every transaction with BEGIN IMMEDIATE, so claim transactions run one after another.
Only the holder of the claim token can record the outcome; the house's `on_sent` hooks run in the
transaction that records a row as sent. A row left in `sending` longer than
claim_timeout_seconds (the runner crashed mid-send) is claimed again: after a crash in the instant
between a successful send and its record a message can go twice, never because two runners raced.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.clock import Clock
from app.core.db import transaction
from app.notify.channels import SendError, build_senders
from app.notify.config import NotifyConfig
from app.notify.models import Channel, OutboxMessage, Status

log = logging.getLogger("app.notify")

# Producers (the house's `jobs`) run on every tick before sending: fn(db, *, now, config, house) ->
# rows queued. They must be idempotent (use enqueue's dedupe keys), because every runner runs them.
JobFn = Callable[..., int]


@dataclass
class RunResult:
    queued: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


def _claimable(now: datetime, stale_before: datetime):
    return or_(
        and_(OutboxMessage.status == Status.pending.value, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == Status.sending.value, OutboxMessage.claimed_at < stale_before),
    )


def expire_overdue(db: Session, *, now: datetime) -> int:
    """A reminder that could not go before its event is no longer worth sending."""
    result = db.execute(
        update(OutboxMessage).where(
            OutboxMessage.status.in_([Status.pending.value]), OutboxMessage.expires_at.is_not(None),
            OutboxMessage.expires_at <= now,
        ).values(status=Status.cancelled.value, last_error="expired before it could be sent")
    )
    return result.rowcount


def claim(db: Session, *, token: str, now: datetime, limit: int, claim_timeout: float) -> list[int]:
    """Mark up to `limit` due rows as sending under `token`; returns their ids. Call in a short
    transaction of its own and commit straight after."""
    stale_before = now - timedelta(seconds=claim_timeout)
    pick = (select(OutboxMessage.id).where(_claimable(now, stale_before))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    values = dict(status=Status.sending.value, claimed_by=token, claimed_at=now,
                  attempts=OutboxMessage.attempts + 1)
    if db.get_bind().dialect.name == "postgresql":
        ids = list(db.exec(pick.with_for_update(skip_locked=True)).all())
        if not ids:
            return []
        db.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values))
        return ids
    # SQLite: the condition is repeated in the UPDATE, so a row another claim took in between
    # (impossible under BEGIN IMMEDIATE, but cheap to be sure) is left alone.
    db.execute(update(OutboxMessage).where(OutboxMessage.id.in_(pick.scalar_subquery()),
                                           _claimable(now, stale_before)).values(**values))
    return list(db.exec(select(OutboxMessage.id).where(OutboxMessage.claimed_by == token,
                                                       OutboxMessage.status == Status.sending.value)).all())


def release(db: Session, *, ids: list[int], token: str) -> int:
    """Hand claimed rows back untried (the attempt is not counted)."""
    result = db.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == token,
                                    OutboxMessage.status == Status.sending.value)
        .values(status=Status.pending.value, claimed_by=None, claimed_at=None,
                attempts=OutboxMessage.attempts - 1)
    )
    return result.rowcount


def backoff(config: NotifyConfig, attempts: int) -> timedelta:
    s = config.settings
    return timedelta(seconds=min(s.backoff_seconds * 2 ** max(attempts - 1, 0), s.backoff_max_seconds))


def record_sent(db: Session, *, row_id: int, token: str, now: datetime) -> bool:
    # A delivered Digital Post letter is in the citizen's mailbox and its decision in the case: the
    # stored MeMo (CPR number and the whole letter) is not kept a second time in the outbox.
    result = db.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == token,
                                    OutboxMessage.status == Status.sending.value)
        .values(status=Status.sent.value, sent_at=now, last_error="",
                attachment=case((OutboxMessage.channel == Channel.digital_post.value, None),
                                else_=OutboxMessage.attachment))
    )
    return result.rowcount == 1


def record_failure(db: Session, *, row: OutboxMessage, token: str, error: SendError, now: datetime,
                   config: NotifyConfig) -> str:
    give_up = error.permanent or row.attempts >= config.settings.max_attempts
    status = Status.failed.value if give_up else Status.pending.value
    db.execute(
        update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == token,
                                    OutboxMessage.status == Status.sending.value)
        .values(status=status, last_error=error.reason, next_attempt_at=now + backoff(config, row.attempts))
    )
    return status


def run_jobs(engine: Engine, *, config: NotifyConfig, now: datetime, house) -> int:
    queued = 0
    for job in house.jobs:
        name = job.name
        try:
            with transaction(engine) as db:
                queued += job.fn(db, now=now, config=config, house=house) or 0
        except Exception as exc:  # one broken producer must not stop sending
            log.error("job %s failed: %s", name, type(exc).__name__)
    return queued


def run_once(engine: Engine, *, config: NotifyConfig, clock: Clock, worker: str | None = None,
             senders: dict | None = None, house=None) -> RunResult:
    """One tick: producers, expiry, then claim-send-record until nothing is due."""
    result = RunResult()
    senders = senders if senders is not None else build_senders(config)
    if house is not None:  # without the house (tests of delivery alone) no producers run
        result.queued = run_jobs(engine, config=config, now=clock.now(), house=house)
    with transaction(engine) as db:
        result.expired = expire_overdue(db, now=clock.now())
    worker = worker or worker_name()
    hooks = house.on_sent if house is not None else ()
    while True:
        token = f"{worker}:{uuid.uuid4().hex[:12]}"[-64:]
        with transaction(engine) as db:
            ids = claim(db, token=token, now=clock.now(), limit=config.settings.batch_size,
                        claim_timeout=config.settings.claim_timeout_seconds)
        if not ids:
            return result
        result.claimed += len(ids)
        with Session(engine, expire_on_commit=False) as db:
            # Only reads: on SQLite a deferred BEGIN (main's app.core.db honours this option), so
            # loading the batch does not queue behind, or hold up, other writers.
            db.connection(execution_options={"sqlite_begin": "DEFERRED"})
            rows = list(db.exec(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                .order_by(OutboxMessage.id)).all())
        claimed_at = clock.now()
        deadline = claimed_at + timedelta(seconds=config.settings.claim_timeout_seconds / 2)
        for index, row in enumerate(rows):
            if clock.now() >= deadline:
                # Slow servers: give the rest back before another runner could think the claim
                # stale and send them too.
                with transaction(engine) as db:
                    release(db, ids=[r.id for r in rows[index:]], token=token)
                break
            _deliver(engine, row, token=token, senders=senders, clock=clock, config=config, result=result,
                     hooks=hooks)


def _deliver(engine, row: OutboxMessage, *, token, senders, clock, config, result: RunResult, hooks=()) -> None:
    sender = senders.get(row.channel)
    try:
        if sender is None:
            raise SendError(f"channel {row.channel} is off")
        sender.send(row)  # outside any transaction: a slow server holds no lock
    except SendError as error:
        with transaction(engine) as db:
            status = record_failure(db, row=row, token=token, error=error, now=clock.now(), config=config)
        if status == Status.failed.value:
            result.failed += 1
        else:
            result.retried += 1
        result.errors.append(error.reason)
        log.warning("outbox %s %s %s attempt %s: %s", row.id, row.kind, row.channel, row.attempts, error.reason)
        return
    try:
        with transaction(engine) as db:
            now = clock.now()
            if record_sent(db, row_id=row.id, token=token, now=now):
                for hook in hooks:
                    hook(db, row, now=now, config=config)
                result.sent += 1
    except Exception as exc:
        # Nothing recorded: the row stays `sending` and is claimed again once stale. Sending it again is
        # safe where it matters (Digital Post knows the messageUUID), and the hook gets another go.
        log.error("outbox %s sent but not recorded: %s", row.id, type(exc).__name__)
        result.errors.append(type(exc).__name__)
