"""The portal configured for MitID against a real SAML identity provider (pysaml2's Server) that the
tests run in-process: throwaway keys, the IdP's metadata as a file (as a municipality gives
NemLog-in's), and the IdP fed the portal's own published SP metadata, so the tests exercise what
NemLog-in would see. `world.answer(url)` is NemLog-in answering the AuthnRequest in that redirect URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from saml2.config import IdPConfig, SPConfig
from saml2.server import Server

from app.core.config import MitidSettings
from app.identity.saml import ServiceProvider
from tests.factories.saml_idp import (ATTR_CPR, ATTR_FULL_NAME, ATTR_LOA, LOA_SUBSTANTIAL, OTHER_SP_ENTITY_ID,
                                      _metadata_xml, idp_answer, idp_config_dict, make_key_pair, redirect_query,
                                      sp_config_dict, write_attribute_map)

CPR = "0101701234"
CPR_STORED = "010170-1234"
NAME = "Test Testesen"


def identity(cpr: str = CPR, name: str = NAME, loa: str = LOA_SUBSTANTIAL) -> dict:
    return {ATTR_CPR: [cpr], ATTR_FULL_NAME: [name], ATTR_LOA: [loa]}


@dataclass
class MitidWorld:
    tmp: Path
    settings: MitidSettings
    idp: Server
    sp_metadata: list[str]
    idp_base: str | None = None

    def answer(self, login_url: str, **kwargs) -> str:
        """The SAMLResponse NemLog-in posts back for the AuthnRequest in `login_url` (see idp_answer)."""
        return idp_answer(self, redirect_query(login_url), **kwargs)

    def idp_with(self, **changes) -> Server:
        return Server(config=IdPConfig().load(idp_config_dict(self.tmp, sp_metadata=self.sp_metadata,
                                                              idp_base=self.idp_base, **changes)))

    def forger(self) -> Server:
        """The same entity id, a key the portal has never seen."""
        rogue = self.tmp / "rogue"
        rogue.mkdir(exist_ok=True)
        make_key_pair(rogue, "idp")
        config = idp_config_dict(self.tmp, sp_metadata=self.sp_metadata, idp_base=self.idp_base)
        config["key_file"], config["cert_file"] = str(rogue / "idp.key"), str(rogue / "idp.crt")
        return Server(config=IdPConfig().load(config))


def mitid_world(tmp: Path, *, base_url: str = "http://testserver", idp_base: str | None = None) -> MitidWorld:
    tmp.mkdir(parents=True, exist_ok=True)
    for name in ("idp", "sp-sign", "sp-enc"):
        make_key_pair(tmp, name)
    write_attribute_map(tmp)
    idp_metadata = tmp / "idp-metadata.xml"
    idp_metadata.write_text(_metadata_xml(IdPConfig().load(idp_config_dict(tmp, sp_metadata=None, idp_base=idp_base))))
    settings = MitidSettings(
        base_url=base_url, sign_key=str(tmp / "sp-sign.key"), sign_cert=str(tmp / "sp-sign.crt"),
        encryption_key=str(tmp / "sp-enc.key"), encryption_cert=str(tmp / "sp-enc.crt"),
        idp_metadata=str(idp_metadata))
    ours = ServiceProvider(settings).metadata_xml()
    other = _metadata_xml(SPConfig().load(sp_config_dict(tmp, idp_metadata=None, entity_id=OTHER_SP_ENTITY_ID)))
    sp_metadata = [ours, other]
    idp = Server(config=IdPConfig().load(idp_config_dict(tmp, sp_metadata=sp_metadata, idp_base=idp_base)))
    return MitidWorld(tmp=tmp, settings=settings, idp=idp, sp_metadata=sp_metadata, idp_base=idp_base)
