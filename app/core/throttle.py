"""Throttling whose worst case is slowness for the guesser, never a lock-out for the owner.

Kept in the database, so it holds across workers and machines. Two rules carry the design:

* Only a *verified failure* counts. Nothing is reserved before the check, so correct sign-ins that run
  at the same time never count against each other (an office behind one address, a family on one
  Wi-Fi), and nothing needs to be refunded afterwards.
* A key with too many failures is *paced*, not locked: each further attempt claims the next free
  "turn" (one compare-and-set UPDATE) and waits for it without holding a thread or a connection.
  The correct secret still gets in, at its turn; guessing gets at most one try per turn. Only when
  the queue of turns already reaches further ahead than ``max_queue`` is an attempt refused with the
  real wait, and nothing is written for it.

Which keys an attempt is paced on is the caller's decision (see cases.service, staff.service,
account.service): the rule there is that a key others can fill – an address – only ever slows, and
only a key tied to the secret being guessed (a code's selector, a username) queues.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import anyio
from fastapi import Request
from sqlalchemy import case, or_, select
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import insert_for
from app.core.models import Throttle

DECAY = timedelta(hours=24)
KEY_LENGTH = 80  # the column's length


def fit_keys(keys: Iterable[str]) -> list[str]:
    """Keys carry what was typed (e.g. a username); a long one is hashed so it fits its column
    and still counts against the same row every time."""
    return [fit_key(k) for k in keys]


def fit_key(key: str) -> str:
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def client_key(request: Request) -> str:
    """A keyed hash of the client address: throttling works, no IP is ever stored."""
    host = request.client.host if request.client else "unknown"
    return request.app.state.signer.client_key(host)


@dataclass(frozen=True)
class Policy:
    """How a key is paced once it has more than ``free`` failures in the last DECAY.

    growing=False: one turn every ``base_seconds`` however many failures (codes: the 65-bit verifier
    makes guessing futile at any steady rate, so the owner never waits long). growing=True: the
    interval doubles per failure up to ``max_seconds`` (passwords, TOTP: fewer bits)."""

    free: int = 5
    base_seconds: float = 1.0
    max_seconds: float = 900.0
    growing: bool = True
    max_queue_seconds: float = 45.0

    def interval(self, failures: int) -> float:
        if failures <= self.free:
            return 0.0
        if not self.growing:
            return self.base_seconds
        return min(self.max_seconds, self.base_seconds * 2 ** min(failures - self.free - 1, 40))

    def guesses_per_hour(self) -> float:
        """At most, for one key, once it is paced: what the README's threat model quotes."""
        return 3600 / (self.base_seconds if not self.growing else self.max_seconds)


def throttle_policy(settings: Settings) -> Policy:
    """Passwords and TOTP codes: fewer bits, so the interval grows with the failures."""
    return Policy(settings.throttle_free_attempts, settings.throttle_base_seconds,
                  settings.throttle_max_seconds, growing=True,
                  max_queue_seconds=settings.throttle_queue_seconds)


def code_throttle_policy(settings: Settings) -> Policy:
    """Personal codes: the 65-bit verifier makes any steady rate futile, so the owner never waits long."""
    return Policy(settings.throttle_free_attempts, settings.throttle_code_interval_seconds,
                  settings.throttle_code_interval_seconds, growing=False,
                  max_queue_seconds=settings.throttle_queue_seconds)


@dataclass(frozen=True)
class KeyState:
    failures: int  # within the last DECAY; older counts no longer matter
    queued: float  # seconds until the key's next free turn (0 = free now)


def read_states(db: Session, keys: Iterable[str], *, now: datetime) -> dict[str, KeyState]:
    """The keys' counters with one plain read (no write, no lock); missing keys are clean."""
    keys = list(keys)
    states = {key: KeyState(0, 0.0) for key in keys}
    wanted = {fit_key(key): key for key in keys}
    for row in db.execute(select(Throttle).where(Throttle.key.in_(list(wanted)))).scalars():
        failures = row.failures if row.updated_at >= now - DECAY else 0
        queued = max(0.0, (row.next_turn or 0.0) - now.timestamp())
        states[wanted[row.key]] = KeyState(failures, queued)
    return states


def is_paced(state: KeyState, policy: Policy) -> bool:
    return state.failures > policy.free


