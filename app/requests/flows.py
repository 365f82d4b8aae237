"""Work that starts at a treatment request and reaches other domains (Netflix Dispatch's flows.py).

requests/service.py holds the request's own rules and touches its own table; a flow is the sequence
across domains: open the case (cases), record the request, tell the citizen through the thread
(messages, which queues the notice in the outbox). Each step is a service call in the caller's
transaction, so a refusal halfway leaves nothing behind once the request rolls back.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta

from sqlmodel import Session

from app.appointments.models import Appointment, AppointmentKind
from app.appointments.service import upcoming_for_case
from app.cases import service as cases
from app.cases.models import CitizenCase
from app.core.codes import PersonalCode
from app.core.i18n import N_, Msg, format_long_day, format_time, translate_message
from app.core.pdf import centre_letter
from app.identity.queries import verified_identity
from app.messages import service as messages
from app.notify import service as notify
from app.notify.config import current as notify_config
from app.notify import memo
from app.notify.wording import is_neutral
from app.requests import service
from app.requests.models import TreatmentRequest

# What the citizen's own thread says when they ask for frit valg on Min side (staff read it there).
FREE_CHOICE_MESSAGE = "Jeg ønsker frit valg: at blive behandlet et andet godkendt sted."


def submit_request(db: Session, *, intake: service.Intake, now: datetime, make_code=None, language: str = "da",
                   source: str | None = None) -> tuple[CitizenCase, PersonalCode, TreatmentRequest]:
    """Open a case with its personal code and record the request on it; the guarantee clock starts now."""
    kwargs = {"make_code": make_code} if make_code else {}
    case, code = cases.open_case(
        db, now=now, anonymous=intake.anonymous, is_relative=intake.for_relative, language=language,
        contact=cases.ContactDetails(display_name=intake.display_name, full_name=intake.full_name,
                                     phone=intake.phone, email=intake.email), **kwargs)
    return case, code, service.record_request(db, case=case, intake=intake, now=now, source=source)


def request_on_verified_case(db: Session, *, case: CitizenCase, intake: service.Intake,
                             now: datetime) -> TreatmentRequest:
    """A MitID-signed-in citizen's request, on their own case: name and CPR number as NemLog-in gave them."""
    req = service.record_request(db, case=case, intake=intake, now=now)
    req.cpr_verified_by = "mitid"
    db.flush()
    return req


def request_treatment(db: Session, *, intake: service.Intake, client_key: str, per_hour: int, now: datetime,
                      language: str = "da") -> tuple[CitizenCase, PersonalCode, TreatmentRequest]:
    """A citizen's request from /behandling: it counts against the connection's new cases this hour
    (cases.TooManyFromConnection once they are spent), then opens the case, tagged with the connection
    of the day so staff can remove a flood in one action."""
    cases.count_new_case(db, client_key=client_key, now=now, per_hour=per_hour)
    return submit_request(db, intake=intake, now=now, language=language,
                          source=service.source_tag(client_key, now))


DEADLINE_LETTER = "deadline_letter"
DEADLINE_LETTER_TITLE = N_("Brev om din sag")
CALENDAR_LABEL = N_("Sæt i kalender")


def send_deadline_letter(db: Session, req: TreatmentRequest, *, staff, reason: str, new_date: date | None,
                         now: datetime, centre=None) -> None:
    """The deadline cannot be met: record it on the request and write to the citizen in the thread,
    which queues a "deadline_letter" notice for an identified citizen; a MitID-verified citizen also
    gets the letter itself by Digital Post (the same event, so the same dedupe key, on its own channel)."""
    body = service.record_deadline_letter(db, req, reason=reason, new_date=new_date, now=now)
    message = messages.send_staff_message(db, case_id=req.case_id, staff=staff, body=body, now=now,
                                          notify_kind=DEADLINE_LETTER)
    case = db.get(CitizenCase, req.case_id)
    identity = verified_identity(db, case.id)
    if case.anonymous or identity is None:
        return
    centre = centre or notify_config().centre
    lang = case.language or "da"
    title = translate_message(lang, DEADLINE_LETTER_TITLE)
    start = next((a for a in upcoming_for_case(db, case.id, now) if a.starts_treatment), None)
    booked = _calendar_entry(start, centre=centre, lang=lang) if start is not None else None
    sections = (("", body),)
    if start is not None:  # in the letter itself whether or not a calendar entry may carry it
        when = translate_message(lang, Msg(N_("%(day)s kl. %(time)s"), day=format_long_day(start.starts_at, lang),
                                           time=format_time(start.starts_at, lang)))
        sections += ((translate_message(lang, N_("Din tid")), f"{when}, {_place(start, centre)}"),)
    pdf = centre_letter(centre, title=title, recipient=identity.full_name, now=now, lang=lang, sections=sections,
                        heading=translate_message(lang, N_("Din behandling kan ikke starte til tiden")))
    notify.enqueue_letter(db, case=case, kind=DEADLINE_LETTER, dedupe_key=f"{DEADLINE_LETTER}:{message.id}", now=now,
                          letter=memo.Letter(title=title, appointment=booked, main=memo.Document(
                              label=title, filename="brev.pdf", content=pdf, language=lang)))


def _place(appointment: Appointment, centre) -> str:
    return appointment.location.strip() or f"{centre.address}, {centre.postcode_city}"


def _calendar_entry(appointment: Appointment, *, centre, lang: str) -> memo.Appointment | None:
    """The booked start of treatment as the letter's calendar entry (MeMo Action AFTALE), or None when
    its texts would say more than a calendar may show (a location typed as "Rusmiddelcentret, …"): the
    letter then goes without it, the time still written in the letter itself."""
    kind = AppointmentKind(appointment.kind).label if appointment.kind in {k.value for k in AppointmentKind} \
        else AppointmentKind.individual.label
    entry = memo.Appointment(
        label=translate_message(lang, CALENDAR_LABEL), description=translate_message(lang, kind),
        location=_place(appointment, centre),
        starts_at=appointment.starts_at, ends_at=appointment.starts_at + timedelta(minutes=appointment.duration_minutes),
        # The same appointment is the same calendar entry, however often it is written about.
        reservation_uuid=str(uuid.UUID(bytes=hashlib.sha256(f"appointment:{appointment.id}".encode()).digest()[:16],
                                       version=4)))
    return entry if is_neutral(entry.label, entry.description, entry.location) else None


def ask_for_free_choice(db: Session, req: TreatmentRequest, *, now: datetime) -> None:
    """The citizen asks for frit valg on Min side: recorded on the request and said in the thread, so the
    counsellor sees it where they answer."""
    service.choose_free_choice(db, req, by="citizen", now=now)
    messages.send_citizen_message(db, case_id=req.case_id, body=FREE_CHOICE_MESSAGE, now=now)


def inbox(db: Session, *, now: datetime, area: str | None = None, status: str | None = None, page: int = 1,
          per_page: int | None = None) -> service.InboxPage:
    """The staff inbox (service.inbox) with each case's unread messages, one query for the page."""
    found = service.inbox(db, now=now, area=area, status=status, page=page, per_page=per_page)
    unread = messages.unread_for_staff(db, case_ids=[row.case.id for row in found.rows])
    for row in found.rows:
        row.unread = unread.get(row.case.id, 0)
    return found
