"""The demo loader gives a signed-in-able plan; the panels show the plan on Min side and the staff page."""

from sqlmodel import select

from app.cases.panels import build_staff_panels
from app.house import house
from app.demo import load_demo
from app.plans import service
from app.plans.models import TreatmentPlan


def test_demo_loader_creates_a_move_plan_once(settings, db, clock):
    lines = list(load_demo(settings, clock))
    assert any(line.strip().startswith("kode ") for line in lines)
    again = list(load_demo(settings, clock))
    assert any("findes allerede" in line for line in again)
    plans = db.exec(select(TreatmentPlan)).all()
    assert len(plans) == 1 and plans[0].under_30
    earned, _given = service.cards_for_case(db, plans[0].case_id)
    assert len(earned) == 2  # AA | N voids the next pair AA | AA


def test_plan_panels_on_min_side_and_staff_case_page(settings, db, clock):
    list(load_demo(settings, clock))
    plan = db.exec(select(TreatmentPlan)).one()
    from app.cases.models import CitizenCase
    case = db.get(CitizenCase, plan.case_id)
    _record, shown = house().min_side.build(db, case.id, clock.now())
    assert "public/plans/_panel.html" in [p.template for p in shown]
    assert "staff/plans/_panel.html" in [p.template for p in build_staff_panels(db, case, clock.now(), house().staff_case_panels)]
