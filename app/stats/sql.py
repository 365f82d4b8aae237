"""Small SQL building blocks that compile differently on SQLite and PostgreSQL.

Statistics are computed in the database, and dates must be Copenhagen calendar dates (the
14-day guarantee is measured in local dates). PostgreSQL converts with AT TIME ZONE; SQLite has
no time-zone data, so the EU summer-time rule (last Sunday of March 01:00 UTC to last Sunday of
October 01:00 UTC, in force since 1996) is written out: Copenhagen is UTC+2 inside it, UTC+1 outside.
"""

from __future__ import annotations

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_day(FunctionElement):  # noqa: N801 (SQL function style)
    """The Copenhagen calendar date of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_pg(element, compiler, **kw):
    (arg,) = element.clauses
    return f"CAST(({compiler.process(arg, **kw)} AT TIME ZONE 'Europe/Copenhagen') AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    (arg,) = element.clauses
    x = compiler.process(arg, **kw)
    # Before 22.00 UTC the Copenhagen date is the UTC date (the offset is at most 2 hours): a plain
    # substring, no date function, for most rows. Stored as 'YYYY-MM-DD HH:MM:SS.ffffff'.
    return (f"(CASE WHEN substr({x}, 12, 2) < '22' THEN substr({x}, 1, 10) "
            f"WHEN {x} >= datetime(strftime('%Y', {x}) || '-03-25', 'weekday 0', '+1 hours') "
            f"AND {x} < datetime(strftime('%Y', {x}) || '-10-25', 'weekday 0', '+1 hours') "
            f"THEN date({x}, '+2 hours') ELSE date({x}, '+1 hours') END)")


class day_diff(FunctionElement):  # noqa: N801
    """Whole days from the second date to the first (a - b)."""

    type = Integer()
    inherit_cache = True


@compiles(day_diff, "postgresql")
def _day_diff_pg(element, compiler, **kw):
    a, b = element.clauses
    return f"(CAST({compiler.process(a, **kw)} AS DATE) - CAST({compiler.process(b, **kw)} AS DATE))"


@compiles(day_diff, "sqlite")
def _day_diff_sqlite(element, compiler, **kw):
    a, b = element.clauses
    return f"CAST(julianday({compiler.process(a, **kw)}) - julianday({compiler.process(b, **kw)}) AS INTEGER)"


class ymd_number(FunctionElement):  # noqa: N801
    """A date as the integer YYYYMMDD (for age arithmetic)."""

    type = Integer()
    inherit_cache = True


@compiles(ymd_number, "postgresql")
def _ymd_pg(element, compiler, **kw):
    (arg,) = element.clauses
    return f"CAST(to_char({compiler.process(arg, **kw)}, 'YYYYMMDD') AS INTEGER)"


@compiles(ymd_number, "sqlite")
def _ymd_sqlite(element, compiler, **kw):
    (arg,) = element.clauses
    # Dates are stored (and local_day returns them) as 'YYYY-MM-DD' text: no date function needed.
    return f"CAST(replace(substr({compiler.process(arg, **kw)}, 1, 10), '-', '') AS INTEGER)"


class month_key(FunctionElement):  # noqa: N801
    """A date's month as 'YYYY-MM'."""

    type = String()
    inherit_cache = True


@compiles(month_key, "postgresql")
def _month_pg(element, compiler, **kw):
    (arg,) = element.clauses
    return f"to_char({compiler.process(arg, **kw)}, 'YYYY-MM')"


@compiles(month_key, "sqlite")
def _month_sqlite(element, compiler, **kw):
    (arg,) = element.clauses
    return f"strftime('%Y-%m', {compiler.process(arg, **kw)})"


class day_before(FunctionElement):  # noqa: N801
    """A UTC timestamp one day earlier (a cheap lower bound for index range scans)."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(day_before, "postgresql")
def _day_before_pg(element, compiler, **kw):
    (arg,) = element.clauses
    return f"({compiler.process(arg, **kw)} - INTERVAL '1 day')"


@compiles(day_before, "sqlite")
def _day_before_sqlite(element, compiler, **kw):
    (arg,) = element.clauses
    return f"datetime({compiler.process(arg, **kw)}, '-1 day')"
