"""The requests' read for Min side, the staff case page, the exports and the case file: built and
compiled once (Min side runs it on every view), returning frozen records (app.core.prepared).
A field a panel needs from another table is a join here and a field on RequestRecord."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from app.core.prepared import PreparedRead
from app.requests.models import TreatmentRequest
from app.staff.models import StaffUser


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A treatment_request row, read only, with the primary counsellor's first name (citizens see no
    more of a member of staff than that)."""

    tenant_id: int  # the municipality (app.core.tenancy); every model column, in order
    id: int
    case_id: int
    area: str
    for_relative: bool
    anonymous: bool
    section_101a: bool
    other_social_problems: str | None
    help_wanted: str
    preferred_contact: str
    cpr: str | None
    cpr_verified_by: str | None
    message: str
    screening_kind: str | None
    screening_score: int | None
    status: str
    received_at: datetime
    deadline_on: date | None
    counsellor_id: int | None
    started_on: date | None
    free_choice_at: datetime | None
    free_choice_by: str | None
    delay_reason: str | None
    delay_new_date: date | None
    delay_notified_at: datetime | None
    updated_at: datetime
    source_tag: str | None
    counsellor_first_name: str | None  # None: no counsellor assigned


_REQUESTS_OF_CASE = PreparedRead(
    select(TreatmentRequest.__table__, StaffUser.first_name.label("counsellor_first_name"))
    .outerjoin(StaffUser.__table__, StaffUser.id == TreatmentRequest.counsellor_id)
    .where(TreatmentRequest.case_id == bindparam("case_id"))
    .order_by(TreatmentRequest.received_at.desc(), TreatmentRequest.id.desc()),
    RequestRecord)


def requests_of_case(db: Session, case_id: int) -> list[RequestRecord]:
    """The case's requests, newest first."""
    return _REQUESTS_OF_CASE.all(db, case_id=case_id)
