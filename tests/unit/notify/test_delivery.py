"""The runner against a real SMTP server and a stand-in SMS gateway: delivery, retry with backoff,
giving up, stale claims, expiry, and exactly-once with two runners at the same time."""

import threading
from datetime import timedelta

from sqlmodel import select

from app.core.clock import FixedClock
from app.notify import service
from app.notify.models import OutboxMessage
from app.notify.runner import claim, run_once
from app.core.db import transaction
from tests.factories import make_case
from tests.factories.notices import ICS, SAMPLES, STARTS


def queue(db, clock, n=1, kind="new_message", **contact):
    contact = contact or {"email": "borger@example.dk", "phone": "20 30 40 50"}
    for i in range(n):
        case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Test Borger",
                            **{k: (v.replace("@", f"+{i}@") if k == "email" else v) for k, v in contact.items()})
        service.enqueue(db, case=case, kind=kind, context=SAMPLES[kind], dedupe_key=f"{kind}:{case.id}",
                        now=clock.now())
    db.commit()


def outside(db):
    db.rollback()
    return list(db.exec(select(OutboxMessage).where(OutboxMessage.channel != "portal").order_by(OutboxMessage.id)))


def test_e_mail_and_sms_are_delivered_with_neutral_sender(db, clock, engine, channels_on, smtp_server, sms_gateway):
    queue(db, clock, kind="booking_confirmation")
    result = run_once(engine, config=channels_on, clock=clock)
    assert (result.sent, result.failed, result.retried) == (2, 0, 0)

    (rcpts, mail), = smtp_server.messages
    assert rcpts == ["borger+0@example.dk"]
    assert mail["Message-ID"].startswith(f"<outbox-{outside(db)[0].id}.")
    assert mail["From"] == "Haderslev Kommune <post@kommune.example>"
    assert mail["Subject"] == "Din tid er bekræftet"
    assert "torsdag 26.11.2026 kl. 14.30" in mail.get_body(("plain",)).get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "aftale.ics" and attachment.get_content_type() == "text/calendar"
    assert attachment.get_payload(decode=True) == ICS

    (headers, payload), = sms_gateway.requests
    assert headers["Authorization"] == "Bearer test-token"
    assert payload == {"sender": "HaderslevKo", "recipients": [{"msisdn": 4520304050}],
                       "message": payload["message"]}
    assert payload["message"].startswith("Din tid 26.11.2026 kl. 14.30 er bekræftet.")

    assert {(r.status, r.attempts) for r in outside(db)} == {("sent", 1)}
    assert all(r.sent_at == clock.now() and r.claimed_by for r in outside(db))


def test_nothing_is_sent_before_it_is_due(db, clock, engine, channels_on, smtp_server):
    case, _ = make_case(db, now=clock.now(), anonymous=False, email="a@example.dk")
    service.enqueue(db, case=case, kind="booking_reminder", context=SAMPLES["booking_reminder"],
                    due_at=STARTS - timedelta(hours=24), dedupe_key="r:1", now=clock.now())
    db.commit()
    assert run_once(engine, config=channels_on, clock=clock).sent == 0
    clock.set(STARTS - timedelta(hours=24))
    assert run_once(engine, config=channels_on, clock=clock).sent == 1
    assert len(smtp_server.messages) == 1


def test_a_reminder_that_could_not_go_before_the_event_expires(db, clock, engine, channels_on, smtp_server):
    case, _ = make_case(db, now=clock.now(), anonymous=False, email="a@example.dk")
    service.enqueue(db, case=case, kind="booking_reminder", context=SAMPLES["booking_reminder"],
                    due_at=STARTS - timedelta(hours=24), expires_at=STARTS, dedupe_key="r:1", now=clock.now())
    db.commit()
    clock.set(STARTS + timedelta(minutes=1))  # the runner was down until after the appointment
    result = run_once(engine, config=channels_on, clock=clock)
    assert (result.sent, result.expired) == (0, 1)
    assert smtp_server.messages == [] and outside(db)[0].status == "cancelled"


def test_gateway_error_is_retried_with_backoff_then_sent(db, clock, engine, channels_on, sms_gateway):
    queue(db, clock, phone="20304050")
    sms_gateway.fail_next = 1
    first = run_once(engine, config=channels_on, clock=clock)
    assert (first.sent, first.retried) == (0, 1)
    (row,) = outside(db)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60) and row.claimed_by is not None

    clock.advance(seconds=59)
    assert run_once(engine, config=channels_on, clock=clock).claimed == 0
    clock.advance(seconds=1)
    assert run_once(engine, config=channels_on, clock=clock).sent == 1
    (row,) = outside(db)
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(sms_gateway.requests) == 1


def test_smtp_temporary_refusal_is_retried(db, clock, engine, channels_on, smtp_server):
    queue(db, clock, email="a@example.dk")
    smtp_server.refuse_next = 1
    assert run_once(engine, config=channels_on, clock=clock).retried == 1
    assert outside(db)[0].last_error == "SMTP 451"
    clock.advance(minutes=1)
    assert run_once(engine, config=channels_on, clock=clock).sent == 1
    assert len(smtp_server.messages) == 1


