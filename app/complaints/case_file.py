"""The case file (sagens akter) sent to Ankestyrelsen with an upheld complaint.

Assembled from sections that domains register, so the plans and messages domains can add their
documents without this module knowing them:

    from app.complaints.case_file import CaseFileSection, register_case_file_section

    @register_case_file_section
    def plan_section(db, case, complaint, now):
        return CaseFileSection(N_("Behandlingsplan"), "staff/plans/_case_file.html", {...}, order=40)

A section function gets exactly one case (the complaint's) and must only read that case's rows.
"""

from __future__ import annotations

from collections.abc import Callable
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
_SECTIONS: list[SectionFn] = []


def register_case_file_section(fn: SectionFn) -> SectionFn:
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)
    return fn


def build_case_file(db: Session, complaint: Complaint, now: datetime) -> list[CaseFileSection]:
    case = db.get(CitizenCase, complaint.case_id)
    sections = [s for fn in _SECTIONS if (s := fn(db, case, complaint, now)) is not None]
    return sorted(sections, key=lambda s: s.order)


@register_case_file_section
def complaint_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection:
    return CaseFileSection(N_("Klagen og genvurderingen"), "staff/complaints/_file_complaint.html",
                           {"complaint": complaint}, order=10)


@register_case_file_section
def decisions_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection:
    """Every decision on the case, oldest first, the one complained about marked."""
    return CaseFileSection(N_("Afgørelser i sagen"), "staff/complaints/_file_decisions.html", {
        "decisions": list(reversed(decisions.decisions_for_case(db, case.id))),
        "complained_id": complaint.decision_id, "new_id": complaint.new_decision_id,
    }, order=20)
