"""The case's read for Min side: the case and every panel's probes in one statement, returning a
frozen record of the case (app.core.prepared); cases/panels.py assembles the panels from it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import CitizenCase
from app.core.prepared import PreparedRead


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A citizen_case row, read only."""

    tenant_id: int  # the municipality (app.core.tenancy); every model column, in order
    id: int
    pseudonym: str
    code_selector: str
    code_hash: str
    code_issued_at: datetime
    anonymous: bool
    is_relative: bool
    display_name: str | None
    full_name: str | None
    phone: str | None
    email: str | None
    language: str
    created_at: datetime


def case_and_probes(probes: Sequence[tuple[str, Callable[[ColumnElement], ColumnElement]]]) -> PreparedRead:
    """The case (a CaseRecord) and the probes' values (a tuple, in the order given) in one statement.

    A PreparedRead: for a select of a dozen subqueries, SQLAlchemy's work per execution (above all
    the walk over the statement for its cache key) took 30 µs, five times SQLite's answer."""
    case_id = bindparam("case_id")
    columns = [*CitizenCase.__table__.columns, *(probe(case_id).label(name) for name, probe in probes)]
    return PreparedRead(select(*columns).where(CitizenCase.id == case_id), CaseRecord, tuple)
