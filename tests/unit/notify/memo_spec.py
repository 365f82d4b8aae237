"""What the public MeMo 1.1 specification says about the elements we write, as a table to check
against (we had no XSD to validate with).

Source: Digitaliseringsstyrelsen, "MeMo – Meddelelsesmodellen" (digitaliser.dk), its published
examples MeMo_Minimum_Example.xml (only the required elements; memoVersion 1.1, memoSchVersion 1.1.0)
and MeMo_Full_Example.xml (every element, in schema order), read as republished in
itk-dev-rpa/python-serviceplatformen (tests/message_xml/). ORDER lists, per parent, the children
the full example has, in its order (the parts we never write are left out only where marked);
REQUIRED the children the minimum example cannot do without.
"""

NS = "https://DigitalPost.dk/MeMo-1"
UUID4 = r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-4[a-fA-F0-9]{3}-[aAbB89][a-fA-F0-9]{3}-[a-fA-F0-9]{12}"

ORDER = {
    "Message": ["MessageHeader", "MessageBody"],
    "MessageHeader": ["messageType", "messageUUID", "messageID", "messageCode", "label", "notification",
                      "additionalNotification", "reply", "replyByDateTime", "doNotDeliverUntilDate", "mandatory",
                      "legalNotification", "postType", "Sender", "Recipient", "ContentData", "ForwardData",
                      "ReplyData"],
    "Sender": ["senderID", "idType", "label", "AttentionData", "ContactPoint", "Representative"],
    "Recipient": ["recipientID", "idType", "label", "AttentionData", "ContactPoint"],
    "MessageBody": ["createdDateTime", "MainDocument", "AdditionalDocument", "TechnicalDocument"],
    "MainDocument": ["mainDocumentID", "label", "File", "Action"],
    "AdditionalDocument": ["additionalDocumentID", "label", "File", "Action"],
    "File": ["encodingFormat", "filename", "language", "content"],
    "Action": ["label", "actionCode", "startDateTime", "endDateTime", "Reservation", "EntryPoint"],
    "Reservation": ["description", "reservationUUID", "abstract", "location", "startDateTime", "endDateTime",
                    "organizerMail", "organizerName"],
}
REQUIRED = {
    "Message": ["MessageHeader", "MessageBody"],
    "MessageHeader": ["messageType", "messageUUID", "label", "mandatory", "legalNotification", "Sender", "Recipient"],
    "Sender": ["senderID", "idType", "label"],
    "Recipient": ["recipientID", "idType"],
    "MessageBody": ["createdDateTime", "MainDocument"],
    "MainDocument": ["File"],
    "AdditionalDocument": ["File"],
    "File": ["encodingFormat", "filename", "language", "content"],
    "Action": ["label", "actionCode"],
    "Reservation": ["description", "reservationUUID", "abstract", "location", "startDateTime", "endDateTime"],
}
# Elements that repeat (the rest appear at most once).
REPEATS = {"File", "Action", "AdditionalDocument", "TechnicalDocument", "ReplyData"}
MAX_LENGTH = {"label": 256, "notification": 150, "filename": 256, "language": 2, "senderID": 256,
              "recipientID": 256, "description": 256, "abstract": 256, "location": 256}
DATE_TIMES = {"createdDateTime", "startDateTime", "endDateTime", "replyByDateTime"}  # pattern ".+Z"
