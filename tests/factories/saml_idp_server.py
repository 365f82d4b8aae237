"""The test IdP on loopback, for the browser: a sign-in page in front of pysaml2's Server, as NemLog-in
puts the MitID page in front of its own. It checks the portal's signed AuthnRequest, shows a
"log in as" button, and answers with the HTTP-POST binding: a form the browser posts to the portal's
ACS (the HTTP-POST binding). Single logout answers the portal's signed LogoutRequest with a LogoutResponse.
"""

from __future__ import annotations

import html
import secrets
import threading
import time

import uvicorn
from saml2 import BINDING_HTTP_REDIRECT
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from tests.factories.mitid import MitidWorld, identity
from tests.factories.saml_idp import IDP_ENTITY_ID, LOA_SUBSTANTIAL, RSA_SHA256, b64

PAGE = """<!doctype html><html lang="da"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def idp_app(world: MitidWorld, who: dict | None = None) -> Starlette:
    pending: dict[str, object] = {}

    async def sso(request: Request):
        q = request.query_params
        parsed = world.idp.parse_authn_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=q.get("RelayState"),
                                               sigalg=q["SigAlg"], signature=q["Signature"])
        ticket = secrets.token_urlsafe(8)
        pending[ticket] = parsed.message
        body = (f'<form method="post" action="/saml/sso/login"><input type="hidden" name="ticket" value="{ticket}">'
                '<button type="submit">Log ind som Test Testesen</button></form>')
        return HTMLResponse(PAGE.format(title="Test-MitID", body=body))

    async def login(request: Request):
        form = await request.form()
        message = pending.pop(form["ticket"])
        args = world.idp.response_args(message)
        response = world.idp.create_authn_response(
            who or identity(), userid="mitid-browser-user", authn={"class_ref": LOA_SUBSTANTIAL, "authn_auth": IDP_ENTITY_ID},
            sign_assertion=True, sign_response=False, encrypt_assertion=True,
            encrypt_cert_assertion=(world.tmp / "sp-enc.crt").read_text(), **args)
        value = b64(str(response))
        body = (f'<form method="post" action="{html.escape(args["destination"])}">'
                f'<input type="hidden" name="SAMLResponse" value="{value}">'
                '<button type="submit">Send til tjenesten</button></form>')
        return HTMLResponse(PAGE.format(title="Test-MitID: videre", body=body))

    async def slo(request: Request):
        q = request.query_params
        parsed = world.idp.parse_logout_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=q.get("RelayState"),
                                                sigalg=q.get("SigAlg"), signature=q.get("Signature"))
        answer = world.idp.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT], sign=False)
        back = f"{world.settings.base_url}/mitid/logout/svar"
        info = world.idp.apply_binding(BINDING_HTTP_REDIRECT, str(answer), back, q.get("RelayState", ""),
                                       response=True, sign=True, sigalg=RSA_SHA256)
        return RedirectResponse(dict(info["headers"])["Location"], status_code=303)

    return Starlette(routes=[Route("/saml/sso", sso), Route("/saml/sso/login", login, methods=["POST"]),
                             Route("/saml/slo", slo)])


class IdpServer:
    def __init__(self, world: MitidWorld, port: int):
        self.server = uvicorn.Server(uvicorn.Config(idp_app(world), host="127.0.0.1", port=port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("test IdP did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=5)

