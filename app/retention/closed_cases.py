"""Closed cases are deleted once the journal retention periods have run out.

Basis (DESIGN.md, the journal rules under autorisationsloven): a health record is kept at least
`retention_years_doctor` (10) years after the last entry a doctor made and `retention_years_other` (5)
years after the last entry by other staff. The portal has no doctor role, so "a doctor's entry" is
anything medical: a decision on medical treatment (SUL § 142), a medical consultation, a plan with
medical elements. Deleting (rather than anonymising) is chosen because a substance-use case cannot be
reliably anonymised – free text, dates and the pseudonym together can single a person out – and the
centre's yearly statistics to SMDB/NAB are reported long before the periods end.

A case is closed when no request is still open and nothing is booked ahead; an open complaint holds
it (register_retention_hold). The access log is kept: it has no foreign keys and outlives the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, exists, func, literal, or_, select, union_all

from app.appointments.models import Appointment, AppointmentKind
from app.booking.models import CounsellingBooking, CounsellingSession, BookingStatus
from app.cases.models import CitizenCase
from app.complaints.models import Complaint
from app.decisions.models import Decision, LegalBasis, TreatmentType
from app.messages.models import Message
from app.online.models import CourseAssignment, DiaryDay, ExerciseAnswer, OutcomeMeasure
from app.plans.models import Discharge, FollowUp, GoalComment, PlanGoal, PlanVersion, TreatmentPlan
from app.requests.models import RequestStatus, TreatmentRequest
from app.retention.service import PurgeContext, delete_cases


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def _entries():
    """(case_id, at, medical) for every dated entry on a case."""
    medical_decision = or_(Decision.treatment_type == TreatmentType.medical.value,
                           Decision.legal_basis == LegalBasis.sul_142.value)
    parts = [
        select(CitizenCase.id, CitizenCase.created_at, literal(False)),
        select(TreatmentRequest.case_id, TreatmentRequest.updated_at, literal(False)),
        select(Message.case_id, Message.sent_at, literal(False)),
        select(Appointment.case_id, Appointment.starts_at, Appointment.kind == AppointmentKind.medical.value),
        select(Decision.case_id, Decision.decided_at, medical_decision),
        select(TreatmentPlan.case_id, TreatmentPlan.last_revised_at, TreatmentPlan.medical != ""),
        select(PlanVersion.case_id, PlanVersion.created_at, literal(False)),
        select(PlanGoal.case_id, PlanGoal.created_at, literal(False)),
        select(GoalComment.case_id, GoalComment.created_at, literal(False)),
        select(Discharge.case_id, Discharge.created_at, literal(False)),
        select(FollowUp.case_id, func.coalesce(FollowUp.closed_at, Discharge.created_at), literal(False))
        .join(Discharge, Discharge.id == FollowUp.discharge_id),
        select(Complaint.case_id, func.coalesce(Complaint.closed_at, Complaint.received_at), literal(False)),
        select(CounsellingBooking.case_id, CounsellingBooking.changed_at, literal(False)),
        select(CourseAssignment.case_id, CourseAssignment.started_at, literal(False)),
        select(ExerciseAnswer.case_id, func.coalesce(ExerciseAnswer.feedback_at, ExerciseAnswer.saved_at), literal(False)),
        select(DiaryDay.case_id, DiaryDay.saved_at, literal(False)),
        select(OutcomeMeasure.case_id, OutcomeMeasure.recorded_at, literal(False)),
    ]
    return union_all(*parts).subquery("entry")


def expired_closed_cases(db, ctx: PurgeContext) -> list[int]:
    """Closed, unheld cases whose last entry is older than the "other staff" period and whose last
    medical entry (if any) is older than the doctor period."""
    other_cutoff = years_before(ctx.now, ctx.centre.retention_years_other)
    doctor_cutoff = years_before(ctx.now, ctx.centre.retention_years_doctor)
    entry = _entries()
    case_id, at, medical = entry.c
    last = (select(case_id.label("case_id"), func.max(at).label("last_at"),
                   func.max(case((medical, at), else_=None)).label("last_medical_at"))
            .group_by(case_id).subquery("last"))
    open_request = exists().where(TreatmentRequest.case_id == last.c.case_id,
                                  TreatmentRequest.status != RequestStatus.closed.value)
    # An appointment ahead needs no check of its own: its start is an entry, newer than any cut-off.
    # A booking's entry is when it was made, so a place booked ahead is checked here.
    booked = exists().where(
        CounsellingBooking.case_id == last.c.case_id, CounsellingBooking.status == BookingStatus.booked.value,
        CounsellingSession.id == CounsellingBooking.session_id, CounsellingSession.ends_at >= ctx.now)
    ids = db.execute(select(last.c.case_id).where(
        last.c.last_at < other_cutoff,
        or_(last.c.last_medical_at.is_(None), last.c.last_medical_at < doctor_cutoff),
        ~open_request, ~booked,
    )).scalars().all()
    held = ctx.held_case_ids(db)
    return sorted(i for i in ids if i not in held)


def purge_expired_closed_cases(db, ctx: PurgeContext) -> int:
    return delete_cases(db, expired_closed_cases(db, ctx))


