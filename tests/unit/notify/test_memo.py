"""The MeMo we build, checked element by element against the public MeMo 1.1 specification
(tests/unit/notify/memo_spec.py says where the table comes from), and against a golden file."""

import base64
import re
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from app.notify.memo import Appointment, Document, Letter, build_memo, kombi_request, main_document_of, \
    message_uuid_of
from tests.unit.notify import memo_spec as spec

GOLDEN = Path(__file__).parent / "golden"
AT = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
UUID = "8c2ea15d-61fb-4ba9-9366-42f8b194c114"


def letter(**changes):
    base = dict(
        title="Afgørelse i din sag",
        main=Document(label="Afgørelse", filename="afgoerelse.pdf", content=b"%PDF-1.4 main"),
        additional=(Document(label="Klagevejledning", filename="klagevejledning.pdf", content=b"%PDF-1.4 guide"),),
        legal_notification=True,
    )
    return Letter(**{**base, **changes})


def build(**changes):
    return build_memo(letter(**changes), message_uuid=UUID, sender_cvr="29189781", sender_label="Haderslev Kommune",
                      cpr="010190-1234", created_at=AT)


def local(element) -> str:
    return etree.QName(element).localname


def check_against_spec(element) -> list[str]:
    """Every problem the spec table finds in `element` and below (empty = conforms)."""
    problems = []
    name = local(element)
    if etree.QName(element).namespace != spec.NS:
        problems.append(f"{name}: not in {spec.NS}")
    children = [local(c) for c in element]
    if name in spec.ORDER:
        order = spec.ORDER[name]
        unknown = [c for c in children if c not in order]
        problems += [f"{name}/{c}: not an element of {name}" for c in unknown]
        known = [order.index(c) for c in children if c in order]
        if known != sorted(known):
            problems.append(f"{name}: children out of order {children}")
        problems += [f"{name}/{c}: repeated" for c in set(children) if children.count(c) > 1 and c not in spec.REPEATS]
        problems += [f"{name}/{c}: missing" for c in spec.REQUIRED.get(name, []) if c not in children]
    if len(element) == 0:
        text = element.text or ""
        if name in spec.MAX_LENGTH and len(text) > spec.MAX_LENGTH[name]:
            problems.append(f"{name}: longer than {spec.MAX_LENGTH[name]}")
        if name in spec.DATE_TIMES and not text.endswith("Z"):
            problems.append(f"{name}: {text} is not UTC with Z")
        if name in {"messageUUID", "reservationUUID"} and not re.fullmatch(spec.UUID4, text):
            problems.append(f"{name}: {text} is not a version 4 UUID")
    for child in element:
        problems += check_against_spec(child)
    return problems


def test_a_decision_letter_conforms_to_the_memo_1_1_element_order_and_names():
    root = etree.fromstring(build())
    assert local(root) == "Message" and root.prefix == "memo"
    assert (root.get("memoVersion"), root.get("memoSchVersion")) == ("1.1", "1.1.0")
    assert check_against_spec(root) == []


def test_an_appointment_goes_as_an_action_with_action_code_aftale():
    appointment = Appointment(label="Sæt i kalender", description="Samtale", location="Clausensvej 25, 6100 Haderslev",
                              starts_at=datetime(2026, 11, 26, 13, 30, tzinfo=timezone.utc),
                              ends_at=datetime(2026, 11, 26, 14, 30, tzinfo=timezone.utc),
                              reservation_uuid="3f0e4a52-9a51-4b8e-8f0c-1d2e3f4a5b6c")
    root = etree.fromstring(build(appointment=appointment))
    assert check_against_spec(root) == []
    m = "{%s}" % spec.NS
    (action,) = root.iter(m + "Action")
    assert local(action.getparent()) == "MainDocument"
    assert [(local(e), e.text) for e in action if len(e) == 0] == [
        ("label", "Sæt i kalender"), ("actionCode", "AFTALE"),
        ("startDateTime", "2026-11-26T13:30:00Z"), ("endDateTime", "2026-11-26T14:30:00Z")]
    assert action.findtext(f"{m}Reservation/{m}location") == "Clausensvej 25, 6100 Haderslev"


def test_the_checker_itself_refuses_a_wrong_order_and_a_missing_element():
    root = etree.fromstring(build())
    header = root[0]
    label, mandatory = header[2], header[3]
    header.remove(label)
    header.insert(4, label)  # label after mandatory
    header.remove(header.find("{%s}Recipient" % spec.NS))
    problems = check_against_spec(root)
    assert any("out of order" in p for p in problems) and "MessageHeader/Recipient: missing" in problems
    assert mandatory is not None


def test_a_decision_memo_matches_the_golden_file_element_by_element():
    ours = etree.fromstring(build())
    golden = etree.parse(str(GOLDEN / "decision_memo.xml")).getroot()
    pairs = list(zip(ours.iter(), golden.iter(), strict=True))
    for mine, theirs in pairs:
        assert (mine.tag, (mine.text or "").strip(), dict(mine.attrib)) == \
               (theirs.tag, (theirs.text or "").strip(), dict(theirs.attrib))
    assert len(pairs) == 30


def test_the_recipient_is_the_cpr_number_as_ten_digits_and_the_sender_the_cvr():
    root = etree.fromstring(build())
    m = "{%s}" % spec.NS
    assert root.findtext(f"{m}MessageHeader/{m}Recipient/{m}recipientID") == "0101901234"
    assert root.findtext(f"{m}MessageHeader/{m}Recipient/{m}idType") == "CPR"
    assert root.findtext(f"{m}MessageHeader/{m}Sender/{m}senderID") == "29189781"
    assert root.findtext(f"{m}MessageHeader/{m}Sender/{m}idType") == "CVR"


def test_the_letter_the_kombi_request_carries_is_the_one_queued():
    memo = build()
    assert message_uuid_of(memo) == UUID
    assert main_document_of(memo) == b"%PDF-1.4 main"
    request = etree.fromstring(kombi_request(memo))
    assert request.tag == "kombi_request" and request.findtext("KombiValgKode") == "Digital Post"
    (message,) = request.findall("{%s}Message" % spec.NS)
    content = message.findtext(".//{%s}content" % spec.NS)
    assert base64.b64decode(content) == b"%PDF-1.4 main"


def test_outside_texts_are_everything_a_mailbox_or_calendar_shows():
    appointment = Appointment(label="Sæt i kalender", description="Samtale", location="Et sted", starts_at=AT,
                              ends_at=AT, reservation_uuid=UUID)
    texts = letter(appointment=appointment).outside_texts()
    assert texts == ["Afgørelse i din sag", "Afgørelse", "afgoerelse.pdf", "Klagevejledning", "klagevejledning.pdf",
                     "Sæt i kalender", "Samtale", "Et sted"]
