"""Every page reachable by links, citizen and staff, with the demo data: a 200, zero axe violations, and
no horizontal scrolling at 200 % zoom (citizens: a 320 px wide phone; staff: a 1280 px desktop at 200 %).

A crawl rather than a list, so a new page is covered the day it is linked. Pages are grouped by their
path with numbers replaced, so each kind of page is checked once."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from sqlmodel import select

from app.core.clock import Clock
from app.core.config import Settings
from app.demo import load_demo
from app.staff.models import StaffUser
from tests.browser.conftest import assert_accessible, staff_sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")
SKIP = re.compile(r"\.(ics|png|svg|csv|pdf|txt)$|^/sprog|/log-ud|^/static/|^/forlad")  # /forlad: the quick exit


def _load_demo(live_server) -> list[str]:
    """The demo data in the live server's database; returns the printed demo codes."""
    settings = Settings(environment="test", secret_key="browser-test",
                        database_url=str(live_server.app.state.engine.url))
    lines = list(load_demo(settings, Clock()))
    with live_server.db() as db:
        admin = db.exec(select(StaffUser).where(StaffUser.username == "admin")).one()
        admin.totp_secret = pyotp.random_base32()
        db.add(admin)
        db.commit()
    return [m.group(0) for line in lines for m in [CODE.search(line)] if m]


def _crawl(page, base: str, starts: list[str], allowed, width: int, browser, browser_context_args) -> set[str]:
    page.set_viewport_size({"width": width, "height": 800})
    seen: set[str] = set()
    queue = deque(starts)
    while queue:
        path = queue.popleft()
        pattern = re.sub(r"\d+", "{n}", urlsplit(path).path)
        if pattern in seen:
            continue
        seen.add(pattern)
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        if page.evaluate("document.documentElement.scrollWidth") > width:
            wide = page.evaluate("""w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 0.5)
                .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))""", width)
            raise AssertionError(f"{path} scrolls sideways: {wide}")
        assert_accessible(page, browser, browser_context_args)
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            target = urlsplit(urljoin(base + path, href))
            if target.netloc != urlsplit(base).netloc or SKIP.search(target.path) or not allowed(target.path):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def test_every_citizen_page_passes_axe_and_reflows_at_320_px(live_server, browser, browser_context_args):
    codes = _load_demo(live_server)
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    citizen = lambda p: not p.startswith(("/personale", "/api"))  # noqa: E731
    seen = _crawl(page, live_server.url, ["/", "/raadgivning", "/behandling", "/status", "/klage"], citizen,
                  320, browser, browser_context_args)
    for code in codes:  # each demo case shows a different state of Min side
        page.goto(live_server.url + "/status")
        page.get_by_label("Din personlige kode").fill(code)
        page.get_by_role("button", name="Gå til Min side").click()
        assert page.url.endswith("/min-side"), code
        seen |= _crawl(page, live_server.url, ["/min-side"], lambda p: citizen(p) and p not in {"/", "/status"},
                       320, browser, browser_context_args)
        context.clear_cookies()
    context.close()
    assert {"/", "/raadgivning", "/behandling", "/status", "/klage", "/min-side"} <= seen
    assert len([p for p in seen if p.startswith("/min-side/")]) >= 5, sorted(seen)


def test_every_staff_page_passes_axe_and_reflows_at_200_percent(live_server, browser, browser_context_args):
    _load_demo(live_server)
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    staff_sign_in(page, live_server, "admin", "demo-admin-2026")
    seen = _crawl(page, live_server.url, ["/personale"], lambda p: p.startswith("/personale"),
                  640, browser, browser_context_args)
    context.close()
    assert {"/personale/indbakke", "/personale/sager/{n}", "/personale/statistik"} <= seen, sorted(seen)
    assert len(seen) >= 15, sorted(seen)
