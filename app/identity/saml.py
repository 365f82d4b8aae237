"""The one module that speaks pysaml2: the service provider NemLog-in's OIOSAML 3 profile asks for.

Everything here is configuration and pysaml2 calls; the rules the portal adds on top (level of
assurance, replay, encryption, algorithm) are in app/identity/service.py. pysaml2 shells out to
xmlsec1 to sign, verify and decrypt, so every call here belongs in a worker thread, never on the
event loop. See docs/MITID_NOTES.md for what pysaml2 does and does not check by itself.
"""

from __future__ import annotations

import logging
import re
import shutil
import urllib.parse
from functools import cached_property
from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, AuthnContextClassRef, NameID
from saml2.samlp import RequestedAuthnContext

from app.core.config import MitidSettings
from app.identity.oiosaml import ACS_PATH, LOA_SUBSTANTIAL, RSA_SHA256, SHA256, SLO_PATH

ATTRIBUTE_MAPS = Path(__file__).resolve().parent / "attribute_maps"

# pysaml2 logs whole messages at DEBUG, decrypted assertions with the CPR number among them: never
# let them through, whatever LOG_LEVEL says.
logging.getLogger("saml2").setLevel(logging.WARNING)


def sp_config(settings: MitidSettings, *, with_idp: bool = True) -> dict:
    base = settings.base_url.rstrip("/")
    config = {
        "entityid": settings.sp_entity_id,
        "xmlsec_binary": settings.xmlsec1 or shutil.which("xmlsec1"),
        "key_file": settings.sign_key,
        "cert_file": settings.sign_cert,
        "encryption_keypairs": [{"key_file": settings.encryption_key, "cert_file": settings.encryption_cert}],
        "attribute_map_dir": str(ATTRIBUTE_MAPS),
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.clock_skew_seconds,
        "service": {"sp": {
            "name": "Rusmiddelportalen",
            "endpoints": {
                "assertion_consumer_service": [(base + ACS_PATH, BINDING_HTTP_POST)],
                "single_logout_service": [(base + SLO_PATH, BINDING_HTTP_REDIRECT)],
            },
            "authn_requests_signed": True,
            "logout_requests_signed": True,
            "want_assertions_signed": True,
            "want_response_signed": False,  # OIOSAML 3 signs the assertion; the Response may be unsigned
            "allow_unsolicited": False,  # no IdP-initiated sign-in: every answer must match our request
            # Here, under service.sp: at the top level pysaml2 ignores them and signs with rsa-sha1.
            "signing_algorithm": RSA_SHA256,
            "digest_algorithm": SHA256,
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
        }},
    }
    if with_idp:
        config["metadata"] = {"local": [settings.idp_metadata]}
    return config


class ServiceProvider:
    """The portal's SAML service provider, built once per app from the settings (reads the files)."""

    def __init__(self, settings: MitidSettings):
        self.settings = settings
        self.client = Saml2Client(config=SPConfig().load(sp_config(settings)))
        self.idp_entity_id = next(iter(self.client.metadata.identity_providers()))

    def _idp_endpoint(self, service: str) -> str | None:
        if service == "sso":
            found = self.client.metadata.single_sign_on_service(self.idp_entity_id, BINDING_HTTP_REDIRECT)
        else:
            found = self.client.metadata.single_logout_service(self.idp_entity_id, BINDING_HTTP_REDIRECT, "idpsso")
        return found[0]["location"] if found else None

    @cached_property
    def idp_origins(self) -> tuple[str, ...]:
        """Where a form of ours may send the browser (sign-in, logout): the CSP's form-action names them."""
        origins = set()
        for service in ("sso", "slo"):
            if (url := self._idp_endpoint(service)) is not None:
                parts = urllib.parse.urlsplit(url)
                origins.add(f"{parts.scheme}://{parts.netloc}")
        return tuple(sorted(origins))

    def authn_request(self, relay_state: str = "") -> tuple[str, str]:
        """A signed AuthnRequest asking for Substantial (or more) and a persistent NameID: (id, URL)."""
        wanted = RequestedAuthnContext(authn_context_class_ref=[AuthnContextClassRef(text=LOA_SUBSTANTIAL)],
                                       comparison="minimum")
        request_id, info = self.client.prepare_for_authenticate(
            entityid=self.idp_entity_id, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT,
            requested_authn_context=wanted, nameid_format=NAMEID_FORMAT_PERSISTENT, sign=True)
        return request_id, dict(info["headers"])["Location"]

    def parse_response(self, saml_response: str, outstanding: dict[str, str]):
        """pysaml2's checks: signature, audience, recipient, time window, InResponseTo. Raises on failure."""
        return self.client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)

    def logout_request(self, name_id: str, session_index: str) -> str | None:
        """A signed LogoutRequest (HTTP-Redirect) ending this person's NemLog-in session: the URL to
        send the browser to, or None when the IdP offers no single logout."""
        destination = self._idp_endpoint("slo")
        if destination is None:
            return None
        _, request = self.client.create_logout_request(
            destination, self.idp_entity_id, name_id=NameID(text=name_id, format=NAMEID_FORMAT_PERSISTENT),
            session_indexes=[session_index] if session_index else None, sign=False)
        info = self.client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, sign=True,
                                         sigalg=RSA_SHA256)
        return dict(info["headers"])["Location"]

    def answer_logout_request(self, query: str, end_sessions) -> str | None:
        """NemLog-in's LogoutRequest (the person signed out at another service provider): its redirect
        signature is checked, `end_sessions(name_id)` ends ours, and the LogoutResponse URL is returned."""
        values = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
        if not values.get("Signature") or values.get("SigAlg") != RSA_SHA256:
            # pysaml2 checks a redirect signature that is there; that one is there is ours to require.
            raise ValueError("unsigned LogoutRequest")
        request = self.client.parse_logout_request(
            values["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=values.get("RelayState"),
            sigalg=values.get("SigAlg"), signature=values.get("Signature"))
        end_sessions(str(request.message.name_id.text or ""))
        destination = self._idp_endpoint("slo")
        if destination is None:
            return None
        response = self.client.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
        info = self.client.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination,
                                         values.get("RelayState", ""), response=True, sign=True, sigalg=RSA_SHA256)
        return dict(info["headers"])["Location"]

    def metadata_xml(self) -> str:
        """Our SP metadata for NemLog-in's self-service, at a stable URL (/mitid/metadata)."""
        config = SPConfig().load(sp_config(self.settings, with_idp=False))
        return _trim_algorithms(str(entity_descriptor(config)))


# pysaml2 lists every algorithm xmlsec1 knows (md5, sha1, dsa...) as supported: we name the ones we use.
_OFFERED = {SHA256, RSA_SHA256}
_ALGORITHM = re.compile(r'<ns\d+:(?:DigestMethod|SigningMethod) Algorithm="([^"]+)" />')


def _trim_algorithms(xml: str) -> str:
    return _ALGORITHM.sub(lambda m: m.group(0) if m.group(1) in _OFFERED else "", xml)