def test_backoff_doubles_and_gives_up_after_max_attempts(db, clock, engine, channels_on, sms_gateway):
    queue(db, clock, phone="20304050")
    sms_gateway.fail_next = 99
    waits = []
    for _ in range(3):  # max_attempts = 3
        before = clock.now()
        run_once(engine, config=channels_on, clock=clock)
        (row,) = outside(db)
        waits.append(row.next_attempt_at - before)
        clock.set(row.next_attempt_at)
    assert waits[:2] == [timedelta(minutes=1), timedelta(minutes=2)]
    assert (row.status, row.attempts) == ("failed", 3)
    assert run_once(engine, config=channels_on, clock=clock).claimed == 0


def test_last_error_carries_no_personal_data(db, clock, engine, channels_on, sms_gateway):
    queue(db, clock, email="a@example.dk", phone="20304050")
    # SMTP down: nothing listens on the configured port.
    broken = channels_on.settings.__class__(**{**channels_on.settings.__dict__, "smtp_port": 1})
    config = channels_on.__class__(broken, channels_on.centre)
    sms_gateway.fail_next = 1
    run_once(engine, config=config, clock=clock)
    for row in outside(db):
        assert row.last_error and "example.dk" not in row.last_error and "2030" not in row.last_error


def test_a_crashed_runners_claim_is_taken_over_after_the_timeout(db, clock, engine, channels_on, smtp_server):
    queue(db, clock, email="a@example.dk")
    with transaction(engine) as tx:  # a runner claims, then dies before sending
        assert len(claim(tx, token="dead-runner", now=clock.now(), limit=10, claim_timeout=600)) == 1
    assert run_once(engine, config=channels_on, clock=clock).claimed == 0
    clock.advance(seconds=601)
    assert run_once(engine, config=channels_on, clock=clock).sent == 1
    (row,) = outside(db)
    assert row.status == "sent" and row.attempts == 2 and row.claimed_by != "dead-runner"
    assert len(smtp_server.messages) == 1


def test_a_stale_runner_cannot_record_over_the_new_claim(db, clock, engine, channels_on):
    from app.notify.runner import record_sent
    queue(db, clock, email="a@example.dk")
    with transaction(engine) as tx:
        claim(tx, token="old", now=clock.now(), limit=10, claim_timeout=600)
    clock.advance(seconds=601)
    with transaction(engine) as tx:
        claim(tx, token="new", now=clock.now(), limit=10, claim_timeout=600)
    with transaction(engine) as tx:
        row_id = outside(db)[0].id
        assert record_sent(tx, row_id=row_id, token="old", now=clock.now()) is False
        assert record_sent(tx, row_id=row_id, token="new", now=clock.now()) is True


def test_two_runners_at_once_send_every_message_exactly_once(db, clock, settings, channels_on, smtp_server,
                                                             sms_gateway):
    """Two runners, each with its own engine (as two processes would have), start together on
    40 e-mails and 40 SMS with small batches so their claims interleave."""
    from app.core.db import make_engine
    queue(db, clock, n=40)
    sms_gateway.delay = 0.005
    expected = {r.id for r in outside(db)}
    barrier = threading.Barrier(2)
    results, errors = [], []

    def runner(name):
        engine = make_engine(settings.database_url)
        try:
            barrier.wait()
            results.append(run_once(engine, config=channels_on, clock=FixedClock(clock.now()), worker=name))  # no house given: sending alone
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=runner, args=(f"runner-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in results) == 80
    assert all(r.claimed > 0 for r in results), "both runners should have taken part"

    mail_ids = [m["Message-ID"] for _, m in smtp_server.messages]
    assert len(mail_ids) == 40 and len(set(mail_ids)) == 40
    assert {int(i.split("outbox-")[1].split(".")[0]) for i in mail_ids} == \
        {r.id for r in outside(db) if r.channel == "email"}
    assert len(sms_gateway.requests) == 40
    rows = outside(db)
    assert {r.id for r in rows} == expected
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}


def test_nothing_is_ever_sent_for_an_anonymous_case(db, clock, engine, channels_on, smtp_server, sms_gateway):
    case, _ = make_case(db, now=clock.now(), anonymous=True, display_name="Kim")
    for kind in ("booking_confirmation", "booking_reminder", "booking_cancelled", "new_message",
                 "deadline_letter", "plan_revision_due"):
        service.enqueue(db, case=case, kind=kind, context=SAMPLES[kind], dedupe_key=f"{kind}:{case.id}",
                        now=clock.now())
    db.commit()
    clock.advance(days=30)
    result = run_once(engine, config=channels_on, clock=clock)
    assert result.claimed == 0
    assert smtp_server.messages == [] and sms_gateway.requests == []
    db.rollback()
    assert db.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all() == []


class SlowClockSender:
    """Sends by moving the clock on: each message 'takes' four minutes."""

    def __init__(self, clock):
        self.clock, self.sent = clock, []

    def send(self, row):
        self.sent.append(row.id)
        self.clock.advance(minutes=4)


def test_a_slow_batch_hands_back_what_it_could_not_send_before_its_claim_could_go_stale(
        db, clock, engine, channels_on):
    queue(db, clock, n=4, email="a@example.dk")
    sender = SlowClockSender(clock)
    result = run_once(engine, config=channels_on, clock=clock, senders={"email": sender})
    # claim timeout 10 min: after two messages (8 min) the claim is past half its life, so the rest
    # go back and are claimed afresh in the next batch of the same pass.
    assert result.sent == 4 and len(sender.sent) == 4 and len(set(sender.sent)) == 4
    assert {(r.status, r.attempts) for r in outside(db)} == {("sent", 1)}
