"""The requests as a section of the case file sent to Ankestyrelsen."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.cases.models import CitizenCase
from app.complaints.case_file import CaseFileSection
from app.complaints.models import Complaint
from app.core.i18n import N_
from app.requests import queries


def requests_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection | None:
    rows = queries.requests_of_case(db, case.id)
    if not rows:
        return None
    return CaseFileSection(N_("Henvendelser"), "staff/requests/_case_file_requests.html", {
        "requests": rows,
    }, order=30)
