"""A real SAML 2.0 identity provider for the tests: pysaml2's own `Server`, run in-process.

`SamlPair.create(tmp_path)` makes throwaway self-signed keys and certificates (one for the IdP, one
for the SP's signing and one for the SP's encryption), builds an SP config shaped like NemLog-in's
OIOSAML 3 profile (signed AuthnRequests, signed assertions wanted, encrypted assertions accepted)
and an IdP `Server`, and exchanges their metadata in memory (pysaml2's ``"inline"`` metadata
source), so nothing is fetched and nothing listens.

The IdP side is test support only; the SP config is the shape the portal's `app/identity/` settings
will have to produce (see docs/MITID_NOTES.md).
"""

from __future__ import annotations

import base64
import shutil
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

# OIOSAML 3 / NSIS vocabulary
LOA_LOW = "https://data.gov.dk/concept/core/nsis/loa/Low"
LOA_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
LOA_HIGH = "https://data.gov.dk/concept/core/nsis/loa/High"
ATTR_CPR = "https://data.gov.dk/model/core/eid/cprNumber"
ATTR_FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
ATTR_LOA = "https://data.gov.dk/concept/core/nsis/loa"
ATTR_SPEC_VER = "https://data.gov.dk/model/core/specVersion"

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

SP_ENTITY_ID = "http://testserver/mitid/metadata"
SP_ACS = "http://testserver/mitid/acs"
SP_SLO = "http://testserver/mitid/logout"

OTHER_SP_ENTITY_ID = "https://another-sp.example/saml"  # a second SP the IdP knows (wrong-audience tests)
IDP_ENTITY_ID = "http://idp.test/saml"
IDP_SSO = "http://idp.test/saml/sso"
IDP_SLO = "http://idp.test/saml/slo"

# An attribute map in pysaml2's MAP format: the OIOSAML URIs keep their names on both sides and go on
# the wire with NameFormat=uri (without a map pysaml2 drops the NameFormat on unknown attributes).
_ATTRIBUTE_MAP = '''MAP = {
    "identifier": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
    "fro": {NAMES},
    "to": {NAMES},
}
'''
DEFAULT_IDENTITY = {ATTR_CPR: ["0101701234"], ATTR_FULL_NAME: ["Test Testesen"], ATTR_LOA: [LOA_SUBSTANTIAL]}
OIOSAML_ATTRIBUTES = (ATTR_CPR, ATTR_FULL_NAME, ATTR_LOA, ATTR_SPEC_VER)


def xmlsec_binary() -> str:
    found = shutil.which("xmlsec1")
    if not found:
        raise RuntimeError("pysaml2 signs and encrypts through the xmlsec1 program: apt-get install xmlsec1")
    return found


