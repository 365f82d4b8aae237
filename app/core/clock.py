"""Injectable clock: rules take `now` from here, never from datetime.now()."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


class Clock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return self.now().astimezone(LOCAL_TZ).date()


class FixedClock(Clock):
    """A clock for tests: stands still until moved."""

    def __init__(self, at: datetime):
        self.at = ensure_utc(at)

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs) -> None:
        self.at = self.at + timedelta(**kwargs)

    def set(self, at: datetime) -> None:
        self.at = ensure_utc(at)


def ensure_utc(value: datetime) -> datetime:
    """Naive datetimes read back from SQLite are UTC by our convention."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def local(value: datetime) -> datetime:
    return ensure_utc(value).astimezone(LOCAL_TZ)


def local_date(value: datetime) -> date:
    return local(value).date()


def local_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Copenhagen as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(timezone.utc)
