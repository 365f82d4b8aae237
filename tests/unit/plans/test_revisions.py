"""Revision arithmetic, versions and their immutability, the citizen's agreement."""

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.plans import service
from app.plans.models import PlanVersion
from tests.factories import make_case, make_staff

UTC = timezone.utc


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 11, 23), 3, date(2027, 2, 23)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),   # no 30 February: the month's last day
    (date(2027, 11, 30), 3, date(2028, 2, 29)),   # leap year
    (date(2026, 11, 28), 3, date(2027, 2, 28)),
    (date(2026, 12, 31), 3, date(2027, 3, 31)),
    (date(2027, 5, 31), 3, date(2027, 8, 31)),
    (date(2027, 3, 31), 3, date(2027, 6, 30)),
    (date(2026, 10, 31), 1, date(2026, 11, 30)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
])
def test_add_months_uses_calendar_months_and_clamps_month_ends(start, months, expected):
    assert service.add_months(start, months) == expected


@pytest.mark.parametrize("revised_at, expected", [
    # 00.30 on 1 December in Copenhagen is still 30 November in UTC: the local day counts.
    (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), date(2027, 3, 1)),
    (datetime(2026, 11, 30, 22, 59, tzinfo=UTC), date(2027, 2, 28)),
    # Summer time: 00.30 on 1 July (CEST, UTC+2) is 22.30 UTC on 30 June.
    (datetime(2027, 6, 30, 22, 30, tzinfo=UTC), date(2027, 10, 1)),
    # Across the October change back to winter time and the March change to summer time.
    (datetime(2027, 7, 31, 22, 30, tzinfo=UTC), date(2027, 11, 1)),
    (datetime(2026, 12, 29, 10, 0, tzinfo=UTC), date(2027, 3, 29)),
])
def test_next_revision_is_three_months_after_the_local_day_across_dst(revised_at, expected):
    assert service.next_revision_date(revised_at) == expected


def _plan(db, now, **kw):
    staff = make_staff(db, now=now)
    case, _ = make_case(db, now=now)
    plan = service.create_plan(db, case_id=case.id, staff=staff, treatment_form="outpatient", aim="reduction",
                               medical=kw.get("medical", []), under_30=kw.get("under_30", False), now=now)
    db.commit()
    return staff, case, plan


def test_new_plan_is_version_1_and_due_three_months_later(db, clock):
    _staff, _case, plan = _plan(db, clock.now())
    assert plan.version_no == 1
    assert plan.next_revision_on == date(2027, 2, 23)
    assert [v.version_no for v in service.versions_for(db, plan.id)] == [1]


def test_only_one_plan_per_case(db, clock):
    staff, case, _plan_ = _plan(db, clock.now())
    with pytest.raises(service.AlreadyExists):
        service.create_plan(db, case_id=case.id, staff=staff, treatment_form="outpatient", aim="reduction",
                            medical=[], under_30=False, now=clock.now())


def test_revision_saves_a_new_version_with_who_when_and_what(db, clock):
    staff, case, plan = _plan(db, clock.now())
    service.add_goal(db, case_id=case.id, life_area="housing", citizen_words="Jeg vil have min egen lejlighed",
                     steps="Skrive mig op", status="in_progress", now=clock.now())
    clock.advance(days=40)
    version = service.revise_plan(db, plan=plan, staff=staff, treatment_form="outpatient", aim="abstinence",
                                  medical=["antabus"], under_30=False, reason="Ny medicin", now=clock.now())
    db.commit()
    assert version.version_no == 2 and version.staff_first_name == staff.first_name
    assert version.created_at == clock.now()
    saved = json.loads(version.snapshot)
    assert saved["aim"] == "abstinence" and saved["medical"] == ["antabus"]
    assert saved["goals"][0]["citizen_words"] == "Jeg vil have min egen lejlighed"
    assert plan.next_revision_on == date(2027, 4, 2)  # 2 January 2027 + 3 months


def test_changing_the_service_is_a_revision_and_resets_the_date(db, clock):
    staff, _case, plan = _plan(db, clock.now())
    clock.advance(days=10)
    service.revise_plan(db, plan=plan, staff=staff, treatment_form="residential", aim="reduction", medical=[],
                        under_30=False, reason="Døgnophold", now=clock.now())
    assert plan.version_no == 2
    assert plan.next_revision_on == date(2027, 3, 3)


def test_revision_needs_a_reason(db, clock):
    staff, _case, plan = _plan(db, clock.now())
    with pytest.raises(service.PlanError) as err:
        service.revise_plan(db, plan=plan, staff=staff, treatment_form="outpatient", aim="reduction", medical=[],
                            under_30=False, reason="  ", now=clock.now())
    assert err.value.field == "reason"


def test_compare_versions_lists_changed_fields_and_goals(db, clock):
    staff, case, plan = _plan(db, clock.now())
    goal = service.add_goal(db, case_id=case.id, life_area="substance", citizen_words="Drikke mindre",
                            steps="", status="not_started", now=clock.now())
    service.revise_plan(db, plan=plan, staff=staff, treatment_form="outpatient", aim="reduction", medical=[],
                        under_30=False, reason="Mål tilføjet", now=clock.now())
    service.update_goal(db, goal=goal, citizen_words="Drikke mindre", steps="Kun i weekenden", status="reached")
    service.revise_plan(db, plan=plan, staff=staff, treatment_form="outpatient", aim="abstinence", medical=[],
                        under_30=False, reason="Nyt mål", now=clock.now())
    v1, v2, v3 = (service.get_version(db, plan.id, n) for n in (1, 2, 3))
    assert [c.field for c in service.compare_versions(v1, v2)] == ["goal.added"]
    changes = {c.field: (c.old, c.new) for c in service.compare_versions(v2, v3)}
    assert changes == {"aim": ("reduction", "abstinence"), "goal.steps": ("", "Kun i weekenden"),
                       "goal.status": ("not_started", "reached")}


