"""Growing-delay throttling kept in the database, so it holds across workers and machines.

An attempt is counted *before* the secret is checked, with an atomic upsert, so a burst of
parallel guesses cannot all slip in under the limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.core.models import Throttle

DECAY = timedelta(hours=24)
KEY_LENGTH = 80  # the column's length


def fit_keys(keys: Iterable[str]) -> list[str]:
    """Keys carry what was typed (e.g. a username); a long one is hashed so it fits its column
    and still counts against the same row every time."""
    return [k if len(k) <= KEY_LENGTH else "sha256:" + hashlib.sha256(k.encode("utf-8", "surrogatepass")).hexdigest()
            for k in keys]


class Policy:
    def __init__(self, free: int = 5, base_seconds: float = 1.0, max_seconds: float = 900.0):
        self.free = free
        self.base = base_seconds
        self.cap = max_seconds

    def delay(self, failures: int) -> float:
        if failures <= self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** (failures - self.free - 1))


def seconds_locked(db: Session, keys: Iterable[str], *, now: datetime) -> float:
    keys = fit_keys(keys)
    rows = db.exec(select(Throttle.locked_until).where(Throttle.key.in_(keys))).all()
    waits = [(row[0] - now).total_seconds() for row in rows if row[0] is not None and row[0] > now]
    return max(waits, default=0.0)


@dataclass(frozen=True)
class KeyState:
    failures: int  # within the last DECAY; older counts no longer matter
    wait: float  # seconds until the key may try again (0 = not locked)


def read_states(db: Session, keys: Iterable[str], *, now: datetime) -> dict[str, KeyState]:
    """The keys' counters with one plain read (no write, no lock); missing keys are clean."""
    keys = list(keys)
    states = {key: KeyState(0, 0.0) for key in keys}
    for row in db.execute(select(Throttle).where(Throttle.key.in_(keys))).scalars():
        failures = row.failures if row.updated_at >= now - DECAY else 0
        wait = (row.locked_until - now).total_seconds() if row.locked_until and row.locked_until > now else 0.0
        states[row.key] = KeyState(failures, wait)
    return states


def count_attempt(db: Session, key: str, *, now: datetime, policy: Policy, respect_lock: bool = True) -> float:
    """Count one attempt on a key and set its lock if the count calls for one – one atomic upsert.

    Returns 0 when counted, or (with respect_lock) the seconds left when the key is locked: then
    nothing is counted. The conditional upsert re-checks the lock under the row lock (PostgreSQL) or
    the write lock (SQLite), so parallel attempts cannot all pass a check made before the first set it."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = Throttle.__table__
    stmt = insert(table).values(key=key, failures=1, locked_until=None, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((table.c.updated_at < now - DECAY, 1), else_=table.c.failures + 1),
            "updated_at": now,
        },
        where=or_(table.c.locked_until.is_(None), table.c.locked_until <= now) if respect_lock else None,
    ).returning(table.c.failures)
    failures = db.execute(stmt).scalar_one_or_none()
    if failures is None:
        return max(seconds_locked(db, [key], now=now), 0.001)
    delay = policy.delay(failures)
    if delay:
        # Never shorten a longer lock that is already there (only when counting through a lock).
        db.execute(table.update().where(
            table.c.key == key,
            or_(table.c.locked_until.is_(None), table.c.locked_until < now + timedelta(seconds=delay)),
        ).values(locked_until=now + timedelta(seconds=delay)))
    return 0.0


def reserve_attempt(db: Session, keys: Iterable[str], *, now: datetime, policy: Policy) -> float:
    """Count one attempt on every key. Returns 0 to go ahead, or the seconds left to wait."""
    keys = fit_keys(keys)
    wait = seconds_locked(db, keys, now=now)
    if wait > 0:
        return wait
    for key in keys:
        wait = count_attempt(db, key, now=now, policy=policy)
        if wait:
            return wait
    return 0.0


def clear(db: Session, keys: Iterable[str]) -> None:
    db.execute(Throttle.__table__.delete().where(Throttle.__table__.c.key.in_(fit_keys(keys))))


def refund(db: Session, keys: Iterable[str]) -> None:
    """Take back the attempt a successful sign-in counted: only failures should add up, so an office
    behind one address is not slowed down by its own correct sign-ins."""
    table = Throttle.__table__
    db.execute(table.update().where(table.c.key.in_(fit_keys(keys)), table.c.failures > 0)
               .values(failures=table.c.failures - 1))
