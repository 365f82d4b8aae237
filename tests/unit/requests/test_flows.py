"""The flows that start at a request and reach other domains (requests/flows.py), without HTTP."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.cases import service as cases
from app.cases.models import CitizenCase
from app.messages.models import Message
from app.notify.models import OutboxMessage
from app.requests import flows, service
from app.requests.guarantee import GuaranteeState
from app.requests.models import TreatmentRequest
from tests.factories import make_staff


def _intake(**kw):
    return service.Intake(**{"area": "alcohol", "for_relative": False, "anonymous": True, **kw})


def _identified():
    return _intake(anonymous=False, full_name="Kim Hansen", email="kim@example.dk", cpr="0101801234")


def test_a_request_opens_a_case_with_its_code_and_starts_the_clock(db, clock):
    case, code, req = flows.submit_request(db, intake=_identified(), now=clock.now(), language="en")
    assert db.get(CitizenCase, case.id).full_name == "Kim Hansen" and case.language == "en"
    assert code.display and req.case_id == case.id and req.cpr == "0101801234"
    assert req.received_at == clock.now() and req.deadline_on is not None


def test_an_anonymous_request_keeps_no_cpr_number(db, clock):
    _, _, req = flows.submit_request(db, intake=_intake(cpr="0101801234"), now=clock.now())
    assert req.cpr is None


def test_a_citizens_request_is_tagged_with_the_connection_of_the_day(db, clock):
    _, _, req = flows.request_treatment(db, intake=_intake(), client_key="10.0.0.1", per_hour=5, now=clock.now())
    assert req.source_tag == service.source_tag("10.0.0.1", clock.now())


def test_a_connection_past_its_hourly_share_opens_no_case(db, clock):
    for _ in range(2):
        flows.request_treatment(db, intake=_intake(), client_key="10.0.0.1", per_hour=2, now=clock.now())
    with pytest.raises(cases.TooManyFromConnection):
        flows.request_treatment(db, intake=_intake(), client_key="10.0.0.1", per_hour=2, now=clock.now())
    assert len(db.exec(select(CitizenCase)).all()) == 2 and len(db.exec(select(TreatmentRequest)).all()) == 2
    flows.request_treatment(db, intake=_intake(), client_key="10.0.0.2", per_hour=2, now=clock.now())


def test_a_deadline_letter_is_recorded_written_in_the_thread_and_notified(db, clock):
    staff = make_staff(db, first_name="Mette")
    case, _, req = flows.submit_request(db, intake=_identified(), now=clock.now())
    flows.send_deadline_letter(db, req, staff=staff, reason="Sygdom", new_date=date(2026, 12, 21), now=clock.now())
    assert req.delay_new_date == date(2026, 12, 21) and req.delay_reason == "Sygdom"
    letter = db.exec(select(Message).where(Message.case_id == case.id)).one()
    assert letter.from_staff and "Sygdom" in letter.body and "21.12.2026" in letter.body
    assert {o.kind for o in db.exec(select(OutboxMessage))} == {"deadline_letter"}


def test_a_refused_deadline_letter_writes_nothing_to_the_citizen(db, clock):
    staff = make_staff(db)
    _, _, req = flows.submit_request(db, intake=_identified(), now=clock.now())
    with pytest.raises(service.RequestError) as err:
        flows.send_deadline_letter(db, req, staff=staff, reason="Sygdom",
                                   new_date=(clock.now() - timedelta(days=1)).date(), now=clock.now())
    assert err.value.field == "new_date" and req.delay_notified_at is None
    assert db.exec(select(Message)).all() == [] and db.exec(select(OutboxMessage)).all() == []


def test_free_choice_asked_by_the_citizen_waives_the_deadline_and_says_so_in_the_thread(db, clock):
    case, _, req = flows.submit_request(db, intake=_intake(), now=clock.now())
    flows.ask_for_free_choice(db, req, now=clock.now())
    assert req.free_choice_by == "citizen"
    later = clock.now() + timedelta(days=30)
    assert service.guarantee_for(db, req, now=later).state == GuaranteeState.waived
    message = db.exec(select(Message).where(Message.case_id == case.id)).one()
    assert not message.from_staff and message.body == flows.FREE_CHOICE_MESSAGE


def test_the_inbox_counts_each_cases_unread_messages_from_the_citizen(db, clock):
    quiet, _, _ = flows.submit_request(db, intake=_intake(), now=clock.now())
    busy, _, _ = flows.submit_request(db, intake=_intake(), now=clock.now())
    for body in ("Hej", "Er der nogen?"):
        db.add(Message(case_id=busy.id, from_staff=False, body=body, sent_at=clock.now()))
    db.add(Message(case_id=quiet.id, from_staff=False, body="Læst", sent_at=clock.now(), read_at=clock.now()))
    db.flush()
    unread = {row.case.id: row.unread for row in flows.inbox(db, now=clock.now()).rows}
    assert unread == {quiet.id: 0, busy.id: 2}
