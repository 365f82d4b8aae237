"""A case is kept while a complaint about it is open, whatever the other retention rules say."""

from datetime import timedelta

from app.cases.models import CitizenCase
from app.complaints import service as complaints
from app.retention.service import PurgeContext, run_purge
from tests.factories import make_case


def test_open_complaint_keeps_an_old_anonymous_case(db, clock, app):
    case, _ = make_case(db, now=clock.now())
    complaints.file_complaint(db, case=case, subject="plan", text="", now=clock.now())
    db.commit()
    later = clock.now() + timedelta(days=400)
    run_purge(db, PurgeContext(now=later, centre=app.state.centre, settings=app.state.settings,
                                holds=app.state.house.retention_holds), app.state.house.purge_rules)
    assert db.get(CitizenCase, case.id) is not None
