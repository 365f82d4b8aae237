"""Min side, and the staff's case page, are assembled from panels that each domain declares in its
`domain.py` (bookings, requests, plans, decisions...).

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

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from app.cases.models import CitizenCase
from app.core.domain import MinSidePanel
from app.core.panels import Panel
from app.core.prepared import PreparedRead


PanelFn = Callable[[Session, CitizenCase, datetime], Panel | None]
MinSidePanelFn = Callable[[Session, CitizenCase, datetime, dict[str, Any]], Panel | None]


class MinSide:
    """Min side for the panels the house declares, with every panel's probes as one statement
    (prepared on first use)."""

    def __init__(self, panels: Sequence[MinSidePanel]):
        self.panels = tuple(panels)
        self._statement: PreparedRead | None = None

    def _case_and_probes_statement(self):
        case_id = bindparam("case_id")
        columns = list(CitizenCase.__table__.columns)  # the case comes along: one statement, not two
        for index, panel in enumerate(self.panels):
            columns += [probe(case_id).label(f"p{index}_{name}") for name, probe in panel.probes.items()]
        return select(*columns).where(CitizenCase.id == case_id)

    def case_with_probes(self, db: Session, case_id: int):
        """The case (a record with CitizenCase's attributes) and every panel's probe values, one dict
        per panel, in one statement; None if there is no such case.

        A PreparedRead: for a select of a dozen subqueries, SQLAlchemy's work per execution (above all
        the walk over the statement for its cache key) took 30 µs, five times SQLite's answer."""
        if self._statement is None:
            self._statement = PreparedRead(self._case_and_probes_statement(), CitizenCase.__table__, "probes")
        found = self._statement.first(db, case_id=case_id)
        if found is None:
            return None
        case, probes = found
        values = iter(probes)  # in the order the statement put them
        return case, [{name: next(values) for name in panel.probes} for panel in self.panels]

    def build(self, db: Session, case_id: int, now: datetime):
        """The signed-in citizen's case and the panels Min side shows for it."""
        loaded = self.case_with_probes(db, case_id)
        if loaded is None:  # the session row's foreign key makes this a broken database, not a user error
            raise LookupError("signed-in session without its case")
        case, found = loaded
        panels = [p for panel, values in zip(self.panels, found)
                  if (p := panel.fn(db, case, now, values)) is not None]
        return case, sorted(panels, key=lambda p: p.order)


# The staff side's case page (/personale/sager/{case_id}): same idea, staff templates.
def build_staff_panels(db: Session, case: CitizenCase, now: datetime, panel_fns: Sequence[PanelFn]) -> list[Panel]:
    panels = [p for fn in panel_fns if (p := fn(db, case, now)) is not None]
    return sorted(panels, key=lambda p: p.order)
