"""Plans in the complaint case file, the revision reminder job, and the digest lines."""

from datetime import timedelta

from sqlmodel import select

from app.complaints import case_file, service as complaints
from app.house import house
from app.notify.digest import build_digest
from app.notify.models import OutboxMessage
from app.plans import integrations, service
from tests.factories import make_case, make_staff


def _form_and_aim_values():
    from app.plans.models import Aim, TreatmentForm
    return list(TreatmentForm)[0].value, list(Aim)[0].value


def test_revision_reminder_goes_once_to_identified_citizens_only(db, clock):
    staff = make_staff(db)
    form, aim = _form_and_aim_values()
    named, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Kim Hansen", email="kim@example.dk")
    anon, _ = make_case(db, now=clock.now())
    for case in (named, anon):
        service.create_plan(db, case_id=case.id, staff=staff, treatment_form=form, aim=aim, medical=[],
                            under_30=False, now=clock.now())
    later = clock.now() + timedelta(days=80)  # first revision is due 3 months after the plan
    integrations.queue_plan_revision_reminders(db, now=later)
    integrations.queue_plan_revision_reminders(db, now=later)
    rows = db.exec(select(OutboxMessage)).all()
    assert rows and {r.case_id for r in rows} == {named.id}
    assert {r.kind for r in rows} == {"plan_revision_due"}
    assert len([r for r in rows if r.channel == "portal"]) == 1


def test_case_file_for_a_plan_complaint_holds_the_plan(db, clock):
    staff = make_staff(db)
    form, aim = _form_and_aim_values()
    case, _ = make_case(db, now=clock.now())
    plan = service.create_plan(db, case_id=case.id, staff=staff, treatment_form=form, aim=aim, medical=[],
                               under_30=False, now=clock.now())
    complaint = complaints.file_complaint(db, case=case, subject="plan", text="", now=clock.now())
    sections = {s.template: s.context for s in case_file.build_case_file(db, complaint, clock.now(), house().case_file_sections)}
    assert sections["staff/plans/_case_file.html"]["plan"].id == plan.id


def test_digest_counts_plans_due(db, clock):
    staff = make_staff(db)
    form, aim = _form_and_aim_values()
    case, _ = make_case(db, now=clock.now())
    service.create_plan(db, case_id=case.id, staff=staff, treatment_form=form, aim=aim, medical=[],
                        under_30=False, now=clock.now())
    items = build_digest(db, staff=staff, now=clock.now() + timedelta(days=85), sections=house().digest_sections)
    assert [i.count for i in items if "planer" in i.label.text] == [1]
