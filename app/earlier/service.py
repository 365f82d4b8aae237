"""Earlier first appointments: which requests want one, which first-appointment times are free, who is
suggested for a freed time, and giving it.

The rule: a freed time goes first to the marked request closest to missing its 14-day deadline
(`deadline_on`, earliest first; requests without a guarantee – anonymous § 101 a drug treatment, free
choice – after those with one, oldest first), among those whose present first appointment is later than
the freed time or who have none yet. A time is given once (the unique freed_appointment_id).

Why a suggestion to staff and not an offer to the citizen: a first appointment is one counsellor's hour;
the counsellor checks that the case fits (substance, medical need, their caseload) and usually rings the
citizen, many of whom are anonymous and see only Min side. So the page shows the freed time with the
case that should have it, and one action moves that case's first appointment there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.appointments.models import Appointment, Attendance
from app.cases.models import CitizenCase
from app.core.clock import local_date
from app.core.errors import NotFound
from app.earlier.models import EarlierSlotGiven, EarlierStartWish
from app.requests import service as requests
from app.requests.models import RequestStatus, TreatmentRequest

WAITING = (RequestStatus.received.value, RequestStatus.visitation.value, RequestStatus.offered.value)
CANCELLED = (Attendance.cancelled_in_time.value, Attendance.cancelled_by_centre.value)
NOTICE = timedelta(hours=2)  # a time that starts sooner than this cannot be given to someone else


class EarlierError(Exception):
    """`reason`: not_waiting | not_free | taken | not_marked | no_later"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check_waiting(req: TreatmentRequest) -> None:
    if req.status not in WAITING or req.started_on is not None:
        raise EarlierError("not_waiting")


def mark_wish(db: Session, *, case_id: int, request_id: int, wants: bool, staff_id: int | None,
              now: datetime) -> bool:
    """Mark or unmark a request. Returns whether it is marked afterwards."""
    req = requests.get_request(db, case_id=case_id, request_id=request_id)
    existing = db.exec(select(EarlierStartWish).where(EarlierStartWish.request_id == req.id)).first()
    if not wants:
        if existing is not None:
            db.delete(existing)
            db.flush()
        return False
    _check_waiting(req)
    if existing is None:
        try:
            with db.begin_nested():
                db.add(EarlierStartWish(request_id=req.id, case_id=case_id, marked_by=staff_id, marked_at=now))
                db.flush()
        except IntegrityError:
            pass  # marked at the same moment by a colleague: it is marked
    return True


def wishes_of_case(db: Session, case_id: int) -> set[int]:
    return set(db.exec(select(EarlierStartWish.request_id).where(EarlierStartWish.case_id == case_id)).all())


def _first_appointment(db: Session, req: TreatmentRequest) -> Appointment | None:
    return db.exec(select(Appointment).where(
        Appointment.case_id == req.case_id, Appointment.starts_treatment.is_(True),
        Appointment.attendance == Attendance.planned.value, Appointment.starts_at >= req.received_at)
        .order_by(Appointment.starts_at).limit(1)).first()


@dataclass(frozen=True)
class Candidate:
    request: TreatmentRequest
    case: CitizenCase
    current: Appointment | None  # the present first appointment, if any

    def days_gained(self, slot: Appointment) -> int | None:
        if self.current is None:
            return None
        return (local_date(self.current.starts_at) - local_date(slot.starts_at)).days


def candidates(db: Session, *, before: datetime | None = None) -> list[Candidate]:
    """Marked requests still waiting, closest to their deadline first; with `before`, only those who
    would gain from a time then (present first appointment later, or none)."""
    rows = db.exec(select(TreatmentRequest, CitizenCase)
                   .join(EarlierStartWish, EarlierStartWish.request_id == TreatmentRequest.id)
                   .join(CitizenCase, CitizenCase.id == TreatmentRequest.case_id)
                   .where(TreatmentRequest.status.in_(WAITING), TreatmentRequest.started_on.is_(None))
                   .order_by(TreatmentRequest.deadline_on.is_(None), TreatmentRequest.deadline_on,
                             TreatmentRequest.received_at, TreatmentRequest.id)).all()
    out = []
    for req, case in rows:
        current = _first_appointment(db, req)
        if before is not None and current is not None and current.starts_at <= before:
            continue
        out.append(Candidate(req, case, current))
    return out