def test_plan_versions_cannot_be_updated_in_the_database(db, clock):
    _staff, _case, plan = _plan(db, clock.now())
    with pytest.raises(DBAPIError):
        db.execute(text("UPDATE plan_version SET reason = 'rettet' WHERE plan_id = :p"), {"p": plan.id})
        db.flush()
    db.rollback()
    assert service.get_version(db, plan.id, 1).reason == "Planen er lavet"


def test_changing_a_loaded_version_is_refused_before_it_reaches_the_database(db, clock):
    from app.plans.models import ImmutableVersion

    _staff, _case, plan = _plan(db, clock.now())
    version = service.get_version(db, plan.id, 1)
    version.reason = "rettet"
    with pytest.raises(ImmutableVersion):
        db.flush()
    db.rollback()
    assert service.get_version(db, plan.id, 1).reason == "Planen er lavet"


def test_plan_versions_have_no_update_path_in_code():
    import inspect

    source = inspect.getsource(service)
    assert "PlanVersion(" in source  # created ...
    assert "update(PlanVersion" not in source and "version.snapshot =" not in source  # ... never changed
    assert not [name for name in dir(service) if "version" in name and name.startswith(("update", "edit", "set"))]


def test_citizen_agrees_to_the_latest_version_only(db, clock):
    staff, case, plan = _plan(db, clock.now())
    service.agree_to_plan(db, case_id=case.id, version_no=1, now=clock.now())
    db.refresh(plan)
    assert plan.agreed_version_no == 1
    service.revise_plan(db, plan=plan, staff=staff, treatment_form="outpatient", aim="reduction", medical=[],
                        under_30=False, reason="Revision", now=clock.now())
    with pytest.raises(service.StaleVersion):
        service.agree_to_plan(db, case_id=case.id, version_no=1, now=clock.now())
    db.refresh(plan)
    assert plan.agreed_version_no == 1  # not agreed to version 2 yet


@pytest.mark.parametrize("days_until, state", [(-1, "overdue"), (0, "due"), (14, "due"), (15, "ok")])
def test_revision_state_due_within_14_days_or_overdue(db, clock, days_until, state):
    from datetime import timedelta

    _staff, _case, plan = _plan(db, clock.now())
    today = plan.next_revision_on - timedelta(days=days_until)
    assert service.revision_state(plan, today) == state


def test_plans_due_list_has_due_and_overdue_but_not_later_or_discharged(db, clock):
    from datetime import timedelta

    staff, case, plan = _plan(db, clock.now())
    case2, _ = make_case(db, now=clock.now())
    service.create_plan(db, case_id=case2.id, staff=staff, treatment_form="outpatient", aim="reduction",
                        medical=[], under_30=False, now=clock.now() + timedelta(days=30))
    db.commit()
    today = plan.next_revision_on - timedelta(days=14)
    assert [p.case_id for p, _c in service.plans_due(db, today=today)] == [case.id]
    assert [p.case_id for p, _c in service.plans_due(db, today=today + timedelta(days=60))] == [case.id, case2.id]
    service.discharge_case(db, case_id=case.id, reason="completed", note="", declines_follow_up=False, staff=staff,
                           now=clock.now())
    assert [p.case_id for p, _c in service.plans_due(db, today=today)] == []


def test_proposed_goal_waits_and_is_not_in_a_version_until_accepted(db, clock):
    staff, case, plan = _plan(db, clock.now())
    goal = service.propose_goal(db, case_id=case.id, life_area="work", citizen_words="Komme i praktik",
                                now=clock.now())
    assert goal.proposal == "proposed"
    assert service.snapshot(db, plan)["goals"] == []
    service.answer_proposal(db, goal=goal, staff=staff, accept=True, comment="", now=clock.now())
    assert [g["citizen_words"] for g in service.snapshot(db, plan)["goals"]] == ["Komme i praktik"]


def test_discussing_a_proposal_needs_a_message_to_the_citizen(db, clock):
    staff, case, _plan_ = _plan(db, clock.now())
    goal = service.propose_goal(db, case_id=case.id, life_area="work", citizen_words="Job", now=clock.now())
    with pytest.raises(service.PlanError):
        service.answer_proposal(db, goal=goal, staff=staff, accept=False, comment="", now=clock.now())
    service.answer_proposal(db, goal=goal, staff=staff, accept=False, comment="Lad os tale om det", now=clock.now())
    assert goal.proposal == "discuss"
    assert [c.body for c in service.comments_for(db, [goal.id])[goal.id]] == ["Lad os tale om det"]


def test_a_goal_is_only_found_through_its_own_case(db, clock):
    from app.core.errors import NotFound

    _staff, case, _plan_ = _plan(db, clock.now())
    other, _ = make_case(db, now=clock.now())
    goal = service.propose_goal(db, case_id=case.id, life_area="work", citizen_words="Job", now=clock.now())
    with pytest.raises(NotFound):
        service.get_goal(db, case_id=other.id, goal_id=goal.id)


def test_version_rows_are_never_changed_by_a_revision(db, clock):
    staff, _case, plan = _plan(db, clock.now())
    before = service.get_version(db, plan.id, 1).snapshot
    service.revise_plan(db, plan=plan, staff=staff, treatment_form="day", aim="abstinence", medical=["detox"],
                        under_30=True, reason="Ændret", now=clock.now())
    db.commit()
    db.expire_all()
    assert db.get(PlanVersion, service.get_version(db, plan.id, 1).id).snapshot == before
