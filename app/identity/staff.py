"""The back-office's part: undo a case's MitID link. A citizen cannot make a verified case anonymous
again alone (the consent screen says so); a counsellor can, after talking to them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from app.audit.service import record_access
from app.cases import service as cases
from app.core.deps import DB, Now
from app.core.i18n import N_
from app.core.web import see_other
from app.identity import flows
from app.staff.deps import Counsellor
from app.staff.session import staff_session

router = APIRouter(prefix="/personale", dependencies=[Depends(staff_session)])


@router.post("/sager/{case_id}/mitid/fjern")
def remove_mitid_link(request: Request, db: DB, now: Now, user: Counsellor, case_id: int):
    case = cases.get_case(db, case_id)
    if flows.detach_case(db, case, now=now):
        record_access(db, staff=user, case_id=case.id, action="mitid_detach", now=now)
    return see_other(f"/personale/sager/{case.id}", flash=N_("Sagen er ikke længere knyttet til MitID."))
