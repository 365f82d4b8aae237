"""Small SQL building blocks that compile differently on SQLite and PostgreSQL.

Statistics are computed in the database, and dates must be Copenhagen calendar dates (the
14-day guarantee is measured in local dates). PostgreSQL converts with AT TIME ZONE; SQLite has
no time-zone data, so the EU summer-time rule (last Sunday of March 01:00 UTC to last Sunday of
October 01:00 UTC, in force since 1996) is written out: Copenhagen is UTC+2 inside it, UTC+1 outside.
SQLite stores timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' and dates as 'YYYY-MM-DD' text.
"""

from __future__ import annotations

from sqlalchemy import Date, DateTime, Integer, String, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def _sql_function(name: str, type_, doc: str, *, postgresql: str, sqlite: str):
    """A SQL function whose text per dialect is a template over its compiled arguments {0}, {1}, ..."""
    cls = type(name, (FunctionElement,), {"type": type_, "inherit_cache": True, "__doc__": doc})
    for dialect, template in (("postgresql", postgresql), ("sqlite", sqlite)):
        def compile_(element, compiler, _template=template, **kw):
            return _template.format(*(compiler.process(arg, **kw) for arg in element.clauses))
        compiles(cls, dialect)(compile_)
    return cls


local_day = _sql_function(
    "local_day", Date(), "The Copenhagen calendar date of a UTC timestamp column.",
    postgresql="CAST(({0} AT TIME ZONE 'Europe/Copenhagen') AS DATE)",
    # Before 22.00 UTC the Copenhagen date is the UTC date (the offset is at most 2 hours): a plain
    # substring, no date function, for most rows.
    sqlite=("(CASE WHEN substr({0}, 12, 2) < '22' THEN substr({0}, 1, 10) "
            "WHEN {0} >= datetime(strftime('%Y', {0}) || '-03-25', 'weekday 0', '+1 hours') "
            "AND {0} < datetime(strftime('%Y', {0}) || '-10-25', 'weekday 0', '+1 hours') "
            "THEN date({0}, '+2 hours') ELSE date({0}, '+1 hours') END)"))

day_diff = _sql_function(
    "day_diff", Integer(), "Whole days from the second date to the first (a - b).",
    postgresql="(CAST({0} AS DATE) - CAST({1} AS DATE))",
    sqlite="CAST(julianday({0}) - julianday({1}) AS INTEGER)")

ymd_number = _sql_function(
    "ymd_number", Integer(), "A date as the integer YYYYMMDD (for age arithmetic).",
    postgresql="CAST(to_char({0}, 'YYYYMMDD') AS INTEGER)",
    sqlite="CAST(replace(substr({0}, 1, 10), '-', '') AS INTEGER)")

month_key = _sql_function(
    "month_key", String(), "A date's month as 'YYYY-MM'.",
    postgresql="to_char({0}, 'YYYY-MM')", sqlite="strftime('%Y-%m', {0})")

day_before = _sql_function(
    "day_before", DateTime(timezone=True), "A UTC timestamp one day earlier (a lower bound for index ranges).",
    postgresql="({0} - INTERVAL '1 day')", sqlite="datetime({0}, '-1 day')")


def tune_for_report(db) -> None:
    """PostgreSQL: no JIT compilation for the statistics' statements in this transaction. Their
    cost estimates (a scalar subquery per row) pass the JIT thresholds, and compiling then takes
    longer than running them (measured: up to 400 ms of a 770 ms statement). SET LOCAL ends with
    the transaction, so other requests on the pooled connection are unaffected."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL jit = off"))
