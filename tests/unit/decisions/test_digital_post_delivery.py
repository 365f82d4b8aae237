"""A decision reaches a MitID-verified citizen by Digital Post: a legal notification with its
complaint guide, delivered once, and its complaint deadline counted from the day it was made
available there; a citizen who cannot receive it is sent the letter by post, under the post rule."""

from datetime import date, timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlmodel import select

from app.cases.models import CitizenCase
from app.core import deadlines
from app.decisions import flows, service
from app.decisions.models import Decision
from app.house import house
from app.notify.memo import NS
from app.notify.models import OutboxMessage
from app.notify.runner import run_once
from tests.factories import make_case
from tests.factories.decisions import CENTRE, decision_input
from tests.factories.digital_post import verify

M = "{%s}" % NS


def verified_case(db, clock, **kw):
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Mette Hansen")
    verify(db, case, now=clock.now(), **kw)
    db.commit()
    return case


def decide(db, clock, case, legal_basis="SEL § 101"):
    decision, channels = flows.decide(db, case=case, staff=None, data=decision_input(legal_basis), centre=CENTRE,
                                      now=clock.now())
    db.commit()
    return decision, channels


def run(app, clock, sf1601):
    return run_once(app.state.engine, config=sf1601.config, clock=clock, house=house())


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def fresh(db, decision) -> Decision:
    db.rollback()
    db.expire_all()
    return db.get(Decision, decision.id)


def test_a_decision_for_a_verified_citizen_is_delivered_as_a_legal_notification_with_its_complaint_guide(
        db, clock, app, sf1601):
    import base64
    decision, channels = decide(db, clock, verified_case(db, clock))
    assert channels == ["digital_post"]
    assert run(app, clock, sf1601).sent == 1
    (got,) = sf1601.letters.values()
    assert got.text("MessageHeader/legalNotification") == "true" and got.text("MessageHeader/mandatory") == "true"
    assert got.text("MessageHeader/label") == "Afgørelse i din sag"
    main = base64.b64decode(got.text("MessageBody/MainDocument/File/content"))
    assert "Serviceloven § 101, stk. 1" in pdf_text(main) and "Mette Hansen" in pdf_text(main)
    (guide_doc,) = got.message.iter(M + "AdditionalDocument")
    assert guide_doc.findtext(M + "label") == "Klagevejledning"
    guide = pdf_text(base64.b64decode(guide_doc.findtext(f"{M}File/{M}content")))
    assert "Ankestyrelsen" in guide and "retssikkerhedsloven § 67" in guide
    stored = fresh(db, decision)
    assert (stored.delivered_by, stored.notified_at) == ("digital_post", clock.now())


def test_the_complaint_deadline_counts_from_the_day_the_letter_reached_digital_post(db, clock, app, sf1601):
    decision, _ = decide(db, clock, verified_case(db, clock))  # Monday 23.11.2026
    assert service.complaint_deadline(fresh(db, decision)) == date(2026, 12, 21)
    sf1601.fail_next = 99
    run(app, clock, sf1601)
    sf1601.fail_next = 0
    clock.advance(days=1)  # the platform answered again on Tuesday
    assert run(app, clock, sf1601).sent == 1
    stored = fresh(db, decision)
    assert stored.delivered_by == "digital_post" and stored.notified_at == clock.now()
    assert service.complaint_deadline(stored) == deadlines.complaint_deadline(clock.now(), "digital_post") \
        == date(2026, 12, 22)
    assert "22.12.2026" in stored.complaint_guide
    assert not service.may_send_by_post(db.get(CitizenCase, stored.case_id), stored)  # no post form now


def test_a_decision_sent_twice_is_delivered_once(db, clock, app, sf1601):
    case = verified_case(db, clock)
    decision, _ = decide(db, clock, case)
    assert flows.send_decision_letter(db, case=case, decision=decision, centre=CENTRE, now=clock.now()) == []
    db.commit()
    run(app, clock, sf1601)
    clock.advance(hours=2)
    run(app, clock, sf1601)
    assert sf1601.posts == 1 and len(sf1601.letters) == 1
    assert len(db.exec(select(OutboxMessage).where(OutboxMessage.channel == "digital_post")).all()) == 1


def test_a_decision_on_an_anonymous_or_unverified_case_never_goes_by_digital_post(db, clock, app, sf1601):
    anonymous, _ = make_case(db, now=clock.now(), anonymous=True)
    named, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Kun Navn", phone="20304050")
    assert decide(db, clock, anonymous, legal_basis="SEL § 101 a")[1] == []
    assert decide(db, clock, named)[1] == []
    run(app, clock, sf1601)
    assert sf1601.posts == 0 and sf1601.lookups == []
    assert {d.delivered_by for d in db.exec(select(Decision))} == {"min_side"}


def test_a_citizen_who_cannot_receive_digital_post_is_sent_the_letter_by_post_under_the_post_rule(
        db, clock, app, sf1601):
    case = verified_case(db, clock, cpr="020280-5678")
    sf1601.not_registered.add("0202805678")
    decision, _ = decide(db, clock, case)
    run(app, clock, sf1601)
    stored = fresh(db, decision)
    assert stored.delivered_by == "min_side" and service.may_send_by_post(case, stored)
    posted = service.record_sent_by_post(db, case=case, decision=stored, posted_on=date(2026, 11, 23), centre=CENTRE,
                                         now=clock.now())
    db.commit()
    # Posted Monday: received Saturday 28.11, four weeks on is Saturday 26.12 (a holiday), so Monday 28.12.
    assert posted.delivered_by == "physical_post"
    assert service.complaint_deadline(posted) == deadlines.complaint_deadline(clock.now(), "physical_post") \
        == date(2026, 12, 28)


def test_a_letter_recorded_as_posted_keeps_the_post_rule_when_digital_post_answers_later(db, clock, app, sf1601):
    case = verified_case(db, clock)
    decision, _ = decide(db, clock, case)
    service.record_sent_by_post(db, case=case, decision=fresh(db, decision), posted_on=date(2026, 11, 23),
                                centre=CENTRE, now=clock.now())
    db.commit()
    clock.advance(minutes=5)
    assert run(app, clock, sf1601).sent == 1
    assert fresh(db, decision).delivered_by == "physical_post"


def test_a_reassessed_decision_that_replaces_the_old_one_goes_by_digital_post_too(db, clock, app, sf1601):
    case = verified_case(db, clock)
    old, _ = decide(db, clock, case)
    new, channels = flows.decide(db, case=case, staff=None, data=decision_input(tag="(ny)"), centre=CENTRE,
                                 now=clock.now() + timedelta(days=1), replaces=old)
    db.commit()
    assert channels == ["digital_post"]
    assert {r.dedupe_key for r in db.exec(select(OutboxMessage))} == {flows.letter_key(old.id), flows.letter_key(new.id)}


def test_what_a_mailbox_shows_of_a_decision_or_deadline_letter_is_neutral_in_both_languages():
    from app.core.i18n import translate_message
    from app.decisions.letter import TITLE
    from app.notify.wording import is_neutral
    from app.requests.flows import DEADLINE_LETTER_TITLE
    for lang in ("da", "en"):
        shown = [translate_message(lang, text) for text in (TITLE, DEADLINE_LETTER_TITLE, "Afgørelse", "Klagevejledning")]
        assert is_neutral(*shown, CENTRE.notification_sender_name), (lang, shown)
