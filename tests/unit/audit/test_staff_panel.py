from app.audit.panels import staff_access_log_panel
from app.audit.service import record_access
from app.cases.panels import build_staff_panels
from app.house import house
from tests.factories import make_case, make_staff


def test_staff_case_page_gets_the_cases_access_log_panel(db, clock):
    case, _ = make_case(db, now=clock.now())
    record_access(db, staff=make_staff(db), case_id=case.id, action="view_case", now=clock.now())
    panels = [p for p in build_staff_panels(db, case, clock.now(), house().staff_case_panels) if p.template == "staff/trust/access_log_panel.html"]
    assert len(panels) == 1 and [line.what for line in panels[0].context["lines"]] == ["Så din sag"]
    assert staff_access_log_panel(db, case, clock.now()).context["lines"][0].first_name == "Mette"
