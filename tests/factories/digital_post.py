"""A local stand-in for KOMBIT's SF1601 (Digital Post through the service platform), started on
loopback by the tests, shaped like the real calls app/notify/digital_post.py makes:

- GET  /service/PostForespoerg_1/digitalpost?cprNumber=…  → {"result": bool}
- POST /service/KombiPostAfsend_1/memos  (a kombi_request around a memo:Message)

It parses every MeMo it gets, keeps one letter per messageUUID (a second POST of a known UUID is
answered 409 and not kept again, as Digital Post refuses a duplicate), and can be told to answer 500,
to be slow (a client timeout), or that a CPR number cannot receive Digital Post.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from lxml import etree

from app.core.config import NotifySettings, load_centre
from app.notify import config as notify_config
from app.notify.memo import NS

M = "{%s}" % NS


@dataclass
class Received:
    headers: dict
    message: etree._Element  # the memo:Message

    def text(self, path: str) -> str | None:
        return self.message.findtext("/".join(M + part for part in path.split("/")))


@dataclass
class Sf1601Stub:
    url: str = ""
    letters: dict = field(default_factory=dict)  # messageUUID -> Received
    posts: int = 0  # every POST that reached the server, kept or not
    lookups: list = field(default_factory=list)  # CPR numbers asked about
    not_registered: set = field(default_factory=set)  # CPR numbers (10 digits) that cannot receive it
    fail_next: int = 0  # answer 500 to this many POSTs
    slow_next: int = 0  # this many POSTs are kept, then answered after `delay` (the client times out first)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_stub() -> tuple[Sf1601Stub, ThreadingHTTPServer]:
    stub = Sf1601Stub()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict | None = None):
            payload = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/service/PostForespoerg_1/digitalpost":
                return self._answer(404)
            cpr = parse_qs(url.query).get("cprNumber", [""])[0]
            with stub.lock:
                stub.lookups.append(cpr)
                registered = len(cpr) == 10 and cpr not in stub.not_registered
            self._answer(200, {"result": registered})

        def do_POST(self):
            if self.path != "/service/KombiPostAfsend_1/memos":
                return self._answer(404)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
            if request.tag != "kombi_request" or request.findtext("KombiValgKode") != "Digital Post":
                return self._answer(400)
            message = request.find(M + "Message")
            if message is None:
                return self._answer(400)
            message_uuid = message.findtext(f"{M}MessageHeader/{M}messageUUID")
            with stub.lock:
                stub.posts += 1
                if stub.fail_next:
                    stub.fail_next -= 1
                    failing, slow = True, False
                else:
                    failing = False
                    slow = stub.slow_next > 0
                    stub.slow_next -= 1 if slow else 0
                    duplicate = message_uuid in stub.letters
                    if not duplicate:
                        stub.letters[message_uuid] = Received(dict(self.headers), message)
            if failing:
                return self._answer(500)
            if slow:
                time.sleep(stub.delay)
            self._answer(409 if duplicate else 200, {"transaktionsId": self.headers.get("X-TransaktionsId")})

        def log_message(self, *args):  # CPR numbers stay out of the test log
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/service/"
    return stub, server


def digital_post_on(settings, stub: Sf1601Stub, **changes):
    """Notify configured with Digital Post pointing at the stub (no certificate locally)."""
    notify = NotifySettings(digital_post_url=stub.url, digital_post_token="Holder-of-key test-token",
                            digital_post_sender_cvr="29189781", digital_post_timeout_seconds=2.0,
                            backoff_seconds=60, max_attempts=4, batch_size=5, **changes)
    return notify_config.configure(settings.with_(notify=notify), load_centre(settings.centre_file))


def verify(db, case, *, cpr: str = "010190-1234", name: str = "Mette Hansen", now):
    """The fixture of a MitID-verified citizen: the CaseIdentity row a NemLog-in sign-in writes."""
    from app.identity.models import CaseIdentity
    db.add(CaseIdentity(case_id=case.id, cpr=cpr, full_name=name, verified_at=now))
    db.flush()
