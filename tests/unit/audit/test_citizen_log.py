from app.audit.service import OTHER_ACTION, log_for_citizen, record_access
from tests.factories import make_staff


def test_citizen_log_has_role_time_and_action_and_a_first_name_only_when_allowed(db, clock):
    staff = make_staff(db, role="leader", first_name="Lars")
    record_access(db, staff=staff, case_id=1, action="view_case", now=clock.now())
    record_access(db, staff=staff, case_id=2, action="view_case", now=clock.now())
    record_access(db, staff=staff, case_id=1, action="something_new", now=clock.now())
    shown = log_for_citizen(db, 1, show_first_name=True)
    hidden = log_for_citizen(db, 1, show_first_name=False)
    assert [(line.role, line.first_name) for line in shown] == [("Leder", "Lars")] * 2
    assert [line.first_name for line in hidden] == [None, None]
    assert {line.what for line in shown} == {"Så din sag", OTHER_ACTION}
    assert all(line.at == clock.now() for line in shown)
