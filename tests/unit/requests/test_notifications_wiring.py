"""A reply from the centre notifies identified citizens neutrally; anonymous ones get nothing outside the portal."""

from datetime import timedelta

from sqlmodel import select

from app.messages import service as messages
from app.notify.models import OutboxMessage
from app.requests import flows
from app.requests.models import TreatmentRequest
from tests.factories import make_case, make_staff


def _outbox(db):
    return db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_staff_reply_queues_a_neutral_new_message_notice_for_an_identified_citizen(db, clock):
    staff = make_staff(db)
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Kim Hansen", email="kim@example.dk")
    messages.send_staff_message(db, case_id=case.id, staff=staff, body="Hemmelig tekst om behandling", now=clock.now())
    rows = _outbox(db)
    assert {r.kind for r in rows} == {"new_message"}
    assert "portal" in {r.channel for r in rows}
    assert all("Hemmelig" not in (r.body + r.subject) for r in rows)


def test_staff_reply_to_an_anonymous_citizen_queues_nothing(db, clock):
    staff = make_staff(db)
    case, _ = make_case(db, now=clock.now())
    messages.send_staff_message(db, case_id=case.id, staff=staff, body="Svar", now=clock.now())
    assert _outbox(db) == []


def test_deadline_letter_is_queued_as_its_own_kind(db, clock):
    staff = make_staff(db)
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Kim Hansen", email="kim@example.dk")
    req = TreatmentRequest(case_id=case.id, area="alcohol", anonymous=False, received_at=clock.now(),
                           updated_at=clock.now(), status="received",
                           deadline_on=(clock.now() + timedelta(days=14)).date())
    db.add(req)
    db.flush()
    flows.send_deadline_letter(db, req, staff=staff, reason="Sygdom i personalegruppen",
                               new_date=(clock.now() + timedelta(days=20)).date(), now=clock.now())
    assert {r.kind for r in _outbox(db)} == {"deadline_letter"}


def test_digest_counts_the_counsellors_requests_near_the_deadline(db, clock):
    from app.house import house
    from app.notify.digest import build_digest
    mette = make_staff(db, username="mette")
    other = make_staff(db, username="jonas", first_name="Jonas")
    case, _ = make_case(db, now=clock.now())
    for days, counsellor in ((2, mette.id), (3, None), (10, mette.id), (1, other.id)):
        db.add(TreatmentRequest(case_id=case.id, area="drugs", received_at=clock.now(), updated_at=clock.now(),
                                status="received", counsellor_id=counsellor,
                                deadline_on=(clock.now() + timedelta(days=days)).date()))
    db.flush()
    items = build_digest(db, staff=mette, now=clock.now(), sections=house().digest_sections)
    assert [i.count for i in items if "frist" in i.label.text] == [2]
