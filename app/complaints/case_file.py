"""The case file (sagens akter) sent to Ankestyrelsen with an upheld complaint.

Assembled from the sections domains declare (`case_file_sections` in their domain.py), so the plans
and messages domains can add their documents without this module knowing them:

    def plan_section(db, case, complaint, now):
        return CaseFileSection(N_("Behandlingsplan"), "staff/plans/_case_file.html", {...}, order=40)

A section function gets exactly one case (the complaint's) and must only read that case's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.cases.models import CitizenCase
from app.complaints.models import Complaint
from app.core.i18n import N_
from app.decisions import service as decisions


@dataclass
class CaseFileSection:
    title: str  # an N_() string, translated when shown
    template: str  # rendered with `s` = context
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


SectionFn = Callable[[Session, CitizenCase, Complaint, datetime], CaseFileSection | None]


def build_case_file(db: Session, complaint: Complaint, now: datetime,
                    section_fns: Sequence[SectionFn]) -> list[CaseFileSection]:
    case = db.get(CitizenCase, complaint.case_id)
    sections = [s for fn in section_fns if (s := fn(db, case, complaint, now)) is not None]
    return sorted(sections, key=lambda s: s.order)


def complaint_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection:
    return CaseFileSection(N_("Klagen og genvurderingen"), "staff/complaints/_file_complaint.html",
                           {"complaint": complaint}, order=10)


def decisions_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection:
    """Every decision on the case, oldest first, the one complained about marked."""
    return CaseFileSection(N_("Afgørelser i sagen"), "staff/complaints/_file_decisions.html", {
        "decisions": list(reversed(decisions.decisions_for_case(db, case.id))),
        "complained_id": complaint.decision_id, "new_id": complaint.new_decision_id,
    }, order=20)
