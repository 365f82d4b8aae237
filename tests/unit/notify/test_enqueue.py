"""enqueue / enqueue_staff / cancel: who gets what, on which channels, and never twice."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.notify import service
from app.notify.models import OutboxMessage
from app.notify.render import MissingContext, UnknownKind
from tests.factories import make_case, make_staff
from tests.factories.notices import ICS, SAMPLES, STARTS


def rows(db, **where):
    db.rollback()
    query = select(OutboxMessage).order_by(OutboxMessage.channel)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return list(db.exec(query))


def identified(db, clock, **contact):
    contact = contact or {"email": "borger@example.dk", "phone": "20 30 40 50"}
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Test Borger", **contact)
    return case


def test_anonymous_case_gets_nothing_outside_the_portal(db, clock, channels_on):
    case, _ = make_case(db, now=clock.now(), anonymous=True, display_name="Kim")
    for kind in ("booking_confirmation", "new_message", "deadline_letter"):
        assert service.enqueue(db, case=case, kind=kind, context=SAMPLES[kind], dedupe_key=f"{kind}:1",
                               now=clock.now()) == []
    db.commit()
    assert rows(db) == []


def test_anonymous_case_gets_nothing_even_if_contact_details_slipped_in(db, clock, channels_on):
    case, _ = make_case(db, now=clock.now(), anonymous=True)
    case.email, case.phone = "x@example.dk", "20304050"  # must never happen, but if it did
    assert service.enqueue(db, case=case, kind="new_message", dedupe_key="m:1", now=clock.now()) == []


def test_identified_case_without_contact_details_gets_nothing(db, clock, channels_on):
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Uden Kontakt")
    assert service.enqueue(db, case=case, kind="new_message", dedupe_key="m:1", now=clock.now()) == []


def test_channels_follow_contact_details_and_settings(db, clock, channels_on):
    both = identified(db, clock)
    mail_only = identified(db, clock, email="kun@example.dk")
    assert sorted(service.enqueue(db, case=both, kind="new_message", dedupe_key="m:both", now=clock.now())) == \
        ["email", "portal", "sms"]
    assert sorted(service.enqueue(db, case=mail_only, kind="new_message", dedupe_key="m:mail", now=clock.now())) == \
        ["email", "portal"]


def test_with_no_channel_configured_only_the_in_portal_notice_is_kept(db, clock, channels_off):
    case = identified(db, clock)
    assert service.enqueue(db, case=case, kind="new_message", dedupe_key="m:1", now=clock.now()) == ["portal"]
    db.commit()
    (row,) = rows(db)
    assert row.channel == "portal" and row.status == "sent" and row.recipient == ""


def test_same_dedupe_key_is_queued_once(db, clock, channels_on):
    case = identified(db, clock)
    key = f"booking-reminder:7:{STARTS.isoformat()}"
    first = service.enqueue(db, case=case, kind="booking_reminder", context=SAMPLES["booking_reminder"],
                            due_at=STARTS - timedelta(hours=24), dedupe_key=key, now=clock.now())
    db.commit()
    again = service.enqueue(db, case=case, kind="booking_reminder", context=SAMPLES["booking_reminder"],
                            due_at=STARTS - timedelta(hours=24), dedupe_key=key, now=clock.now())
    db.commit()
    assert len(first) == 3 and again == []
    assert len(rows(db, dedupe_key=key)) == 3


def test_the_database_refuses_a_duplicate_dedupe_key_on_the_same_channel(db, clock):
    now = clock.now()
    for _ in range(2):
        db.add(OutboxMessage(kind="new_message", channel="email", dedupe_key="k", recipient="a@b.dk", due_at=now,
                             next_attempt_at=now, created_at=now))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_text_is_rendered_when_queued_in_the_case_language(db, clock, channels_on):
    case, _ = make_case(db, now=clock.now(), anonymous=False, email="en@example.dk")
    case.language = "en"
    db.commit()
    service.enqueue(db, case=case, kind="new_message", dedupe_key="m:1", now=clock.now())
    db.commit()
    mail = rows(db, channel="email")[0]
    assert mail.lang == "en" and mail.subject == "You have a new message from Haderslev Kommune"
    assert mail.status == "pending" and mail.attempts == 0 and mail.due_at == clock.now()


def test_calendar_attachment_is_kept_for_e_mail_only(db, clock, channels_on):
    case = identified(db, clock)
    service.enqueue(db, case=case, kind="booking_confirmation", context=SAMPLES["booking_confirmation"],
                    dedupe_key="b:1", now=clock.now())
    without = identified(db, clock, email="ingen@example.dk")
    service.enqueue(db, case=without, kind="booking_confirmation", context={"starts_at": STARTS},
                    dedupe_key="b:2", now=clock.now())
    db.commit()
    by_key = {(r.dedupe_key, r.channel): r for r in rows(db)}
    assert by_key[("b:1", "email")].attachment == ICS and by_key[("b:1", "email")].attachment_name == "aftale.ics"
    assert by_key[("b:1", "sms")].attachment is None
    assert by_key[("b:2", "email")].attachment is None


def test_revealing_values_from_a_caller_are_withheld_from_outside_channels(db, clock, channels_on):
    case = identified(db, clock)
    context = {"starts_at": STARTS, "place": "Rusmiddelcentret, Clausensvej 25"}
    service.enqueue(db, case=case, kind="booking_confirmation", context=context, dedupe_key="b:1", now=clock.now())
    db.commit()
    by_channel = {r.channel: r for r in rows(db)}
    assert by_channel["email"].status == "failed" and by_channel["email"].last_error == service.WITHHELD
    # The SMS text has no place in it, so it may go.
    assert by_channel["sms"].status == "pending"


def test_revealing_calendar_attachment_is_withheld(db, clock, channels_on):
    case = identified(db, clock, email="a@example.dk")
    ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:\xc3\x85ben R\xc3\xa5dgivning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    service.enqueue(db, case=case, kind="booking_reminder", context={"starts_at": STARTS, "ics": ics},
                    dedupe_key="r:1", now=clock.now())
    db.commit()
    assert rows(db, channel="email")[0].status == "failed"


def test_unknown_kind_and_missing_context_are_programming_errors(db, clock, channels_on):
    case = identified(db, clock)
    with pytest.raises(UnknownKind):
        service.enqueue(db, case=case, kind="no_such_kind", dedupe_key="x", now=clock.now())
    with pytest.raises(UnknownKind):  # a staff kind is not for citizens
        service.enqueue(db, case=case, kind="staff_digest", context={"items": []}, dedupe_key="x", now=clock.now())
    with pytest.raises(MissingContext):
        service.enqueue(db, case=case, kind="booking_reminder", context={}, dedupe_key="x", now=clock.now())


def test_cancel_stops_what_is_still_waiting(db, clock, channels_on):
    case = identified(db, clock)
    due = clock.now() + timedelta(days=2)
    service.enqueue(db, case=case, kind="booking_reminder", context=SAMPLES["booking_reminder"], due_at=due,
                    dedupe_key=f"booking-reminder:7:{STARTS.isoformat()}", now=clock.now())
    service.enqueue(db, case=case, kind="new_message", dedupe_key="message:1", now=clock.now())
    assert service.cancel(db, prefix="booking-reminder:7:", now=clock.now()) == 3  # email, sms, future portal notice
    db.commit()
    assert {r.status for r in rows(db, kind="booking_reminder")} == {"cancelled"}
    assert {r.status for r in rows(db, kind="new_message")} == {"pending", "sent"}


def test_staff_alerts_go_by_e_mail_to_staff_with_an_address(db, clock, channels_on):
    with_mail = make_staff(db, username="mette", now=clock.now())
    with_mail.email = "mette@kommune.example"
    without = make_staff(db, username="jonas", first_name="Jonas", now=clock.now())
    db.commit()
    ctx = {"count": 2}
    assert service.enqueue_staff(db, staff=with_mail, kind="followup_calls_due", context=ctx,
                                 dedupe_key="f:1", now=clock.now()) == ["email"]
    assert service.enqueue_staff(db, staff=without, kind="followup_calls_due", context=ctx,
                                 dedupe_key="f:2", now=clock.now()) == []
    with pytest.raises(UnknownKind):
        service.enqueue_staff(db, staff=with_mail, kind="new_message", dedupe_key="f:3", now=clock.now())


def test_recipients_are_masked_on_the_staff_page():
    assert service.mask_recipient("email", "mette.hansen@gmail.com") == "m•••@g•••.com"
    assert service.mask_recipient("sms", "+45 20 30 40 78") == "•••• ••78"
