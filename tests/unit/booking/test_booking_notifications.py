"""Identified citizens get a confirmation and a reminder; a cancellation withdraws the reminder;
anonymous bookings send nothing outside the portal."""

from datetime import timedelta

from sqlmodel import select

from app.booking import service
from app.cases.service import ContactDetails
from app.notify.models import OutboxMessage
from tests.factories.booking import make_session


def _rows(db):
    return db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_identified_booking_queues_confirmation_and_reminder_a_day_before(db, clock):
    session = make_session(db, now=clock.now(), day=(clock.now() + timedelta(days=3)).date())
    result = service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False,
                                  anonymous=False, contact=ContactDetails(full_name="Kim Hansen", email="kim@example.dk"))
    rows = _rows(db)
    assert {r.kind for r in rows} == {"booking_confirmation", "booking_reminder"}
    reminder = [r for r in rows if r.kind == "booking_reminder" and r.channel == "portal"][0]
    assert reminder.due_at == result.session.starts_at - timedelta(hours=24)


def test_cancelling_withdraws_the_reminder(db, clock):
    session = make_session(db, now=clock.now(), day=(clock.now() + timedelta(days=3)).date())
    result = service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False,
                                  anonymous=False, contact=ContactDetails(full_name="Kim Hansen", email="kim@example.dk"))
    service.cancel_booking(db, case_id=result.case.id, booking_id=result.booking.id, now=clock.now())
    statuses = {r.status for r in _rows(db) if r.kind == "booking_reminder"}
    assert statuses == {"cancelled"}


def test_anonymous_booking_sends_nothing_outside_the_portal(db, clock):
    session = make_session(db, now=clock.now(), day=(clock.now() + timedelta(days=3)).date())
    service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False)
    assert _rows(db) == []


def test_the_calendar_attachment_sent_by_e_mail_is_neutral(db, clock):
    from app.booking.notifications import _neutral_ics
    from app.notify.wording import revealing_words
    session = make_session(db, now=clock.now(), day=(clock.now() + timedelta(days=3)).date())
    result = service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False)
    ics = _neutral_ics(result.booking, result.session, result.case, clock.now()).decode()
    assert revealing_words(ics) == []
