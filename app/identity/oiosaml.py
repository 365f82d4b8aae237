"""OIOSAML 3's vocabulary and our endpoints' paths: plain constants, so the app imports pysaml2
(app/identity/saml.py) only when MitID is configured."""

ATTR_CPR = "https://data.gov.dk/model/core/eid/cprNumber"
ATTR_FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
ATTR_LOA = "https://data.gov.dk/concept/core/nsis/loa"
LOA_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

ACS_PATH = "/mitid/acs"
SLO_PATH = "/mitid/logout/svar"
METADATA_PATH = "/mitid/metadata"
