"""Complaints: filing (by the citizen on Min side, or registered by staff), re-assessment, forwarding
to Ankestyrelsen and Ankestyrelsen's outcome.

The state machine, enforced here and nowhere else:

    received --reassess--> changed                       (closed: a new decision replaces the old)
    received --reassess--> upheld --forward--> forwarded --outcome--> resolved (closed)
                             \\-- closed at once when it cannot be forwarded (SEL § 101 a)

Every move is an atomic conditional UPDATE ... WHERE status = <expected>, so two members of staff
clicking at once cannot both move the same complaint, and no state can be skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core import deadlines
from app.core.clock import local_date
from app.complaints.models import Complaint, ComplaintChannel, ComplaintOutcome, ComplaintStatus
from app.core.errors import NotFound
from app.core.i18n import N_
from app.decisions import flows as decision_flows
from app.decisions import service as decisions
from app.decisions.models import Decision, LegalBasis

RECEIVED = ComplaintStatus.received.value
CHANGED = ComplaintStatus.changed.value
UPHELD = ComplaintStatus.upheld.value
FORWARDED = ComplaintStatus.forwarded.value
RESOLVED = ComplaintStatus.resolved.value

TRANSITIONS = frozenset({
    (RECEIVED, CHANGED),
    (RECEIVED, UPHELD),
    (UPHELD, FORWARDED),
    (FORWARDED, RESOLVED),
})

STAFF_CHANNELS = (ComplaintChannel.phone.value, ComplaintChannel.letter.value, ComplaintChannel.in_person.value)

SUBJECT_PLAN = "plan"
TEXT_MAX = decisions.TEXT_MAX


class ComplaintError(Exception):
    """Invalid input; `errors` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(errors))
        self.errors = errors


class TransitionNotAllowed(Exception):
    """The complaint is not in a state that allows this step."""

    def __init__(self, current: str, wanted: str, reason: str | None = None):
        super().__init__(f"{current} -> {wanted}")
        self.current = current
        self.wanted = wanted
        self.reason = reason or N_("Klagen er ikke på et trin, hvor det kan lade sig gøre. Siden er opdateret.")


class ForwardingNotAllowed(TransitionNotAllowed):
    """This complaint may not go to Ankestyrelsen (changed, SEL § 101 a, or health law)."""


@dataclass(frozen=True)
class SubjectOption:
    value: str
    decision: Decision | None
    deadline: date | None


def decision_subject(decision_id: int) -> str:
    return f"decision:{decision_id}"


def complaint_options(db: Session, case_id: int) -> list[SubjectOption]:
    """What this case's citizen can complain about here: decisions in force under Serviceloven, and the plan.
    Health-law decisions are left out: those complaints go to Styrelsen for Patientklager."""
    options = [
        SubjectOption(decision_subject(d.id), d, decisions.complaint_deadline(d))
        for d in decisions.active_decisions(db, case_id)
        if decisions.complaint_route(d.legal_basis) != decisions.ROUTE_PATIENTKLAGER
    ]
    options.append(SubjectOption(SUBJECT_PLAN, None, None))
    return options


def patientklager_decisions(db: Session, case_id: int) -> list[Decision]:
    return [d for d in decisions.active_decisions(db, case_id)
            if decisions.complaint_route(d.legal_basis) == decisions.ROUTE_PATIENTKLAGER]


def _resolve_subject(db: Session, case_id: int, subject: str) -> Decision | None:
    """The decision a subject names, only among this case's own complaintable decisions."""
    if subject == SUBJECT_PLAN:
        return None
    for option in complaint_options(db, case_id):
        if option.value == subject:
            return option.decision
    raise ComplaintError({"subject": N_("Vælg en af dine egne afgørelser eller din behandlingsplan.")})