def make_key_pair(directory: Path, name: str, *, days: int = 30) -> tuple[Path, Path]:
    """A 2048-bit RSA key and a self-signed certificate, as PEM files `<name>.key` / `<name>.crt`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test {name}")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def write_attribute_map(directory: Path) -> Path:
    maps = directory / "attribute_maps"
    maps.mkdir(exist_ok=True)
    names = "{" + ", ".join(f"{n!r}: {n!r}" for n in OIOSAML_ATTRIBUTES) + "}"
    (maps / "oiosaml.py").write_text(_ATTRIBUTE_MAP.replace("{NAMES}", names))
    return maps


def sp_config_dict(tmp: Path, *, idp_metadata: str | None, entity_id: str = SP_ENTITY_ID) -> dict:
    sign_key, sign_cert = tmp / "sp-sign.key", tmp / "sp-sign.crt"
    enc_key, enc_cert = tmp / "sp-enc.key", tmp / "sp-enc.crt"
    config = {
        "entityid": entity_id,
        "xmlsec_binary": xmlsec_binary(),
        "key_file": str(sign_key),  # signs AuthnRequests and LogoutRequests
        "cert_file": str(sign_cert),
        "encryption_keypairs": [{"key_file": str(enc_key), "cert_file": str(enc_cert)}],
        "attribute_map_dir": str(tmp / "attribute_maps"),
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,  # seconds of clock skew either way
        "service": {
            "sp": {
                "name": "Rusmiddelportalen",
                "endpoints": {
                    "assertion_consumer_service": [(SP_ACS, BINDING_HTTP_POST)],
                    "single_logout_service": [(SP_SLO, BINDING_HTTP_REDIRECT)],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                # under "service": read through config.getattr(…, context); at the top level ignored silently
                "signing_algorithm": RSA_SHA256,
                "digest_algorithm": SHA256,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            }
        },
    }
    if idp_metadata is not None:
        config["metadata"] = {"inline": [idp_metadata]}
    return config


def idp_config_dict(tmp: Path, *, sp_metadata: list[str] | None, lifetime_minutes: int = 5,
                    idp_base: str | None = None) -> dict:
    """`idp_base` (e.g. http://127.0.0.1:5000) puts the IdP's endpoints on a server a browser can reach."""
    sso, slo = (IDP_SSO, IDP_SLO) if idp_base is None else (f"{idp_base}/saml/sso", f"{idp_base}/saml/slo")
    config = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": xmlsec_binary(),
        "key_file": str(tmp / "idp.key"),
        "cert_file": str(tmp / "idp.crt"),
        "attribute_map_dir": str(tmp / "attribute_maps"),
        "service": {
            "idp": {
                "name": "Test NemLog-in",
                "endpoints": {
                    "single_sign_on_service": [(sso, BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(slo, BINDING_HTTP_REDIRECT)],
                },
                "want_authn_requests_signed": True,
                "signing_algorithm": RSA_SHA256,  # pysaml2's default here is rsa-sha1
                "digest_algorithm": SHA256,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {
                    "default": {
                        "lifetime": {"minutes": lifetime_minutes},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
            }
        },
    }
    if sp_metadata is not None:
        config["metadata"] = {"inline": sp_metadata}
    return config


def _metadata_xml(config) -> str:
    return str(entity_descriptor(config))


@dataclass
class SamlPair:
    """An SP client and an IdP server that know each other's metadata."""

    tmp: Path
    sp: Saml2Client
    idp: Server
    sp_metadata: list[str]  # ours and OTHER_SP_ENTITY_ID's
    idp_metadata: str

    @classmethod
    def create(cls, tmp: Path, *, lifetime_minutes: int = 5) -> "SamlPair":
        tmp.mkdir(parents=True, exist_ok=True)
        for name in ("idp", "sp-sign", "sp-enc"):
            make_key_pair(tmp, name)
        write_attribute_map(tmp)
        # Metadata first from configs without a peer, then the real configs with the peer's metadata.
        sp_md = [
            _metadata_xml(SPConfig().load(sp_config_dict(tmp, idp_metadata=None, entity_id=entity)))
            for entity in (SP_ENTITY_ID, OTHER_SP_ENTITY_ID)
        ]
        idp_md = _metadata_xml(IdPConfig().load(idp_config_dict(tmp, sp_metadata=None)))
        sp = Saml2Client(config=SPConfig().load(sp_config_dict(tmp, idp_metadata=idp_md)))
        idp = Server(config=IdPConfig().load(idp_config_dict(tmp, sp_metadata=sp_md, lifetime_minutes=lifetime_minutes)))
        return cls(tmp=tmp, sp=sp, idp=idp, sp_metadata=sp_md, idp_metadata=idp_md)

    def idp_with(self, **changes) -> Server:
        """Another IdP with the same key and entity id but a changed config (e.g. lifetime_minutes=-10)."""
        return Server(config=IdPConfig().load(idp_config_dict(self.tmp, sp_metadata=self.sp_metadata, **changes)))

    def other_idp(self, name: str = "rogue") -> Server:
        """An IdP with the same entity id but its own key, which the SP has never seen (a forger)."""
        rogue = self.tmp / name
        rogue.mkdir(exist_ok=True)
        make_key_pair(rogue, "idp")
        config = idp_config_dict(self.tmp, sp_metadata=self.sp_metadata)
        config["key_file"], config["cert_file"] = str(rogue / "idp.key"), str(rogue / "idp.crt")
        return Server(config=IdPConfig().load(config))


def idp_answer(pair, query: dict[str, str], *, idp=None, identity=None, loa=LOA_SUBSTANTIAL,
               sign_assertion=True, sign_response=True, encrypt=True, **overrides) -> str:
    """`pair` is anything with the IdP (`idp`) and the key folder (`tmp`). The IdP parses the (signed, redirect-bound) AuthnRequest and answers; returns the POST's SAMLResponse."""
    idp = idp or pair.idp
    identity = identity if identity is not None else DEFAULT_IDENTITY
    request = pair.idp.parse_authn_request(
        query["SAMLRequest"], BINDING_HTTP_REDIRECT,
        relay_state=query.get("RelayState"), sigalg=query["SigAlg"], signature=query["Signature"],
    )
    args = idp.response_args(request.message) | overrides
    response = idp.create_authn_response(
        identity, userid="mitid-user-1",
        authn={"class_ref": loa, "authn_auth": IDP_ENTITY_ID},
        sign_assertion=sign_assertion, sign_response=sign_response, encrypt_assertion=encrypt,
        encrypt_cert_assertion=(pair.tmp / "sp-enc.crt").read_text() if encrypt else None,
        **args,
    )
    return b64(str(response))


def redirect_query(url: str) -> dict[str, str]:
    """The query of an HTTP-Redirect binding URL as a flat dict (SAMLRequest, RelayState, SigAlg, Signature)."""
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def location(headers) -> str:
    return dict(headers)["Location"]


def b64(xml: str | bytes) -> str:
    return base64.b64encode(xml.encode() if isinstance(xml, str) else xml).decode()
