"""Min side, and the staff's case page, are assembled from panels that each domain registers
(bookings, requests, plans, decisions...).

A panel is a function (db, case, now, found) -> Panel | None, so the cases module needs no knowledge
of the domains that hang off a case.

Most citizens have a request and perhaps a booking; plans, decisions, complaints and notices come
later or never. So a Min side panel may declare *probes*: small SQL expressions (a count, an EXISTS)
about the case. All probes of all panels run as one statement before the panels are called, and each
panel gets its probes' values in `found`: it can skip its own queries when there is nothing to show,
or show a count without asking again. Before probes, Min side ran 16 queries for any citizen.
A probe may be coarser than the panel's own query (rows of any date, not only the coming ones), never
narrower: a panel must only skip when its query would have found nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from app.cases.models import CitizenCase
from app.core.db import count_of
from app.core.prepared import PreparedRead


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFn = Callable[[Session, CitizenCase, datetime], Panel | None]
# case id parameter -> a scalar SQL expression about that case (usually made by rows_of_case)
Probe = Callable[[ColumnElement], ColumnElement]
MinSidePanelFn = Callable[[Session, CitizenCase, datetime, dict[str, Any]], Panel | None]


@dataclass(frozen=True)
class _MinSidePanel:
    fn: MinSidePanelFn
    probes: dict[str, Probe]


_PANELS: list[_MinSidePanel] = []
# The case with every panel's probes, as one statement; built on first use (every panel module is
# imported by then) and dropped when a panel registers.
_probes: list[PreparedRead] = []


def rows_of_case(model, *where) -> Probe:
    """The usual probe: how many rows of `model` belong to the case (and match `where`)."""
    return lambda case_id: count_of(model, model.case_id == case_id, *where)


def min_side_panel(fn: MinSidePanelFn | None = None, *, probes: dict[str, Probe] | None = None):
    """Register a Min side panel, as @min_side_panel or @min_side_panel(probes={...})."""
    def register(panel_fn: MinSidePanelFn) -> MinSidePanelFn:
        _PANELS.append(_MinSidePanel(panel_fn, probes or {}))
        _probes.clear()
        return panel_fn
    return register(fn) if fn is not None else register


def _case_and_probes_statement():
    case_id = bindparam("case_id")
    columns = list(CitizenCase.__table__.columns)  # the case comes along: one statement, not two
    for index, panel in enumerate(_PANELS):
        columns += [probe(case_id).label(f"p{index}_{name}") for name, probe in panel.probes.items()]
    return select(*columns).where(CitizenCase.id == case_id)


def case_with_probes(db: Session, case_id: int):
    """The case (a record with CitizenCase's attributes) and every panel's probe values, one dict
    per registered panel, in one statement; None if there is no such case.

    A PreparedRead: for a select of a dozen subqueries, SQLAlchemy's work per execution (above all
    the walk over the statement for its cache key) took 30 µs, five times SQLite's answer."""
    if not _probes:
        _probes.append(PreparedRead(_case_and_probes_statement(), CitizenCase.__table__, "probes"))
    found = _probes[0].first(db, case_id=case_id)
    if found is None:
        return None
    case, probes = found
    values = iter(probes)  # in the order the statement put them
    return case, [{name: next(values) for name in panel.probes} for panel in _PANELS]


def min_side(db: Session, case_id: int, now: datetime):
    """The signed-in citizen's case and the panels Min side shows for it."""
    loaded = case_with_probes(db, case_id)
    if loaded is None:  # the session row's foreign key makes this a broken database, not a user error
        raise LookupError("signed-in session without its case")
    case, found = loaded
    panels = [p for panel, values in zip(_PANELS, found) if (p := panel.fn(db, case, now, values)) is not None]
    return case, sorted(panels, key=lambda p: p.order)


# The staff side's case page (/personale/sager/{case_id}): same idea, staff templates.
_STAFF_PANELS: list[PanelFn] = []


def staff_case_panel(fn: PanelFn) -> PanelFn:
    _STAFF_PANELS.append(fn)
    return fn


def build_staff_panels(db: Session, case: CitizenCase, now: datetime) -> list[Panel]:
    panels = [p for fn in _STAFF_PANELS if (p := fn(db, case, now)) is not None]
    return sorted(panels, key=lambda p: p.order)