def file_complaint(
    db: Session, *, case: CitizenCase, subject: str, text: str, now: datetime, channel: str = "portal",
    staff=None, received_at: datetime | None = None,
) -> Complaint:
    """Receive a complaint. A late one is accepted and marked late for staff to judge."""
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise ComplaintError({"text": N_("Teksten er for lang (højst 4000 tegn).")})
    if channel not in {c.value for c in ComplaintChannel}:
        raise ComplaintError({"channel": N_("Vælg hvordan klagen kom ind.")})
    received_at = received_at or now
    if received_at > now:
        raise ComplaintError({"received_on": N_("Datoen kan ikke ligge i fremtiden.")})
    decision = _resolve_subject(db, case.id, subject)
    complaint = Complaint(
        case_id=case.id, subject=subject, decision_id=decision.id if decision else None, text=text,
        channel=channel, registered_by_id=staff.id if staff is not None else None, received_at=received_at,
        deadline=decisions.complaint_deadline(decision) if decision else None,
        late=decisions.is_late(decision, received_at), status=RECEIVED,
    )
    try:
        with db.begin_nested():
            db.add(complaint)
            db.flush()
    except IntegrityError:
        # The partial unique index: there is already an open complaint about this.
        raise ComplaintError({"subject": N_("Du har allerede en klage over det, som vi er ved at behandle.")}) from None
    return complaint


def forwarding_deadline(complaint: Complaint) -> date:
    """Ankestyrelsen must have the complaint and the case file within 4 weeks of its arrival."""
    return deadlines.forwarding_deadline(complaint.received_at)


def forwarding_block(db: Session, complaint: Complaint) -> str | None:
    """Why this complaint may never go to Ankestyrelsen, or None if it may (once upheld)."""
    if complaint.decision_id is not None:
        decision = db.get(Decision, complaint.decision_id)
        route = decisions.complaint_route(decision.legal_basis)
        if route == decisions.ROUTE_NO_APPEAL:
            return N_("Afgørelser efter serviceloven § 101 a kan ikke indbringes for Ankestyrelsen.")
        if route == decisions.ROUTE_PATIENTKLAGER:
            return N_("Klager efter sundhedsloven behandles af Styrelsen for Patientklager.")
        if decision.replaced_at is not None:
            return N_("Afgørelsen er ændret og kan derfor ikke sendes til Ankestyrelsen.")
        return None
    # The plan of a § 101 a course cannot be appealed either.
    if any(d.legal_basis == LegalBasis.sel_101a.value for d in decisions.active_decisions(db, complaint.case_id)):
        return N_("Afgørelser efter serviceloven § 101 a kan ikke indbringes for Ankestyrelsen.")
    return None


def _move(db: Session, complaint: Complaint, to: str, **values) -> None:
    """The one place a complaint changes state: allowed edge, and an atomic check of the current state."""
    current = complaint.status
    if (current, to) not in TRANSITIONS:
        raise TransitionNotAllowed(current, to)
    result = db.execute(update(Complaint).where(Complaint.id == complaint.id, Complaint.status == current)
                        .values(status=to, **values))
    if not result.rowcount:
        raise TransitionNotAllowed(current, to)  # somebody else moved it first
    db.refresh(complaint)


def reassess_complaint(
    db: Session, *, complaint: Complaint, staff, changed: bool | None, reassessment: str, centre,
    now: datetime, new_decision: decisions.DecisionInput | None = None,
) -> Complaint:
    """Record the re-assessment. Changed: a new decision replaces the old one (both kept).
    Upheld: the complaint waits to be forwarded, or is closed when it cannot be."""
    if complaint.status != RECEIVED:
        raise TransitionNotAllowed(complaint.status, CHANGED if changed else UPHELD)
    errors: dict[str, str] = {}
    if changed is None:
        errors["changed"] = N_("Vælg om afgørelsen ændres eller fastholdes.")
    reassessment = (reassessment or "").strip()
    if not reassessment:
        errors["reassessment"] = N_("Skriv resultatet af genvurderingen.")
    elif len(reassessment) > TEXT_MAX:
        errors["reassessment"] = N_("Teksten er for lang (højst 4000 tegn).")
    old = db.get(Decision, complaint.decision_id) if complaint.decision_id else None
    case = db.get(CitizenCase, complaint.case_id)
    if changed and old is not None:
        errors.update(decisions.validate_decision(case, new_decision or decisions.DecisionInput()))
    if errors:
        raise ComplaintError(errors)
    # Nothing half-done: the state change and the new decision stand or fall together.
    with db.begin_nested():
        new = None
        if changed and old is not None:
            # The new decision goes out like any other: on Min side, and by Digital Post when verified.
            new, _ = decision_flows.decide(db, case=case, staff=staff, data=new_decision, centre=centre, now=now,
                                           replaces=old)
        closes = changed or forwarding_block(db, complaint) is not None
        _move(db, complaint, CHANGED if changed else UPHELD, reassessed_at=now, reassessed_by_id=staff.id,
              reassessment=reassessment, new_decision_id=new.id if new else None,
              closed_at=now if closes else None)
    return complaint


