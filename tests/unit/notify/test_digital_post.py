"""The Digital Post channel against a local SF1601 stand-in (tests/factories/digital_post.py): who
gets letters, what goes over the wire, retries after errors and timeouts, exactly once, the citizen
who cannot receive Digital Post, and the channel switched off."""

from datetime import timedelta

import pytest
from lxml import etree
from sqlmodel import select

from app.core.config import NotifySettings, settings_from_env
from app.notify import service
from app.notify.channels import build_senders
from app.notify.digital_post import NOT_REGISTERED
from app.notify.memo import NS, Document, Letter
from app.notify.models import OutboxMessage
from app.notify.runner import run_once
from tests.factories import make_case
from tests.factories.digital_post import verify

M = "{%s}" % NS
LETTER = Letter(title="Brev om din sag", main=Document(label="Brev om din sag", filename="brev.pdf",
                                                         content=b"%PDF-1.4 brev"))


def verified_case(db, clock, **verified):
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Mette Hansen")
    verify(db, case, now=clock.now(), **verified)
    db.commit()
    return case


def queue(db, clock, case, *, letter=LETTER, key="deadline_letter:1", config):
    channels = service.enqueue_letter(db, case=case, kind="deadline_letter", letter=letter, dedupe_key=key,
                                      now=clock.now(), config=config)
    db.commit()
    return channels


def letters(db):
    db.rollback()
    return list(db.exec(select(OutboxMessage).where(OutboxMessage.channel == "digital_post")))


def run(app, clock, sf1601):
    return run_once(app.state.engine, config=sf1601.config, clock=clock)


def test_a_letter_goes_by_digital_post_only_to_a_mitid_verified_citizen(db, clock, sf1601):
    typed, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Skrevet Selv")  # no CaseIdentity
    anonymous, _ = make_case(db, now=clock.now(), anonymous=True)
    verify(db, anonymous, now=clock.now())  # even a stray identity row does not make an anonymous case reachable
    db.commit()
    assert queue(db, clock, typed, key="deadline_letter:1", config=sf1601.config) == []
    assert queue(db, clock, anonymous, key="deadline_letter:2", config=sf1601.config) == []
    assert queue(db, clock, verified_case(db, clock), key="deadline_letter:3", config=sf1601.config) == ["digital_post"]
    assert [row.dedupe_key for row in letters(db)] == ["deadline_letter:3"]


def test_the_letter_is_delivered_as_memo_with_the_transaction_id_and_token(db, clock, app, sf1601):
    case = verified_case(db, clock, cpr="010190-1234")
    queue(db, clock, case, config=sf1601.config)
    result = run(app, clock, sf1601)
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    (row,) = letters(db)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, clock.now())
    assert row.attachment is None  # delivered: the CPR number and the letter are not kept in the outbox
    ((message_uuid, got),) = sf1601.letters.items()
    assert got.headers["X-TransaktionsId"] == message_uuid
    assert got.headers["Authorization"] == "Holder-of-key test-token"
    assert got.headers["Content-Type"] == "application/xml"
    assert got.text("MessageHeader/label") == "Brev om din sag"
    assert got.text("MessageHeader/Sender/label") == "Haderslev Kommune"
    assert got.text("MessageHeader/Sender/senderID") == "29189781"
    assert got.text("MessageHeader/Recipient/recipientID") == "0101901234"
    assert got.text("MessageHeader/legalNotification") == "false"  # a deadline letter is no decision
    assert sf1601.lookups == ["0101901234"]


def test_a_server_error_is_retried_with_backoff_then_the_letter_is_delivered_once(db, clock, app, sf1601):
    queue(db, clock, verified_case(db, clock), config=sf1601.config)
    sf1601.fail_next = 2
    first = run(app, clock, sf1601)
    assert (first.sent, first.retried) == (0, 1)
    (row,) = letters(db)
    assert (row.status, row.last_error, row.next_attempt_at) == ("pending", "HTTP 500", clock.now() + timedelta(minutes=1))
    clock.advance(seconds=59)
    assert run(app, clock, sf1601).claimed == 0  # not before its time
    clock.advance(seconds=1)
    assert run(app, clock, sf1601).retried == 1
    assert letters(db)[0].next_attempt_at == clock.now() + timedelta(minutes=2)  # the wait doubles
    clock.advance(minutes=2)
    assert run(app, clock, sf1601).sent == 1
    assert (letters(db)[0].status, letters(db)[0].attempts) == ("sent", 3)
    assert sf1601.posts == 3 and len(sf1601.letters) == 1


def test_a_timeout_is_retried_with_the_same_message_uuid_and_the_citizen_gets_one_letter(db, clock, app, sf1601):
    queue(db, clock, verified_case(db, clock), config=sf1601.config)
    sf1601.slow_next, sf1601.delay = 1, 3.0  # it arrives, but the answer comes after our 2 s timeout
    first = run(app, clock, sf1601)
    assert (first.sent, first.retried) == (0, 1)
    assert letters(db)[0].last_error == "ReadTimeout"
    clock.advance(minutes=1)
    assert run(app, clock, sf1601).sent == 1  # the second POST is refused as a duplicate: it is there
    assert sf1601.posts == 2 and len(sf1601.letters) == 1
    assert letters(db)[0].status == "sent"