def record_failure(db: Session, key: str, *, now: datetime, policy: Policy) -> int:
    """Count one verified failure on a key and, once it is paced, keep its next turn at least one
    interval after this failure. Two statements, each atomic. Returns the count (within DECAY)."""
    table = Throttle.__table__
    key = fit_key(key)
    stmt = insert_for(db)(table).values(key=key, failures=1, next_turn=None, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((table.c.updated_at < now - DECAY, 1), else_=table.c.failures + 1),
            "updated_at": now,
        },
    ).returning(table.c.failures)
    failures = db.execute(stmt).scalar_one()
    interval = policy.interval(failures)
    if interval:
        earliest = now.timestamp() + interval
        db.execute(table.update().where(table.c.key == key, or_(table.c.next_turn.is_(None),
                                                                 table.c.next_turn < earliest))
                   .values(next_turn=earliest))
    return failures


def count_event(db: Session, key: str, *, now: datetime, window: timedelta) -> tuple[int, datetime]:
    """Count one event (not a failure: e.g. a new case from a connection) in a fixed window that starts
    with the first event – one atomic upsert, so events that run at once are all counted. Returns the
    count in the current window and when the window ends. The row's updated_at is the window's start."""
    table = Throttle.__table__
    expired = table.c.updated_at < now - window
    stmt = insert_for(db)(table).values(key=fit_key(key), failures=1, next_turn=None, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((expired, 1), else_=table.c.failures + 1),
              "updated_at": case((expired, now), else_=table.c.updated_at)},
    ).returning(table.c.failures, table.c.updated_at)
    count, started = db.execute(stmt).one()
    started = started if started.tzinfo else started.replace(tzinfo=now.tzinfo)
    return count, started + window


class QueueFull(Exception):
    """The key's turns are already booked further ahead than the policy allows."""

    def __init__(self, wait_seconds: float):
        super().__init__("queue full")
        self.wait_seconds = wait_seconds


def claim_turn(db: Session, key: str, *, failures: int, now: datetime, policy: Policy) -> float:
    """Book the key's next turn; returns the seconds to wait for it, or raises QueueFull.

    One conditional UPDATE: start = max(now, next_turn_at), next_turn_at = start + interval, only
    while the queue is shorter than max_queue. Parallel attempts serialise on the row (PostgreSQL's
    row lock, SQLite's write lock), so each gets its own turn and none can skip the queue."""
    interval = policy.interval(failures)
    table = Throttle.__table__
    key = fit_key(key)
    now_ts = now.timestamp()
    start = case((or_(table.c.next_turn.is_(None), table.c.next_turn < now_ts), now_ts), else_=table.c.next_turn)
    booked = db.execute(
        table.update()
        .where(table.c.key == key, or_(table.c.next_turn.is_(None),
                                       table.c.next_turn <= now_ts + policy.max_queue_seconds))
        .values(next_turn=start + interval)
        .returning(table.c.next_turn)
    ).scalar_one_or_none()
    if booked is None:
        row = db.get(Throttle, key)
        ahead = (row.next_turn or now_ts) - now_ts if row is not None else 0.0
        raise QueueFull(max(ahead - policy.max_queue_seconds, 1.0))
    return max(0.0, booked - interval - now_ts)


def _jittered(pause: float) -> float:
    # 0.5–1.5 × the pause, so a flood's connections do not come back in step, as one burst.
    return pause * random.uniform(0.5, 1.5)


async def wait_turn(turn_wait: float, *, address_paced: bool, address_pause: float, sleep) -> None:
    """Wait for a booked turn and, from a paced address, a jittered pause – whichever is longer.
    Holds no thread and no connection."""
    delay = max(turn_wait, _jittered(address_pause) if address_paced else 0.0)
    if delay:
        await sleep(delay)


async def pause_before_refusal(wait_seconds: float, pause: float) -> None:
    """A refusal also comes after a jittered pause (never longer than the wait itself): a client that
    asks again at once is held to one try per pause per connection."""
    await anyio.sleep(min(wait_seconds, _jittered(pause)))


def retry_after(wait_seconds: float) -> dict[str, str]:
    """The Retry-After header of a refusal: whole seconds, rounded up, at least 1 (what
    i18n.wait_message says in words)."""
    return {"Retry-After": str(max(1, math.ceil(wait_seconds)))}


def take_free_turn(db: Session, key: str, *, now: datetime, policy: Policy) -> None:
    """For a paced key, book a turn only if one is free right now (raises QueueFull with the wait).

    For checks that run in a worker thread and so must not wait for a turn (TOTP, the current
    password on Min konto): their keys can only be filled by someone who already has the password."""
    state = read_states(db, [key], now=now)[key]
    if is_paced(state, policy):
        claim_turn(db, key, failures=state.failures, now=now, policy=replace(policy, max_queue_seconds=0.0))


def clear(db: Session, keys: Iterable[str]) -> None:
    db.execute(Throttle.__table__.delete().where(Throttle.__table__.c.key.in_(fit_keys(keys))))