@dataclass(frozen=True)
class FreedSlot:
    slot: Appointment
    suggested: Candidate | None
    others: list[Candidate]


def freed_slots(db: Session, *, now: datetime) -> list[FreedSlot]:
    """Cancelled first appointments still ahead and not given away, each with the suggested request."""
    given = select(EarlierSlotGiven.freed_appointment_id)
    slots = db.exec(select(Appointment).where(
        Appointment.starts_treatment.is_(True), Appointment.attendance.in_(CANCELLED),
        Appointment.starts_at > now + NOTICE, Appointment.id.not_in(given)).order_by(Appointment.starts_at)).all()
    out = []
    for slot in slots:
        found = [c for c in candidates(db, before=slot.starts_at) if c.case.id != slot.case_id]
        out.append(FreedSlot(slot, found[0] if found else None, found[1:]))
    return out


def _freed(db: Session, appointment_id: int, now: datetime) -> Appointment:
    slot = db.get(Appointment, appointment_id)
    if slot is None:
        raise NotFound()
    if not slot.starts_treatment or slot.attendance not in CANCELLED or slot.starts_at <= now + NOTICE:
        raise EarlierError("not_free")
    if db.exec(select(EarlierSlotGiven.id).where(EarlierSlotGiven.freed_appointment_id == slot.id)).first():
        raise EarlierError("taken")
    return slot


def give_slot(db: Session, *, appointment_id: int, request_id: int, staff_id: int | None,
              now: datetime) -> EarlierSlotGiven:
    """Give a freed first-appointment time to a marked request: its present first appointment moves
    there (the calendar event is kept), or one is booked there. Once per freed time."""
    slot = _freed(db, appointment_id, now)
    req = db.get(TreatmentRequest, request_id)
    if req is None:
        raise NotFound()
    if db.exec(select(EarlierStartWish.id).where(EarlierStartWish.request_id == req.id)).first() is None:
        raise EarlierError("not_marked")
    _check_waiting(req)
    current = _first_appointment(db, req)
    if current is not None and current.starts_at <= slot.starts_at:
        raise EarlierError("no_later")
    candidate = Candidate(req, db.get(CitizenCase, req.case_id), current)
    record = EarlierSlotGiven(freed_appointment_id=slot.id, request_id=req.id, case_id=req.case_id, given_by=staff_id,
                              given_at=now, days_gained=candidate.days_gained(slot))
    try:
        with db.begin_nested():
            db.add(record)
            db.flush()  # the unique freed_appointment_id: given once, whoever clicks first
            if current is not None:
                current.starts_at = slot.starts_at
                current.staff_id = slot.staff_id
                current.duration_minutes = slot.duration_minutes
                current.location = slot.location
                db.add(current)
                moved = current
            else:
                moved = Appointment(case_id=req.case_id, staff_id=slot.staff_id, kind=slot.kind,
                                    starts_at=slot.starts_at, duration_minutes=slot.duration_minutes,
                                    location=slot.location, video_url=slot.video_url, starts_treatment=True,
                                    created_at=now)
                db.add(moved)
            db.flush()
            record.appointment_id = moved.id
            wish = db.exec(select(EarlierStartWish).where(EarlierStartWish.request_id == req.id)).one()
            db.delete(wish)  # fulfilled
            db.flush()
    except IntegrityError:
        raise EarlierError("taken") from None
    return record


@dataclass(frozen=True)
class EarlierFigures:
    given: int
    days_gained: float | None


def earlier_figures(db: Session, *, start: datetime, end: datetime) -> EarlierFigures:
    given = db.exec(select(func.count()).select_from(EarlierSlotGiven).where(
        EarlierSlotGiven.given_at >= start, EarlierSlotGiven.given_at < end)).one()
    mean = db.exec(select(func.avg(EarlierSlotGiven.days_gained)).where(
        EarlierSlotGiven.given_at >= start, EarlierSlotGiven.given_at < end,
        EarlierSlotGiven.days_gained.is_not(None))).one()
    return EarlierFigures(given, None if mean is None else round(float(mean), 1))


def days_left(req: TreatmentRequest, *, now: datetime) -> int | None:
    return None if req.deadline_on is None else (req.deadline_on - local_date(now)).days
