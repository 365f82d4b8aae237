"""The message thread as a section of the case file sent to Ankestyrelsen."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.cases.models import CitizenCase
from app.complaints.case_file import CaseFileSection
from app.complaints.models import Complaint
from app.core.i18n import N_
from app.messages import service


def messages_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection | None:
    thread = service.thread(db, case.id)
    if not thread:
        return None
    return CaseFileSection(N_("Beskeder mellem borger og center"), "staff/messages/_case_file.html",
                           {"messages": thread, "pseudonym": case.pseudonym}, order=50)
