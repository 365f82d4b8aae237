"""Min side shows the case's in-portal notices once they are due, and only the case's own."""

from datetime import timedelta

from app.notify import service
from tests.factories import make_case, sign_in_citizen
from tests.factories.notices import SAMPLES, STARTS


def test_due_notice_is_shown_on_min_side(client, db, clock):
    case, code = make_case(db, now=clock.now(), anonymous=False, email="a@example.dk")
    service.enqueue(db, case=case, kind="new_message", dedupe_key="message:1", now=clock.now())
    service.enqueue(db, case=case, kind="booking_reminder", context=SAMPLES["booking_reminder"],
                    due_at=STARTS - timedelta(hours=24), dedupe_key="r:1", now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    page = client.get("/min-side")
    assert "Nyt fra os" in page.text and "Du har en ny besked fra Haderslev Kommune" in page.text
    assert "Påmindelse om din tid" not in page.text  # not due yet


def test_another_cases_notices_are_not_shown(client, db, clock):
    other, _ = make_case(db, now=clock.now(), anonymous=False, email="b@example.dk")
    service.enqueue(db, case=other, kind="deadline_letter", dedupe_key="deadline:1", now=clock.now())
    _, code = make_case(db, now=clock.now(), anonymous=False, email="a@example.dk")
    db.commit()
    sign_in_citizen(client, code)
    assert "Der er nyt i din sag" not in client.get("/min-side").text
