"""Treatment requests: intake, status, the guarantee, deadline letters, free choice, deletion."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func
from sqlalchemy import update as sql_update
from sqlmodel import Session, SQLModel, select

from app.appointments.models import Appointment, Attendance
from app.cases.models import CitizenCase
from app.core.clock import local_date
from app.core.db import read_rows
from app.core.i18n import N_, Msg
from app.core.sessions import end_case_sessions
from app.requests.guarantee import GuaranteeState, days_left, guarantee_deadline, guarantee_state
from app.requests.models import Area, RequestStatus, TreatmentRequest
from app.staff.models import Role, StaffUser


class RequestNotFound(Exception):
    """No such request on this case."""


class RequestError(ValueError):
    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Intake:
    """A validated request from /behandling (see forms.py)."""

    area: str
    for_relative: bool
    anonymous: bool
    other_social_problems: str | None = None
    help_wanted: tuple[str, ...] = ()
    preferred_contact: str = "portal"
    display_name: str | None = None
    full_name: str | None = None
    phone: str | None = None
    email: str | None = None
    cpr: str | None = None
    message: str = ""
    screening_kind: str | None = None
    screening_score: int | None = None

    @property
    def section_101a(self) -> bool:
        """Anonymous outpatient drug treatment (SEL § 101 a) is for people with no other social problems."""
        return (self.anonymous and not self.for_relative and self.area == Area.drugs.value
                and self.other_social_problems == "no")


def guarantee_applies(req: TreatmentRequest) -> bool:
    # § 101 a anonymous drug treatment has no guarantee; relatives ask for counselling for themselves.
    return not (req.section_101a or req.for_relative)


def source_tag(client_key: str, now: datetime) -> str:
    """The connection a request came from, for this (local) day only."""
    return hashlib.sha256(f"request:{local_date(now).isoformat()}:{client_key}".encode()).hexdigest()[:16]


def record_request(db: Session, *, case: CitizenCase, intake: Intake, now: datetime,
                   source: str | None = None) -> TreatmentRequest:
    """Record a request from /behandling on its (new) case; the guarantee clock starts now."""
    req = TreatmentRequest(
        case_id=case.id, area=intake.area, for_relative=intake.for_relative, anonymous=intake.anonymous,
        section_101a=intake.section_101a, other_social_problems=intake.other_social_problems,
        help_wanted=",".join(intake.help_wanted), preferred_contact=intake.preferred_contact,
        cpr=None if intake.anonymous else intake.cpr, message=intake.message,
        screening_kind=intake.screening_kind, screening_score=intake.screening_score,
        received_at=now, updated_at=now, source_tag=source,
    )
    req.deadline_on = guarantee_deadline(now) if guarantee_applies(req) else None
    db.add(req)
    db.flush()
    return req


def add_request(db: Session, *, case: CitizenCase, area: str, message: str = "", now: datetime) -> TreatmentRequest:
    """A citizen asks for treatment again (e.g. at a follow-up call): a new request, a new 14-day clock."""
    if area not in {a.value for a in Area}:
        raise RequestError("area", N_("Vælg, hvad henvendelsen handler om."))
    req = TreatmentRequest(case_id=case.id, area=area, anonymous=case.anonymous, for_relative=case.is_relative,
                           message=message.strip()[:4000], received_at=now, updated_at=now)
    req.deadline_on = guarantee_deadline(now) if guarantee_applies(req) else None
    db.add(req)
    db.flush()
    return req


def get_request(db: Session, *, case_id: int, request_id: int) -> TreatmentRequest:
    """The request only if it belongs to this case (no reaching another case by id)."""
    req = db.get(TreatmentRequest, request_id)
    if req is None or req.case_id != case_id:
        raise RequestNotFound()
    return req


# --- The guarantee ------------------------------------------------------------------------------

START_ATTENDANCE = (Attendance.planned.value, Attendance.attended.value)
_STARTS_OF_CASES = select(Appointment.case_id, Appointment.starts_at).where(
    Appointment.case_id.in_(bindparam("case_ids", expanding=True)), Appointment.starts_treatment.is_(True),
    Appointment.attendance.in_(START_ATTENDANCE)).order_by(Appointment.starts_at)


def start_date(db: Session, req: TreatmentRequest) -> date | None:
    """The actual start: a recorded start, or the first treatment-starting appointment (planned or
    attended) on or after the request date. Earlier appointments belong to an earlier request."""
    return start_dates(db, [req])[req.id]


def start_dates(db: Session, reqs: list[TreatmentRequest], *, any_starts: bool = True) -> dict[int, date | None]:
    """start_date() for many requests with one query (a page of the inbox). any_starts=False says the
    caller already knows these cases have no treatment-starting appointment (Min side's probe)."""
    rows = read_rows(db, _STARTS_OF_CASES, {"case_ids": list({r.case_id for r in reqs})}).all() \
        if reqs and any_starts else []
    by_case: dict[int, list[date]] = {}
    for case_id, starts_at in rows:
        by_case.setdefault(case_id, []).append(local_date(starts_at))
    starts = {}
    for req in reqs:
        received_day = local_date(req.received_at)
        candidates = [req.started_on] if req.started_on else []
        candidates += [d for d in by_case.get(req.case_id, []) if d >= received_day][:1]
        starts[req.id] = min(candidates) if candidates else None
    return starts


@dataclass
class GuaranteeView:
    state: GuaranteeState
    deadline: date | None
    start: date | None
    days_left: int | None
    reasons: list = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        return self.state == GuaranteeState.running and self.days_left is not None and self.days_left <= 3

    @property
    def overdue(self) -> bool:
        return self.state == GuaranteeState.breached


def guarantee_for(db: Session, req: TreatmentRequest, *, now: datetime) -> GuaranteeView:
    return guarantee_view(req, start_date(db, req), now=now)


def guarantees_for(db: Session, reqs: list[TreatmentRequest], *, now: datetime,
                   any_starts: bool = True) -> dict[int, GuaranteeView]:
    """guarantee_for() for many requests, with one query for their start dates (see start_dates)."""
    starts = start_dates(db, reqs, any_starts=any_starts)
    return {req.id: guarantee_view(req, starts[req.id], now=now) for req in reqs}


def guarantee_view(req: TreatmentRequest, start: date | None, *, now: datetime) -> GuaranteeView:
    """The guarantee for a request whose start date is already known (see start_dates)."""
    today = local_date(now)
    state = guarantee_state(received_at=req.received_at, start=start, today=today,
                            not_applicable=req.section_101a, for_relative=req.for_relative,
                            waived=req.free_choice_at is not None)
    deadline = guarantee_deadline(req.received_at) if guarantee_applies(req) else None
    left = days_left(deadline, today) if deadline and state in (GuaranteeState.running, GuaranteeState.breached) \
        and start is None else None
    return GuaranteeView(state, deadline, start, left)


# --- Staff actions -------------------------------------------------------------------------------

def set_status(db: Session, req: TreatmentRequest, *, status: str, now: datetime) -> None:
    if status not in {s.value for s in RequestStatus}:
        raise RequestError("status", N_("Vælg en status."))
    req.status = status
    req.updated_at = now
    db.flush()


def counsellors(db: Session) -> list[StaffUser]:
    return list(db.exec(select(StaffUser).where(
        StaffUser.active.is_(True), StaffUser.role.in_([Role.counsellor.value, Role.leader.value]))
        .order_by(StaffUser.first_name)))


def assign_counsellor(db: Session, req: TreatmentRequest, *, staff_id: int | None, now: datetime) -> None:
    if staff_id is not None and staff_id not in {s.id for s in counsellors(db)}:
        raise RequestError("counsellor_id", N_("Vælg en behandler fra listen."))
    req.counsellor_id = staff_id
    req.updated_at = now
    db.flush()


def record_start(db: Session, req: TreatmentRequest, *, started_on: date | None, now: datetime) -> None:
    """Treatment started (e.g. at Åben Rådgivning or by phone) without a booked appointment."""
    if started_on is None:
        raise RequestError("started_on", N_("Skriv datoen som dd.mm.åååå."))
    if started_on < local_date(req.received_at):
        raise RequestError("started_on", N_("Starten kan ikke ligge før henvendelsen."))
    req.started_on = started_on
    if req.status in (RequestStatus.received.value, RequestStatus.visitation.value, RequestStatus.offered.value):
        req.status = RequestStatus.in_treatment.value
    req.updated_at = now
    db.flush()


def record_deadline_letter(db: Session, req: TreatmentRequest, *, reason: str, new_date: date | None,
                           now: datetime) -> str:
    """The centre cannot meet the deadline: record why and when on the request, and return the letter
    that tells the citizen (the flow sends it, requests.flows.send_deadline_letter)."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError("reason", N_("Skriv årsagen til, at fristen ikke kan holdes."))
    if new_date is None:
        raise RequestError("new_date", N_("Skriv den nye dato som dd.mm.åååå."))
    if new_date < local_date(now):
        raise RequestError("new_date", N_("Den nye dato skal ligge i fremtiden."))
    req.delay_reason = reason[:2000]
    req.delay_new_date = new_date
    req.delay_notified_at = now
    req.updated_at = now
    db.flush()
    body = (f"Vi kan desværre ikke nå at starte din behandling senest {req.deadline_on:%d.%m.%Y}"
            if req.deadline_on else "Vi kan desværre ikke starte din behandling så hurtigt som planlagt")
    return body + f". Årsag: {reason}\nVi forventer at kunne starte senest {new_date:%d.%m.%Y}.\n" \
        "Du har ret til frit valg: du kan bede om at blive behandlet et andet godkendt sted. Skriv til os, " \
        "hvis du ønsker det."


def choose_free_choice(db: Session, req: TreatmentRequest, *, by: str, now: datetime) -> None:
    """Frit valg (SEL § 101 stk. 5–7): treatment elsewhere; the 14-day deadline no longer applies here."""
    if req.free_choice_at is None:
        req.free_choice_at = now
        req.free_choice_by = by
        req.updated_at = now
        db.flush()


# --- The citizen deletes an anonymous request nobody has looked at yet ------------------------------

def can_delete(req: TreatmentRequest) -> bool:
    return req.anonymous and req.status == RequestStatus.received.value and req.counsellor_id is None


# Rows that go with the case and do not count as "something else hanging off it".
_OWNED_WITH_CASE = {"case_message", "web_session", TreatmentRequest.__tablename__}


def _other_rows_on_case(db: Session, case_id: int) -> bool:
    """Anything from any domain (bookings, plans, decisions, ...) pointing at the case."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name in _OWNED_WITH_CASE:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "citizen_case" for fk in column.foreign_keys):
                if db.execute(select(func.count()).select_from(table).where(column == case_id)).scalar_one():
                    return True
    return False


def sources_with_several(db: Session) -> dict[str, int]:
    """Connections with more than one request nobody has looked at yet: what staff may remove as junk."""
    rows = db.exec(select(TreatmentRequest.source_tag, func.count())
                   .where(TreatmentRequest.source_tag.is_not(None), TreatmentRequest.anonymous.is_(True),
                          TreatmentRequest.status == RequestStatus.received.value,
                          TreatmentRequest.counsellor_id.is_(None))
                   .group_by(TreatmentRequest.source_tag).having(func.count() > 1))
    return {tag: n for tag, n in rows}


SOURCE_TAG_DAYS = 7


def forget_old_source_tags(db: Session, ctx) -> int:
    """A purge rule: after a week a flood has been dealt with; the tag is of no more use."""
    return db.exec(sql_update(TreatmentRequest)
                   .where(TreatmentRequest.source_tag.is_not(None),
                          TreatmentRequest.received_at < ctx.now - timedelta(days=SOURCE_TAG_DAYS))
                   .values(source_tag=None).execution_options(synchronize_session=False)).rowcount or 0


def remove_requests_from_source(db: Session, *, tag: str, now: datetime) -> list[int]:
    """Staff remove a flood in one action: every anonymous request from one connection that nobody has
    looked at is deleted, as its sender could (delete_unvisited_request). Returns the cases' ids."""
    pairs = db.exec(select(TreatmentRequest.id, TreatmentRequest.case_id).where(
        TreatmentRequest.source_tag == tag, TreatmentRequest.anonymous.is_(True),
        TreatmentRequest.status == RequestStatus.received.value, TreatmentRequest.counsellor_id.is_(None))).all()
    for request_id, case_id in pairs:
        delete_unvisited_request(db, case_id=case_id, request_id=request_id, now=now)
    return [case_id for _, case_id in pairs]


def delete_unvisited_request(db: Session, *, case_id: int, request_id: int, now: datetime) -> bool:
    """Delete the request; if nothing else hangs off the case, delete the case too. Ends every session
    of the case either way. Returns True when the case itself was deleted."""
    req = get_request(db, case_id=case_id, request_id=request_id)
    if not can_delete(req):
        raise RequestError("request", N_("Henvendelsen er allerede i gang og kan ikke slettes her. Skriv til os i stedet."))
    db.delete(req)
    db.flush()
    end_case_sessions(db, case_id, now=now)
    remaining = db.exec(select(func.count()).select_from(TreatmentRequest)
                        .where(TreatmentRequest.case_id == case_id)).one()
    if remaining or _other_rows_on_case(db, case_id):
        return False
    from app.messages.models import Message
    from app.core.models import WebSession
    db.execute(delete(Message).where(Message.case_id == case_id))
    db.execute(delete(WebSession).where(WebSession.case_id == case_id))
    db.execute(delete(CitizenCase).where(CitizenCase.id == case_id))
    db.flush()
    return True


# --- The staff inbox ------------------------------------------------------------------------------

@dataclass
class InboxRow:
    request: TreatmentRequest
    case: CitizenCase
    guarantee: GuaranteeView
    unread: int = 0  # the case's unread messages, filled in by requests.flows.inbox


INBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    page: int  # 1-based, clamped to the pages there are
    pages: int
    total: int


def inbox(db: Session, *, now: datetime, area: str | None = None, status: str | None = None, page: int = 1,
          per_page: int | None = None) -> InboxPage:
    """Requests sorted by guarantee deadline (soonest first; no deadline last), one page at a time: a centre with thousands of open requests must not render them all."""
    per_page = per_page or INBOX_PAGE_SIZE
    filters = [TreatmentRequest.area == area] if area else []
    filters.append(TreatmentRequest.status == status if status
                   else TreatmentRequest.status != RequestStatus.closed.value)
    total = db.exec(select(func.count()).select_from(TreatmentRequest).where(*filters)).one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = (TreatmentRequest.deadline_on.is_(None), TreatmentRequest.deadline_on, TreatmentRequest.received_at,
             TreatmentRequest.id)
    # The page's ids first, then their rows: sorting thousands of bare requests is cheaper than
    # sorting them joined to their cases.
    page_ids = select(TreatmentRequest.id).where(*filters).order_by(*order).limit(per_page) \
        .offset((page - 1) * per_page)
    pairs = db.exec(select(TreatmentRequest, CitizenCase).join(CitizenCase, CitizenCase.id == TreatmentRequest.case_id)
                    .where(TreatmentRequest.id.in_(page_ids)).order_by(*order)).all()
    guarantees = guarantees_for(db, [req for req, _ in pairs], now=now)
    rows = [InboxRow(req, case, guarantees[req.id]) for req, case in pairs]
    return InboxPage(rows, page, pages, total)


def deadline_note(req: TreatmentRequest) -> Msg | None:
    if req.delay_new_date:
        return Msg(N_("Fristbrev sendt: ny dato %(date)s"), date=f"{req.delay_new_date:%d.%m.%Y}")
    return None
