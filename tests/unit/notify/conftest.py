"""A real local SMTP server (aiosmtpd), a local HTTP server standing in for the SMS gateway, and
notify settings pointing at them."""

from __future__ import annotations

import json
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from app.core.config import NotifySettings, load_centre
from app.core.db import make_engine
from app.notify import config as notify_config
from tests.factories.ports import free_port


class MailBox:
    """aiosmtpd handler: keeps every message it accepts (parsed), and can refuse the next N."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refuse_next = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_next:
                self.refuse_next -= 1
                return "451 Try again later"
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


class Gateway:
    def __init__(self):
        self.requests = []  # (headers, json)
        self.lock = threading.Lock()
        self.fail_next = 0  # answer 500 this many times
        self.delay = 0.0


@pytest.fixture
def sms_gateway():
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(gateway.delay)
            with gateway.lock:
                failing = gateway.fail_next > 0
                if failing:
                    gateway.fail_next -= 1
                else:
                    gateway.requests.append((dict(self.headers), body))
            self.send_response(500 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ids": [1]}')

        def log_message(self, *args):  # keep test output (and phone numbers) out of the log
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/rest/mtsms"
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture
def channels_on(app, settings, smtp_server, sms_gateway):
    """Notify configured with both channels pointing at the local servers (no STARTTLS locally).
    Depends on app: create_app() configures notify too, and must not undo this."""
    notify = NotifySettings(
        smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_starttls=False, smtp_from="post@kommune.example",
        sms_gateway_url=sms_gateway.url, sms_gateway_token="test-token", portal_url="https://selvbetjening.example",
        backoff_seconds=60, max_attempts=3, timeout_seconds=5, batch_size=5,
    )
    cfg = notify_config.configure(settings.with_(notify=notify), load_centre(settings.centre_file))
    yield cfg
    notify_config._current = None


@pytest.fixture
def channels_off(app, settings):
    cfg = notify_config.configure(settings, load_centre(settings.centre_file))
    yield cfg
    notify_config._current = None


@pytest.fixture
def engine(app, settings):
    """The app's kind of engine (BEGIN IMMEDIATE on SQLite), as the jobs runner uses it."""
    eng = make_engine(settings.database_url)
    yield eng
    eng.dispose()
