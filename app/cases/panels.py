"""Min side, and the staff's case page, are assembled from panels that each domain registers
(bookings, requests, plans, decisions...).

A panel is a function (db, case, now) -> Panel | None, so the cases module needs no knowledge
of the domains that hang off a case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.cases.models import CitizenCase


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFn = Callable[[Session, CitizenCase, datetime], Panel | None]
_PANELS: list[PanelFn] = []


def min_side_panel(fn: PanelFn) -> PanelFn:
    _PANELS.append(fn)
    return fn


def build_panels(db: Session, case: CitizenCase, now: datetime) -> list[Panel]:
    panels = [p for fn in _PANELS if (p := fn(db, case, now)) is not None]
    return sorted(panels, key=lambda p: p.order)


# The staff side's case page (/personale/sager/{case_id}): same idea, staff templates.
_STAFF_PANELS: list[PanelFn] = []


def staff_case_panel(fn: PanelFn) -> PanelFn:
    _STAFF_PANELS.append(fn)
    return fn


def build_staff_panels(db: Session, case: CitizenCase, now: datetime) -> list[Panel]:
    panels = [p for fn in _STAFF_PANELS if (p := fn(db, case, now)) is not None]
    return sorted(panels, key=lambda p: p.order)
