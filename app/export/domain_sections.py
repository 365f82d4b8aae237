"""What each domain stores about a case, for the citizen's right-of-access page (/min-side/mine-data)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app.appointments.models import Appointment, Attendance
from app.booking import queries as booking_queries
from app.booking.models import BookingStatus
from app.cases.models import CitizenCase
from app.complaints.models import Complaint, ComplaintStatus
from app.core.deadlines import Delivery
from app.core.i18n import Msg, N_
from app.core.labels import known_label
from app.decisions import service as decisions
from app.decisions.models import LegalBasis, TreatmentType
from app.export.service import ExportSection
from app.identity.queries import verified_identity
from app.messages import service as messages
from app.plans import service as plans
from app.plans.models import GoalStatus
from app.requests import queries as request_queries
from app.requests.models import Area, Contact, HelpWanted, RequestStatus



def _label(enum_type, value: str) -> Msg | str:
    """A stored value's label, translated where the file is made; a value the enum does not know, as it is."""
    label = known_label(value, enum_type)
    return value if label is None else Msg(label)


def requests_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    rows = request_queries.requests_of_case(db, case.id)
    return ExportSection(N_("Henvendelser om behandling"), records=[[
        (N_("Modtaget"), r.received_at), (N_("Område"), _label(Area, r.area)),
        (N_("Status"), _label(RequestStatus, r.status)), (N_("Senest start"), r.deadline_on),
        (N_("Som pårørende"), r.for_relative),
        (N_("Hjælp, du ønskede"), [_label(HelpWanted, h) for h in r.help_wanted.split(",") if h] or None),
        (N_("Sådan vil du kontaktes"), _label(Contact, r.preferred_contact)),
        (N_("Det skrev du"), r.message or None), (N_("CPR-nummer"), r.cpr),
        (N_("Selvtest"), f"{r.screening_kind.upper()} {r.screening_score}" if r.screening_kind else None),
        (N_("Frit valg"), r.free_choice_at),
    ] for r in rows], order=20) if rows else None


def identity_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    identity = verified_identity(db, case.id)
    return ExportSection(N_("MitID"), rows=[
        (N_("Navn fra MitID"), identity.full_name), (N_("CPR-nummer fra MitID"), identity.cpr),
        (N_("Bekræftet"), identity.verified_at),
    ], order=15) if identity else None


def messages_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    rows = messages.thread(db, case.id)
    return ExportSection(N_("Beskeder"), records=[[
        (N_("Sendt"), m.sent_at), (N_("Fra"), m.staff_first_name if m.from_staff else Msg(N_("Dig"))),
        (N_("Tekst"), m.body),
    ] for m in rows], order=30) if rows else None


def bookings_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    rows = booking_queries.bookings_of_case(db, case.id)
    return ExportSection(N_("Åben Rådgivning"), records=[[
        (N_("Tid"), s.starts_at), (N_("Sted"), s.place), (N_("Status"), _label(BookingStatus, b.status)),
    ] for b, s in rows], order=40) if rows else None


def appointments_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    rows = list(db.exec(select(Appointment).where(Appointment.case_id == case.id).order_by(Appointment.starts_at)))
    return ExportSection(N_("Aftaler"), records=[[
        (N_("Tid"), a.starts_at), (N_("Sted"), a.location or a.video_url or None), (N_("Fremmøde"), _label(Attendance, a.attendance)),
    ] for a in rows], order=50) if rows else None


def plan_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    plan = plans.get_plan(db, case.id)
    if plan is None:
        return None
    goals = plans.goals_for(db, plan.id)
    return ExportSection(N_("Behandlingsplan"), rows=[
        (N_("Version"), plan.version_no), (N_("Næste revision"), plan.next_revision_on),
    ], records=[[(N_("Mål"), g.citizen_words), (N_("Skridt"), g.steps or None), (N_("Status"), _label(GoalStatus, g.status))]
                for g in goals], order=60)


def decisions_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    rows = decisions.decisions_for_case(db, case.id)
    # In full (forvaltningsloven §§ 22–25): what was decided, the rules, the considerations, the facts,
    # how it reached you, the complaint guide and the last day to complain.
    return ExportSection(N_("Afgørelser"), records=[[
        (N_("Truffet"), d.decided_at), (N_("Afgørelse"), _label(TreatmentType, d.treatment_type)),
        (N_("Lovgrundlag"), _label(LegalBasis, d.legal_basis)),
        (N_("Regler, vi har brugt"), d.rules_applied), (N_("Begrundelse"), d.considerations),
        (N_("Oplysninger, vi har lagt vægt på"), d.key_facts),
        (N_("Gjort tilgængelig for dig"), d.notified_at),
        (N_("Sendt som"), _label(Delivery, d.delivered_by)),
        (N_("Klagevejledning"), d.complaint_guide or None),
        (N_("Sidste dag for klage"), decisions.complaint_deadline(d)),
        (N_("Erstattet af en ny afgørelse"), d.replaced_at),
    ] for d in rows], order=70) if rows else None


def complaints_section(db: Session, case: CitizenCase, now: datetime) -> ExportSection | None:
    rows = list(db.exec(select(Complaint).where(Complaint.case_id == case.id).order_by(Complaint.received_at)))
    return ExportSection(N_("Klager"), records=[[
        (N_("Modtaget"), c.received_at), (N_("Status"), _label(ComplaintStatus, c.status)),
        (N_("Det skrev du"), c.text or None),
    ] for c in rows], order=80) if rows else None
