"""Demo data: requests in different guarantee states, loaded once."""

from sqlmodel import select

from app.demo import load_demo
from app.requests import service
from app.requests.guarantee import GuaranteeState
from app.requests.models import TreatmentRequest


def test_demo_requests_cover_the_guarantee_states(settings, clock, db):
    list(load_demo(settings, clock))
    again = list(load_demo(settings, clock))
    assert "Demo-henvendelser findes allerede." in again
    db.rollback()
    reqs = db.exec(select(TreatmentRequest)).all()
    assert len(reqs) == 6
    states = {service.guarantee_for(db, r, now=clock.now()).state for r in reqs}
    assert states == {GuaranteeState.running, GuaranteeState.breached, GuaranteeState.met,
                      GuaranteeState.not_applicable, GuaranteeState.relative}
    assert any(service.guarantee_for(db, r, now=clock.now()).urgent for r in reqs)