def forward_complaint(db: Session, *, complaint: Complaint, staff, now: datetime) -> Complaint:
    """Record that the complaint and the case file were sent to Ankestyrelsen today."""
    if complaint.status == UPHELD:
        block = forwarding_block(db, complaint)
        if block:
            raise ForwardingNotAllowed(complaint.status, FORWARDED, block)
    _move(db, complaint, FORWARDED, forwarded_at=now, forwarded_by_id=staff.id)
    return complaint


def record_outcome(db: Session, *, complaint: Complaint, staff, outcome: str, text: str, now: datetime) -> Complaint:
    """Enter Ankestyrelsen's decision on a forwarded complaint; this closes it."""
    errors = {}
    if outcome not in {o.value for o in ComplaintOutcome}:
        errors["outcome"] = N_("Vælg Ankestyrelsens afgørelse.")
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        errors["outcome_text"] = N_("Teksten er for lang (højst 4000 tegn).")
    if errors:
        raise ComplaintError(errors)
    _move(db, complaint, RESOLVED, outcome=outcome, outcome_text=text, outcome_at=now, closed_at=now)
    return complaint


def get_complaint(db: Session, complaint_id: int) -> Complaint:
    complaint = db.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound()
    return complaint


def get_case_complaint(db: Session, *, case_id: int, complaint_id: int) -> Complaint:
    """A citizen's complaint only through their own case."""
    complaint = db.exec(select(Complaint).where(Complaint.id == complaint_id, Complaint.case_id == case_id)).first()
    if complaint is None:
        raise NotFound()
    return complaint


def complaints_for_case(db: Session, case_id: int) -> list[Complaint]:
    return list(db.exec(select(Complaint).where(Complaint.case_id == case_id)
                        .order_by(Complaint.received_at.desc(), Complaint.id.desc())))


@dataclass(frozen=True)
class ComplaintRow:
    complaint: Complaint
    case: CitizenCase
    decision: Decision | None
    days_waiting: int
    forwarding_deadline: date | None


def _row(db: Session, complaint: Complaint, case: CitizenCase, today: date) -> ComplaintRow:
    decision = db.get(Decision, complaint.decision_id) if complaint.decision_id else None
    may_forward = complaint.closed_at is None and forwarding_block(db, complaint) is None
    return ComplaintRow(complaint, case, decision,
                        (today - local_date(complaint.received_at)).days,
                        forwarding_deadline(complaint) if may_forward else None)


def open_complaints(db: Session, *, now: datetime) -> list[ComplaintRow]:
    """Open complaints, the one that has waited longest first."""
    today = local_date(now)
    rows = db.exec(select(Complaint, CitizenCase).join(CitizenCase, CitizenCase.id == Complaint.case_id)
                   .where(Complaint.closed_at.is_(None)).order_by(Complaint.received_at, Complaint.id))
    return [_row(db, c, case, today) for c, case in rows]


def recently_closed(db: Session, *, now: datetime, limit: int = 20) -> list[ComplaintRow]:
    today = local_date(now)
    rows = db.exec(select(Complaint, CitizenCase).join(CitizenCase, CitizenCase.id == Complaint.case_id)
                   .where(Complaint.closed_at.is_not(None)).order_by(Complaint.closed_at.desc()).limit(limit))
    return [_row(db, c, case, today) for c, case in rows]


def cases_with_open_complaints(db: Session, now: datetime) -> set[int]:
    """A case is kept while a complaint about it is open (the case file may be needed by Ankestyrelsen)."""
    return set(db.exec(select(Complaint.case_id).where(Complaint.closed_at.is_(None))).all())
