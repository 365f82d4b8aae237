"""Browser harness: a live server per test, Debian's Chromium on a phone viewport, JS on and off,
and an axe-core check that fails on any violation."""

from __future__ import annotations

import threading
import time
import weakref

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import Session

from app.house import house
from app.core.config import Settings
from app.core.db import make_engine
from app.main import create_app
from tests.factories.ports import free_port

CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROME_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


class LiveServer:
    def __init__(self, application, port: int):
        self.app = application
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                                    log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=5)

    def db(self) -> Session:
        return Session(self.app.state.engine, expire_on_commit=False)


@pytest.fixture
def live_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    house().metadata.create_all(engine)
    engine.dispose()
    application = create_app(Settings(environment="test", secret_key="browser-test", database_url=url))
    server = LiveServer(application, free_port())
    server.start()
    yield server
    server.stop()
    application.state.engine.dispose()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js_enabled(request) -> bool:
    return request.param


_JS_OFF: "weakref.WeakSet" = weakref.WeakSet()


def js_is_on(page) -> bool:
    return page.context not in _JS_OFF


@pytest.fixture
def phone(browser, browser_context_args, js_enabled):
    """A fresh phone-sized browser context (fresh profile), with JS on or off."""
    context = browser.new_context(**browser_context_args, java_script_enabled=js_enabled)
    if not js_enabled:
        _JS_OFF.add(context)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page, browser=None, browser_context_args=None) -> None:
    """Zero axe-core violations. axe needs JavaScript, so a JS-off page is re-opened, with the same
    cookies, in a JS-on context to check the very same server-rendered HTML."""
    if js_is_on(page):
        results = _axe.run(page)
    else:
        assert browser is not None, "pass browser and browser_context_args for JS-off pages"
        context = browser.new_context(**browser_context_args)
        context.add_cookies(page.context.cookies())
        check = context.new_page()
        check.goto(page.url)
        results = _axe.run(check)
        context.close()
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


@pytest.fixture
def axe(browser, browser_context_args):
    def check(page):
        assert_accessible(page, browser, browser_context_args)
    return check


def staff_sign_in(page, live_server, username: str, password: str | None = None) -> None:
    """Sign a member of staff in through the real forms: password, then the TOTP code (2FA is on)."""
    import pyotp
    from sqlmodel import select
    from app.staff.models import StaffUser
    from tests.factories import PASSWORD
    page.goto(live_server.url + "/personale/log-ind")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password or PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    with live_server.db() as db:
        secret = db.exec(select(StaffUser.totp_secret).where(StaffUser.username == username)).one()
    totp = pyotp.TOTP(secret)
    # A code is accepted once; a second sign-in in the same 30 s uses the next window's code.
    for code in (totp.now(), totp.at(time.time() + 30)):
        page.get_by_label("Kode").fill(code)
        page.get_by_role("button", name="Log ind").click()
        if "/personale/to-trin" not in page.url:
            return
    raise AssertionError("second factor was not accepted")
