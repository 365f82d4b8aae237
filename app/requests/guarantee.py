"""The 14-day treatment guarantee (SEL § 101 stk. 4, SUL § 141 stk. 2, SUL § 142): pure arithmetic.

Measured as days from the request date to the actual start date, both as calendar dates in
Copenhagen. Not applicable to anonymous drug treatment under SEL § 101 a; waived by free choice.
"""

from __future__ import annotations

from datetime import date, datetime

from app.core.clock import local_date
from app.core.deadlines import guarantee_deadline
from app.core.i18n import N_
from app.core.labels import LabelledEnum


class GuaranteeState(LabelledEnum):
    running = "running", N_("Fristen løber")  # no start yet, deadline not passed
    met = "met", N_("Overholdt")  # started (or first appointment booked) on or before the deadline
    breached = "breached", N_("Ikke overholdt")  # started after the deadline, or the deadline passed without a start
    waived = "waived", N_("Frit valg – fristen gælder ikke")  # free choice (frit valg) of another provider
    not_applicable = "not_applicable", N_("Gælder ikke (anonym stofbehandling, § 101 a)")
    # a relative asks for counselling for themselves: no treatment to start
    relative = "relative", N_("Gælder ikke (rådgivning til pårørende)")


def guarantee_state(
    *, received_at: datetime, start: date | None, today: date, not_applicable: bool = False, waived: bool = False,
    for_relative: bool = False,
) -> GuaranteeState:
    """Where the guarantee stands for one request. `start` is the actual (or booked) start date.
    Each reason the guarantee does not apply is its own state, so staff see the honest one."""
    if for_relative:
        return GuaranteeState.relative
    if not_applicable:
        return GuaranteeState.not_applicable
    if waived:
        return GuaranteeState.waived
    deadline = guarantee_deadline(received_at)
    if start is not None:
        return GuaranteeState.met if start <= deadline else GuaranteeState.breached
    return GuaranteeState.running if today <= deadline else GuaranteeState.breached


def days_waited(received_at: datetime, start: date) -> int:
    """Days from request date to start date, the measure reported for the guarantee."""
    return (start - local_date(received_at)).days


def days_left(deadline: date, today: date) -> int:
    """Negative when the deadline has passed."""
    return (deadline - today).days
