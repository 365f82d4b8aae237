"""Right of access (GDPR art. 15): everything the portal holds about one case, as readable sections.

Each domain adds what it stores with register_export_section(fn); fn(db, case, now) returns an
ExportSection or None. The personal code is never part of it: it is not stored in clear, and its
selector and hash are not information about the citizen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.cases.models import CitizenCase
from app.core.i18n import N_


@dataclass
class ExportSection:
    title: str  # a msgid
    # (label msgid, value) pairs; a value may be a datetime (shown with date and time), bool or text.
    rows: list[tuple[str, Any]] = field(default_factory=list)
    # Optional: a list of records, each a list of (label, value) pairs (e.g. one per appointment).
    records: list[list[tuple[str, Any]]] = field(default_factory=list)
    empty_text: str = N_("Ingen oplysninger.")
    order: int = 100


SectionFn = Callable[[Session, CitizenCase, datetime], ExportSection | None]


def build_export(db: Session, case: CitizenCase, now: datetime, section_fns: Sequence[SectionFn]) -> list[ExportSection]:
    sections = [s for fn in section_fns if (s := fn(db, case, now)) is not None]
    return sorted(sections, key=lambda s: s.order)


def case_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection:
    """The case itself: what identifies it and what the citizen told us about themselves."""
    rows: list[tuple[str, Any]] = [
        (N_("Sagens kaldenavn (det ser medarbejderne)"), case.pseudonym),
        (N_("Oprettet"), case.created_at),
        (N_("Anonym"), case.anonymous),
        (N_("Pårørende"), case.is_relative),
        (N_("Din kode blev udstedt"), case.code_issued_at),
    ]
    for label, value in ((N_("Navn eller kaldenavn"), case.display_name), (N_("Fulde navn"), case.full_name),
                         (N_("Telefon"), case.phone), (N_("E-mail"), case.email)):
        if value:
            rows.append((label, value))
    return ExportSection(N_("Din sag"), rows=rows, order=0)
