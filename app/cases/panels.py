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

from sqlmodel import Session

from app.cases import queries
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
        self._read: PreparedRead | None = None

    def case_with_probes(self, db: Session, case_id: int):
        """The case (a CaseRecord) and every panel's probe values, one dict per panel, in one
        statement; None if there is no such case."""
        if self._read is None:
            self._read = queries.case_and_probes([(f"p{index}_{name}", probe) for index, panel in enumerate(self.panels)
                                                  for name, probe in panel.probes.items()])
        found = self._read.first(db, case_id=case_id)
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
