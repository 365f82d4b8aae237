"""Groundwork for MitID through NemLog-in (issue #18): a pysaml2 SP against pysaml2's own IdP, in-process.

No portal code yet: this holds what pysaml2 refuses by itself (signature, audience, time window,
InResponseTo against the outstanding requests) and shows what the portal must check itself
(`portal_accepts` below is the sketch of `app/identity/service.py`: LoA and replay).
"""

from __future__ import annotations

import base64

import pytest
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.response import SAMLError
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext, response_from_string

from tests.factories.saml_idp import (
    ATTR_CPR,
    ATTR_FULL_NAME,
    ATTR_LOA,
    IDP_ENTITY_ID,
    LOA_HIGH,
    LOA_LOW,
    LOA_SUBSTANTIAL,
    OTHER_SP_ENTITY_ID,
    RSA_SHA1,
    RSA_SHA256,
    SP_ACS,
    SamlPair,
    b64,
    idp_answer,
    location,
    redirect_query,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")

CPR = "0101701234"
IDENTITY = {ATTR_CPR: [CPR], ATTR_FULL_NAME: ["Test Testesen"], ATTR_LOA: [LOA_SUBSTANTIAL]}
ACCEPTED_LOA = {LOA_SUBSTANTIAL, LOA_HIGH}


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> SamlPair:
    return SamlPair.create(tmp_path_factory.mktemp("saml"))


def login_request(pair: SamlPair) -> tuple[str, dict[str, str]]:
    wanted = RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(text=LOA_SUBSTANTIAL)], comparison="minimum"
    )
    request_id, info = pair.sp.prepare_for_authenticate(
        entityid=IDP_ENTITY_ID,
        relay_state="/min-side",
        binding=BINDING_HTTP_REDIRECT,
        requested_authn_context=wanted,
        sign=True,
    )
    return request_id, redirect_query(location(info["headers"]))


def sp_parse(pair: SamlPair, saml_response: str, outstanding: dict[str, str]):
    return pair.sp.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)


def refused_by_pysaml2(pair, saml_response, outstanding) -> str:
    """pysaml2 refuses either by raising or by returning None; the name of what happened."""
    try:
        result = sp_parse(pair, saml_response, outstanding)
    except (SAMLError, Exception) as exc:  # noqa: BLE001 - the sort of refusal is what we record
        return type(exc).__name__
    assert result is None, f"accepted: {result.ava}"
    return "None"


class Refused(Exception):
    pass


def portal_accepts(result, consumed: set[str], saml_response: str) -> dict:
    """What the portal must check itself after pysaml2 said yes (sketch of app/identity/service.py)."""
    if result is None or result.assertion is None:  # pysaml2 returns a shell when Destination is wrong
        raise Refused("no assertion")
    raw = response_from_string(base64.b64decode(saml_response))
    if raw.assertion or not raw.encrypted_assertion:  # OIOSAML 3: the assertion comes encrypted
        raise Refused("not encrypted")
    if result.assertion.signature.signed_info.signature_method.algorithm != RSA_SHA256:
        raise Refused("weak signature")
    (class_ref, _authorities, _instant), *_ = result.authn_info()
    loa_attribute = result.ava.get(ATTR_LOA, [None])[0]
    if class_ref not in ACCEPTED_LOA or loa_attribute not in ACCEPTED_LOA:
        raise Refused("loa")
    key = result.assertion.id
    if key in consumed or result.in_response_to in consumed:
        raise Refused("replay")
    consumed.update({key, result.in_response_to})  # the replay-store table, kept until NotOnOrAfter
    return {"cpr": result.ava[ATTR_CPR][0], "name": result.ava[ATTR_FULL_NAME][0], "loa": class_ref}


def test_the_authn_request_is_signed_and_asks_for_substantial(pair):
    request_id, query = login_request(pair)
    assert {"SAMLRequest", "SigAlg", "Signature", "RelayState"} <= query.keys()
    assert query["SigAlg"] == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    request = pair.idp.parse_authn_request(
        query["SAMLRequest"], BINDING_HTTP_REDIRECT,
        relay_state=query["RelayState"], sigalg=query["SigAlg"], signature=query["Signature"],
    )
    assert request.message.id == request_id
    assert request.message.assertion_consumer_service_url == SP_ACS
    wanted = request.message.requested_authn_context
    assert [ref.text for ref in wanted.authn_context_class_ref] == [LOA_SUBSTANTIAL]


def test_a_tampered_redirect_signature_is_refused_by_the_idp(pair):
    _, query = login_request(pair)
    other_id, other = login_request(pair)
    with pytest.raises(Exception):  # the signature of one request over another's query
        pair.idp.parse_authn_request(
            other["SAMLRequest"], BINDING_HTTP_REDIRECT,
            relay_state=other["RelayState"], sigalg=query["SigAlg"], signature=query["Signature"],
        )


