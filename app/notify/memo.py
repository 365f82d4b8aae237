"""MeMo 1.1 (Meddelelsesmodellen), the message format of Digital Post, built with lxml.

A letter is a MeMo `Message`: a `MessageHeader` (what the citizen's mailbox shows: the title, the
sender, whether it is a legal notification) and a `MessageBody` whose documents are the letter
itself. Element names, their order and the namespace follow Digitaliseringsstyrelsen's MeMo
specification and its published examples, MeMo_Minimum_Example.xml and MeMo_Full_Example.xml
(digitaliser.dk, "MeMo – Meddelelsesmodellen"; we read them as republished in the test data of
itk-dev-rpa/python-serviceplatformen, tests/message_xml/). The XSD itself was not available to us:
tests/unit/notify/test_memo.py checks our output element by element against that order.

What is outside the documents – the title (`label`), the sender's name, the documents' labels and
file names, an appointment's texts – is what a lock screen, a mailbox list or a calendar shows, so
`Letter.outside_texts()` hands all of it to the wording check (app/notify/wording.py). Only the
PDFs, which the citizen opens after signing in to Digital Post with MitID, may name the treatment.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

NS = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION = "1.1"
MEMO_SCHEMA_VERSION = "1.1.0"
_M = "{%s}" % NS
# SF1601 takes the MeMo with a namespace prefix, not as the default namespace (itk-dev/serviceplatformen
# found it does not accept `<Message xmlns="…">`); "memo" is the prefix the specification's examples use.
NSMAP = {"memo": NS}


@dataclass(frozen=True)
class Document:
    label: str
    filename: str
    content: bytes
    encoding_format: str = "application/pdf"
    language: str = "da"


@dataclass(frozen=True)
class Appointment:
    """A booked time, offered as a calendar entry (MeMo `Action` with actionCode AFTALE)."""

    label: str  # the action's button text, e.g. "Sæt i kalender"
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    reservation_uuid: str


@dataclass(frozen=True)
class Letter:
    title: str  # MessageHeader/label: what the mailbox shows
    main: Document
    additional: tuple[Document, ...] = ()
    # Decisions are legal notifications (retsvirkning from the moment they are available) and mandatory.
    legal_notification: bool = False
    appointment: Appointment | None = None

    def outside_texts(self) -> list[str]:
        """Every text of the message that is seen without opening a document."""
        texts = [self.title]
        for doc in (self.main, *self.additional):
            texts += [doc.label, doc.filename]
        if self.appointment is not None:
            texts += [self.appointment.label, self.appointment.description, self.appointment.location]
        return texts


def memo_time(moment: datetime) -> str:
    """MeMo's date-time: UTC with a Z (the schema's pattern is ".+Z")."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cpr_digits(cpr: str) -> str:
    """DDMMYY-XXXX as stored -> the ten digits MeMo's recipientID carries."""
    return re.sub(r"\D", "", cpr)


def _add(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, _M + name)
    if text is not None:
        element.text = text
    return element


def _file(parent, doc: Document) -> None:
    file = _add(parent, "File")
    _add(file, "encodingFormat", doc.encoding_format)
    _add(file, "filename", doc.filename)
    _add(file, "language", doc.language)
    _add(file, "content", base64.b64encode(doc.content).decode("ascii"))


def _appointment(parent, appointment: Appointment) -> None:
    action = _add(parent, "Action")
    _add(action, "label", appointment.label)
    _add(action, "actionCode", "AFTALE")
    _add(action, "startDateTime", memo_time(appointment.starts_at))
    _add(action, "endDateTime", memo_time(appointment.ends_at))
    reservation = _add(action, "Reservation")
    _add(reservation, "description", appointment.description)
    _add(reservation, "reservationUUID", appointment.reservation_uuid)
    _add(reservation, "abstract", appointment.description)
    _add(reservation, "location", appointment.location)
    _add(reservation, "startDateTime", memo_time(appointment.starts_at))
    _add(reservation, "endDateTime", memo_time(appointment.ends_at))


def build_memo(letter: Letter, *, message_uuid: str, sender_cvr: str, sender_label: str, cpr: str,
               created_at: datetime) -> bytes:
    """The letter as a MeMo 1.1 document (UTF-8 bytes with an XML declaration)."""
    message = etree.Element(_M + "Message", nsmap=NSMAP)
    message.set("memoVersion", MEMO_VERSION)
    message.set("memoSchVersion", MEMO_SCHEMA_VERSION)
    header = _add(message, "MessageHeader")
    _add(header, "messageType", "DIGITALPOST")
    _add(header, "messageUUID", message_uuid)
    _add(header, "label", letter.title)
    _add(header, "mandatory", "true" if letter.legal_notification else "false")
    _add(header, "legalNotification", "true" if letter.legal_notification else "false")
    sender = _add(header, "Sender")
    _add(sender, "senderID", sender_cvr)
    _add(sender, "idType", "CVR")
    _add(sender, "label", sender_label)
    recipient = _add(header, "Recipient")
    _add(recipient, "recipientID", cpr_digits(cpr))
    _add(recipient, "idType", "CPR")
    body = _add(message, "MessageBody")
    _add(body, "createdDateTime", memo_time(created_at))
    main = _add(body, "MainDocument")
    _add(main, "label", letter.main.label)
    _file(main, letter.main)
    if letter.appointment is not None:
        _appointment(main, letter.appointment)
    for doc in letter.additional:
        extra = _add(body, "AdditionalDocument")
        _add(extra, "label", doc.label)
        _file(extra, doc)
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8")


def parse(memo: bytes):
    # No network, no entities: the document is ours, but a parser that fetches nothing is the habit.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(memo, parser)


def message_uuid_of(memo: bytes) -> str:
    return parse(memo).findtext(f"{_M}MessageHeader/{_M}messageUUID")


def main_document_of(memo: bytes) -> bytes:
    """The letter's own PDF, to print when it has to go by post instead."""
    content = parse(memo).findtext(f"{_M}MessageBody/{_M}MainDocument/{_M}File/{_M}content")
    return base64.b64decode(content)


def kombi_request(memo: bytes) -> bytes:
    """SF1601 KombiPostAfsend's request: the MeMo inside a kombi_request, KombiValgKode "Digital Post"
    (digital only: when the citizen cannot receive it, staff send the printed letter themselves)."""
    request = etree.Element("kombi_request")
    etree.SubElement(request, "KombiValgKode").text = "Digital Post"
    request.append(parse(memo))
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")
