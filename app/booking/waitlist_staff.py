"""Staff side of the waiting list: a session's number of places (more places go to the list first).
The list itself and the offers out are shown on the session page (booking/staff.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from app.booking import waitlist
from app.booking.staff import _session_page
from app.core.deps import DB, Now
from app.core.i18n import N_
from app.core.input_guard import form_number
from app.core.web import see_other
from app.staff.deps import Leader
from app.staff.session import staff_session

router = APIRouter(prefix="/personale/raadgivning", dependencies=[Depends(staff_session)])

CAPACITY = {
    "capacity": N_("Antal pladser skal være mellem 1 og 100."),
    "capacity_below": N_("Der er taget flere pladser end det. Skriv mindst det antal, der er taget."),
}


@router.post("/tider/{session_id}/pladser")
def change_capacity(request: Request, db: DB, now: Now, user: Leader, session_id: int,
                    capacity: Annotated[str, Form(max_length=20)] = ""):
    waitlist.get_session(db, session_id)
    number = form_number(capacity)
    try:
        if number is None:
            raise waitlist.WaitlistError("capacity")
        offers = waitlist.change_capacity(db, session_id=session_id, capacity=number, now=now)
    except waitlist.WaitlistError as err:
        return _session_page(request, db, now, user, session_id, status=422, form={"capacity": capacity},
                             errors={"capacity": CAPACITY.get(err.reason, CAPACITY["capacity"])})
    return see_other(f"/personale/raadgivning/tider/{session_id}",
                     flash=N_("Antal pladser er gemt. Nye pladser er tilbudt dem på ventelisten.") if offers
                     else N_("Antal pladser er gemt."))