def test_a_letter_queued_twice_is_one_letter_at_digital_post(db, clock, app, sf1601):
    case = verified_case(db, clock)
    assert queue(db, clock, case, config=sf1601.config) == ["digital_post"]
    assert queue(db, clock, case, config=sf1601.config) == []  # the same event: nothing new
    run(app, clock, sf1601)
    clock.advance(hours=1)
    run(app, clock, sf1601)
    assert len(letters(db)) == 1 and sf1601.posts == 1 and len(sf1601.letters) == 1


def test_a_citizen_who_cannot_receive_digital_post_is_not_sent_a_letter(db, clock, app, sf1601):
    queue(db, clock, verified_case(db, clock, cpr="020280-5678"), config=sf1601.config)
    sf1601.not_registered.add("0202805678")
    result = run(app, clock, sf1601)
    assert (result.sent, result.failed) == (0, 1)
    (row,) = letters(db)
    assert (row.status, row.last_error) == ("failed", NOT_REGISTERED)  # given up at once: staff post it
    assert sf1601.posts == 0
    (state,) = service.letters_of_case(db, row.case_id).values()
    assert state.not_registered and state.needs_post
    assert service.letter_pdf(db, case_id=row.case_id, letter_id=row.id) == b"%PDF-1.4 brev"
    assert service.letter_pdf(db, case_id=row.case_id + 1, letter_id=row.id) is None  # only through its own case


def test_a_title_or_document_name_that_reveals_the_treatment_is_withheld(db, clock, app, sf1601):
    revealing = Letter(title="Din alkoholbehandling",
                       main=Document(label="Brev", filename="brev.pdf", content=b"%PDF-1.4"))
    queue(db, clock, verified_case(db, clock), letter=revealing, config=sf1601.config)
    named = Letter(title="Brev om din sag", main=Document(label="Brev", filename="rusmiddelcentret.pdf", content=b"x"))
    queue(db, clock, verified_case(db, clock, cpr="030370-1111"), letter=named, key="deadline_letter:2",
          config=sf1601.config)
    assert {(row.status, row.last_error) for row in letters(db)} == {("failed", service.WITHHELD)}
    run(app, clock, sf1601)
    assert sf1601.posts == 0 and sf1601.lookups == []


def test_the_sender_label_is_the_neutral_sender_name_and_the_title_neutral(db, clock, app, sf1601):
    from app.notify.wording import is_neutral
    queue(db, clock, verified_case(db, clock), config=sf1601.config)
    run(app, clock, sf1601)
    (got,) = sf1601.letters.values()
    outside = [got.text("MessageHeader/label"), got.text("MessageHeader/Sender/label")] + \
        [e.text for e in got.message.iter(M + "label", M + "filename")]
    assert all(outside) and is_neutral(*outside)


def test_with_nothing_configured_digital_post_is_off_and_the_portal_runs(db, clock, client, channels_off):
    assert not channels_off.settings.digital_post_on
    assert "digital_post" not in build_senders(channels_off)
    assert queue(db, clock, verified_case(db, clock), config=channels_off) == []
    assert client.get("/healthz").json() == {"status": "ok"}


def test_digital_post_needs_a_url_and_the_senders_cvr_from_the_environment():
    env = {"DIGITAL_POST_URL": "https://sp.example/service/", "DIGITAL_POST_CERT": "/etc/dp/cert.pem",
           "DIGITAL_POST_KEY": "/etc/dp/key.pem", "DIGITAL_POST_TOKEN": "Holder-of-key abc",
           "DIGITAL_POST_SENDER_CVR": "29189781", "DIGITAL_POST_TIMEOUT_SECONDS": "12"}
    notify = settings_from_env(env).notify
    assert notify.digital_post_on and notify.digital_post_timeout_seconds == 12.0
    assert (notify.digital_post_cert, notify.digital_post_key) == ("/etc/dp/cert.pem", "/etc/dp/key.pem")
    assert not settings_from_env({**env, "DIGITAL_POST_SENDER_CVR": ""}).notify.digital_post_on
    assert not NotifySettings().digital_post_on


def test_production_refuses_a_digital_post_url_without_the_senders_cvr():
    env = {"APP_ENV": "production", "SECRET_KEY": "x" * 40, "DIGITAL_POST_URL": "https://sp.example/service/"}
    with pytest.raises(RuntimeError, match="DIGITAL_POST_SENDER_CVR"):
        settings_from_env(env).check()
    settings_from_env({**env, "DIGITAL_POST_SENDER_CVR": "29189781"}).check()
    settings_from_env({**env, "DIGITAL_POST_URL": ""}).check()  # off is fine: the portal runs without it


def test_the_outbox_page_never_shows_a_cpr_number():
    assert service.mask_recipient("digital_post", "010190-1234") == "••••••-••••"


def test_what_goes_over_the_wire_is_a_kombi_request_around_the_queued_memo(db, clock, app, sf1601):
    queue(db, clock, verified_case(db, clock), config=sf1601.config)
    (row,) = letters(db)
    run(app, clock, sf1601)
    (got,) = sf1601.letters.values()
    assert etree.tostring(got.message, method="c14n") == \
        etree.tostring(etree.fromstring(row.attachment), method="c14n")
