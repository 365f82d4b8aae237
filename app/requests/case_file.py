"""The requests and the message thread as sections of the case file sent to Ankestyrelsen."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.cases.models import CitizenCase
from app.complaints.case_file import CaseFileSection
from app.complaints.models import Complaint
from app.core.i18n import N_
from app.messages import service as messages
from app.requests import service


def requests_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection | None:
    rows = service.requests_for_case(db, case.id)
    if not rows:
        return None
    return CaseFileSection(N_("Henvendelser"), "staff/requests/_case_file_requests.html", {
        "requests": rows,
    }, order=30)


def messages_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection | None:
    thread = messages.thread(db, case.id)
    if not thread:
        return None
    return CaseFileSection(N_("Beskeder mellem borger og center"), "staff/requests/_case_file_messages.html",
                           {"messages": thread, "pseudonym": case.pseudonym}, order=50)