def test_a_good_signed_and_encrypted_response_signs_in(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query)
    assert b"EncryptedAssertion" in base64.b64decode(saml_response)
    assert CPR.encode() not in base64.b64decode(saml_response)  # CPR only inside the encryption
    result = sp_parse(pair, saml_response, {request_id: "/min-side"})
    assert result.in_response_to == request_id and result.came_from == "/min-side"
    assert portal_accepts(result, set(), saml_response) == {"cpr": CPR, "name": "Test Testesen", "loa": LOA_SUBSTANTIAL}


def test_an_unknown_in_response_to_is_refused_by_pysaml2(pair):
    _, query = login_request(pair)
    saml_response = idp_answer(pair, query)
    assert refused_by_pysaml2(pair, saml_response, {"id-someone-else": "/"}) == "UnsolicitedResponse"


def test_a_wrong_audience_is_refused_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, sp_entity_id=OTHER_SP_ENTITY_ID)
    # a bare Exception("AudienceRestrictions conditions not satisfied! ...") from response.py
    assert refused_by_pysaml2(pair, saml_response, {request_id: "/"}) == "Exception"


def test_an_expired_assertion_is_refused_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, idp=pair.idp_with(lifetime_minutes=-10))
    assert refused_by_pysaml2(pair, saml_response, {request_id: "/"}) == "VerificationError"


def test_an_unsigned_response_is_refused_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, sign_assertion=False, sign_response=False, encrypt=False)
    assert refused_by_pysaml2(pair, saml_response, {request_id: "/"}) == "SignatureError"


def test_a_signed_response_around_an_unsigned_assertion_is_refused_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, sign_assertion=False, sign_response=True, encrypt=False)
    assert refused_by_pysaml2(pair, saml_response, {request_id: "/"}) == "SignatureError"


def test_a_response_signed_by_another_key_is_refused_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, idp=pair.other_idp())
    assert refused_by_pysaml2(pair, saml_response, {request_id: "/"}) == "SignatureError"


def test_a_tampered_assertion_is_refused_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, encrypt=False)
    xml = base64.b64decode(saml_response).decode()
    assert CPR in xml
    tampered = b64(xml.replace(CPR, "0202802345"))
    assert refused_by_pysaml2(pair, tampered, {request_id: "/"}) == "SignatureError"


def test_a_replay_is_refused_by_the_portal_not_by_pysaml2(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query)
    consumed: set[str] = set()
    portal_accepts(sp_parse(pair, saml_response, {request_id: "/"}), consumed, saml_response)
    # pysaml2 keeps no memory of assertions: the same POST with the same outstanding dict passes again.
    again = sp_parse(pair, saml_response, {request_id: "/"})
    assert again is not None
    with pytest.raises(Refused, match="replay"):
        portal_accepts(again, consumed, saml_response)
    # Taking the request id out of the outstanding store when it is used also makes pysaml2 refuse it.
    assert refused_by_pysaml2(pair, saml_response, {}) == "UnsolicitedResponse"


def test_loa_low_is_refused_by_the_portal_not_by_pysaml2(pair):
    request_id, query = login_request(pair)
    low = IDENTITY | {ATTR_LOA: [LOA_LOW]}
    saml_response = idp_answer(pair, query, identity=low, loa=LOA_LOW)
    result = sp_parse(pair, saml_response, {request_id: "/"})
    assert result is not None  # pysaml2 does not compare AuthnContext with what was requested
    with pytest.raises(Refused, match="loa"):
        portal_accepts(result, set(), saml_response)


def test_assertion_signed_response_unsigned_is_accepted_as_oiosaml_allows(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, sign_response=False)
    result = sp_parse(pair, saml_response, {request_id: "/"})
    assert portal_accepts(result, set(), saml_response)["cpr"] == CPR


def test_a_wrong_destination_comes_back_as_an_empty_shell_the_portal_must_refuse(pair):
    # pysaml2's StatusResponse._verify returns None on a foreign Destination, but entity._parse_response
    # ignores verify()'s result: parse_authn_request_response returns an AuthnResponse with no assertion.
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, destination="http://evil.example/acs")
    result = sp_parse(pair, saml_response, {request_id: "/"})
    assert result is not None and result.assertion is None and result.ava is None
    with pytest.raises(Refused, match="no assertion"):
        portal_accepts(result, set(), saml_response)


def test_an_unencrypted_assertion_passes_pysaml2_and_is_refused_by_the_portal(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, encrypt=False)
    result = sp_parse(pair, saml_response, {request_id: "/"})
    assert result.ava[ATTR_CPR] == [CPR]
    with pytest.raises(Refused, match="not encrypted"):
        portal_accepts(result, set(), saml_response)


def test_an_rsa_sha1_signature_passes_pysaml2_and_is_refused_by_the_portal(pair):
    request_id, query = login_request(pair)
    saml_response = idp_answer(pair, query, sign_alg=RSA_SHA1)
    result = sp_parse(pair, saml_response, {request_id: "/"})
    assert result.assertion.signature.signed_info.signature_method.algorithm == RSA_SHA1
    with pytest.raises(Refused, match="weak signature"):
        portal_accepts(result, set(), saml_response)
