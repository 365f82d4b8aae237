"""How the plans domain plugs into others: the complaint case file, reminders and the staff digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.complaints.case_file import CaseFileSection
from app.complaints.models import Complaint
from app.core.clock import local_date
from app.core.i18n import Msg, N_
from app.notify import service as notify
from app.notify.digest import DigestItem
from app.plans import service
from app.plans.models import FollowUp, FollowUpStatus

REMINDER_DAYS = 14


def plan_section(db: Session, case: CitizenCase, complaint: Complaint, now: datetime) -> CaseFileSection | None:
    plan = service.get_plan(db, case.id)
    if plan is None:
        return None
    return CaseFileSection(N_("Behandlingsplan"), "staff/plans/_case_file.html", {
        "plan": plan, "goals": service.goals_for(db, plan.id), "versions": service.versions_for(db, plan.id),
    }, order=40)


def queue_plan_revision_reminders(db: Session, *, now: datetime, **_) -> int:
    """Tell identified citizens that their plan is to be revised soon (once per revision date)."""
    queued = 0
    today = local_date(now)
    for plan, case in service.plans_due(db, today=today):
        if today <= plan.next_revision_on <= today + timedelta(days=REMINDER_DAYS):
            queued += bool(notify.enqueue(db, case=case, kind="plan_revision_due",
                                          context={"due_on": plan.next_revision_on}, now=now,
                                          dedupe_key=f"plan-revision:{plan.id}:{plan.next_revision_on}"))
    return queued


def plans_due_digest(db: Session, *, staff, now: datetime) -> DigestItem | None:
    n = len(service.plans_due(db, today=local_date(now)))
    return DigestItem(Msg(N_("%(count)s planer skal revideres inden for 14 dage"), count=n), n) if n else None


def follow_ups_due_digest(db: Session, *, staff, now: datetime) -> DigestItem | None:
    n = db.exec(select(func.count()).select_from(FollowUp).where(
        FollowUp.status == FollowUpStatus.open.value, FollowUp.due_on <= local_date(now))).one()
    return DigestItem(Msg(N_("%(count)s opfølgningsopkald skal foretages"), count=n), n) if n else None
