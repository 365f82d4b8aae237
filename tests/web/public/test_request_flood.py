"""One connection cannot fill the counsellors' inbox: a few new cases an hour, then a plain wait
(typed input kept); staff remove a flood of untouched anonymous requests in one action, logged."""

from sqlalchemy import func
from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.core.config import Settings
from app.main import create_app
from app.requests.models import TreatmentRequest
from tests.conftest import PortalClient
from tests.factories import make_staff, sign_in_staff

FORM = {"age": "30_plus", "area": "alcohol", "for_whom": "self", "anonymity": "anonymous",
        "message": "Jeg drikker for meget.", "display_name": "Kim"}
DEFAULT_CAP = Settings().new_cases_per_connection_hour


def _requests(db) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(TreatmentRequest)).one()


def test_one_connection_opens_a_few_cases_an_hour_then_is_told_the_real_wait(settings, db, clock):
    app = create_app(settings.with_(new_cases_per_connection_hour=DEFAULT_CAP), clock=clock)
    with PortalClient(app, base_url="http://testserver") as client:
        statuses = [client.submit("/behandling/send", FORM).status_code for _ in range(DEFAULT_CAP + 2)]
        assert statuses == [200] * DEFAULT_CAP + [429, 429]
        refused = client.submit("/behandling/send", FORM)
        assert "Prøv igen om 60 minutter, eller ring til os" in refused.text
        assert "Jeg drikker for meget." in refused.text and 'href="#send"' in refused.text
        assert _requests(db) == DEFAULT_CAP
        clock.advance(minutes=61)
        assert client.submit("/behandling/send", FORM).status_code == 200
    app.state.engine.dispose()


def test_staff_remove_a_flood_of_untouched_anonymous_requests_in_one_action(client, make_client, db, clock):
    for _ in range(3):
        assert make_client().submit("/behandling/send", FORM).status_code == 200
    user = make_staff(db, role="counsellor")
    sign_in_staff(client, user)
    inbox = client.get("/personale/indbakke").text
    assert "Fjern de 3 henvendelser fra forbindelse 1" in inbox
    db.rollback()
    tag = db.exec(select(TreatmentRequest.source_tag)).first()
    assert client.submit("/personale/indbakke/forbindelse", {"source": tag}).status_code == 303
    assert _requests(db) == 0
    logged = db.exec(select(AccessLogEntry).where(AccessLogEntry.action == "remove_junk_request")).all()
    assert len(logged) == 3 and {e.staff_id for e in logged} == {user.id}


def test_a_request_someone_has_started_on_is_never_removed_as_junk(client, make_client, db, clock):
    from app.requests import service
    for _ in range(2):
        make_client().submit("/behandling/send", FORM)
    db.rollback()
    first = db.exec(select(TreatmentRequest).order_by(TreatmentRequest.id)).first()
    first.status = "visitation"
    db.add(first)
    db.commit()
    removed = service.remove_requests_from_source(db, tag=first.source_tag, now=clock.now())
    db.commit()
    assert len(removed) == 1 and _requests(db) == 1
