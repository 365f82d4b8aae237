"""What a domain's panel is: the piece of Min side or of the staff's case page it contributes.

Here, not in cases/, so a domain that the case page itself uses (the access log) can declare panels
without an import cycle; app/cases/panels.py assembles them (probes, order)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from app.core.db import count_of


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    # Run once the staff case page has been shown (not on a re-render with errors): the thread's
    # messages count as read only after a member of staff has seen them marked "Ny".
    seen: Callable[[], None] | None = None


# case id parameter -> a scalar SQL expression about that case (usually made by rows_of_case)
Probe = Callable[[ColumnElement], ColumnElement]


def rows_of_case(model, *where) -> Probe:
    """The usual probe: how many rows of `model` belong to the case (and match `where`)."""
    return lambda case_id: count_of(model, model.case_id == case_id, *where)
