# pysaml2 attribute map (loaded by file from this folder, not imported by the app): the OIOSAML 3
# attributes keep their URI names, with NameFormat uri, so `ava` is keyed by the URIs NemLog-in sends.
MAP = {
    "identifier": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
    "fro": {
        "https://data.gov.dk/model/core/eid/cprNumber": "https://data.gov.dk/model/core/eid/cprNumber",
        "https://data.gov.dk/model/core/eid/fullName": "https://data.gov.dk/model/core/eid/fullName",
        "https://data.gov.dk/concept/core/nsis/loa": "https://data.gov.dk/concept/core/nsis/loa",
        "https://data.gov.dk/model/core/specVersion": "https://data.gov.dk/model/core/specVersion",
    },
    "to": {
        "https://data.gov.dk/model/core/eid/cprNumber": "https://data.gov.dk/model/core/eid/cprNumber",
        "https://data.gov.dk/model/core/eid/fullName": "https://data.gov.dk/model/core/eid/fullName",
        "https://data.gov.dk/concept/core/nsis/loa": "https://data.gov.dk/concept/core/nsis/loa",
        "https://data.gov.dk/model/core/specVersion": "https://data.gov.dk/model/core/specVersion",
    },
}
