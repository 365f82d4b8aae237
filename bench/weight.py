#!/usr/bin/env python3
"""Page weight on a phone: compressed bytes of the first load of every citizen page.

Starts a demo server on a temporary SQLite database (the steps of scripts/start), then loads each
citizen page in Debian's Chromium through Playwright — phone viewport, a fresh browser context per
page, the HTTP cache disabled for the measured load — and adds up the encoded (over-the-wire, i.e.
compressed) body bytes of every response, split HTML / CSS / JS / other. It also checks that HTML,
CSS and JS come gzip- or br-compressed when the browser asks for it.

    .venv/bin/python bench/weight.py            # markdown table on stdout; exit 1 when over target
    .venv/bin/python bench/weight.py --json out.json

Targets (issue 9): ≤ 40 kB in total (HTML + CSS + JS, including htmx) and ≤ 10 kB HTML per page,
with kB = 1,000 bytes (the stricter reading).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
TARGET_TOTAL = 40_000
TARGET_HTML = 10_000
CODE = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")
KINDS = ("html", "css", "js", "other")


# --- The demo server --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_codes(output: str) -> dict[str, str]:
    """The demo prints each demo citizen's code once; name them by what the line says."""
    codes: dict[str, str] = {}
    lines = output.splitlines()
    for i, line in enumerate(lines):
        match = CODE.search(line)
        if not match:
            continue
        if "afgørelse" in line:
            codes["decision"] = match.group()
        elif i > 0 and "behandlingsplan" in lines[i - 1]:
            codes["plan"] = match.group()
        else:
            # "  Pseudonym Name 12   kind   CODE": the column before the code says what the case is.
            words = line[:match.start()].split()
            if words:
                codes.setdefault(words[-1], match.group())
    return codes


class DemoServer:
    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'weight.db'}",
                    "REQUIRE_STAFF_2FA": "false", "LOG_LEVEL": "WARNING", "APP_ENV": "development"}
        self.proc: subprocess.Popen | None = None
        self.codes: dict[str, str] = {}

    def __enter__(self) -> DemoServer:
        python = sys.executable
        demo = subprocess.run([python, "-m", "app", "demo"], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True)
        self.codes = demo_codes(demo.stdout)
        self.proc = subprocess.Popen([python, "-m", "app", "serve", "--host", "127.0.0.1",
                                      "--port", str(self.port), "--no-migrate"], cwd=ROOT, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return self
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the demo server did not start")
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)


# --- Measuring one load -----------------------------------------------------------------------------

@dataclass
class Load:
    name: str
    route: str
    bytes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    with_headers: int = 0
    requests: int = 0
    uncompressed: list[str] = field(default_factory=list)  # HTML/CSS/JS that came without gzip/br
    compressed: int = 0  # HTML/CSS/JS responses that came gzip/br
    status: int = 0

    @property
    def total(self) -> int:
        return sum(self.bytes.values())

    @property
    def problems(self) -> list[str]:
        found = []
        if self.status != 200:
            found.append(f"status {self.status}")
        if self.bytes["html"] + self.bytes["css"] + self.bytes["js"] > TARGET_TOTAL:
            found.append("over 40 kB")
        if self.bytes["html"] > TARGET_HTML:
            found.append("HTML over 10 kB")
        found += [f"not compressed: {u}" for u in self.uncompressed]
        return found


def _kind(content_type: str) -> str:
    if "text/html" in content_type:
        return "html"
    if "text/css" in content_type:
        return "css"
    if "javascript" in content_type:
        return "js"
    return "other"


def measure(context, name: str, route: str, action) -> Load:
    """Run `action(page, recorder)` with the cache off; count every response after recorder.start()."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    recorder = Recorder(page)
    main = action(page, recorder)
    page.wait_for_load_state("networkidle")
    load = Load(name, route, status=main.status if main else 0)
    for request in recorder.finished:
        response = request.response()
        if response is None or response.status in (301, 302, 303, 307, 308):
            continue
        sizes = request.sizes()
        headers = response.all_headers()
        kind = _kind(headers.get("content-type", ""))
        load.bytes[kind] += sizes["responseBodySize"]
        load.with_headers += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        load.requests += 1
        asked = request.all_headers().get("accept-encoding", "")
        encoded = headers.get("content-encoding") in ("gzip", "br")
        load.compressed += kind != "other" and encoded
        # Starlette's GZipMiddleware leaves bodies under 500 bytes alone: nothing to gain there.
        if kind != "other" and "gzip" in asked and sizes["responseBodySize"] >= 500 and not encoded:
            load.uncompressed.append(request.url)
    page.close()
    return load


class Recorder:
    """Collects finished requests; start() forgets the steps before the page being measured."""

    def __init__(self, page):
        self.page = page
        self.finished = []
        page.on("requestfinished", lambda request: self.finished.append(request))

    def start(self):
        self.page.wait_for_load_state("networkidle")
        self.finished.clear()


def goto(url):
    return lambda page, recorder: page.goto(url)


def submit(page, recorder, button: str):
    """Submit the form and count only what its answer brings."""
    recorder.start()
    with page.expect_navigation() as nav:
        page.get_by_role("button", name=button).click()
    return nav.value


def answer_every_question(page, recorder, url: str):
    page.goto(url)
    for fieldset in page.locator("form fieldset").all():
        fieldset.locator("input[type=radio]").first.check()
    return submit(page, recorder, "Se mit resultat")


def book_anonymously(page, recorder, url: str, codes: dict[str, str]):
    page.goto(url)
    page.check("#who-self")
    page.check("#age-30plus")
    page.check("#identity-anonymous")
    page.fill("#nickname", "Kim")
    response = submit(page, recorder, "Book pladsen")
    codes["new booking"] = CODE.search(page.inner_text("#kode")).group()  # to see the booking on Min side
    return response


def ask_for_treatment(page, recorder, url: str):
    page.goto(url)
    for choice in ("#area-alcohol", "#for_whom-self", "#age-30_plus", "#anonymity-anonymous"):
        page.check(choice)
    page.get_by_role("button", name="Fortsæt").click()
    page.fill("#display_name", "Kim")
    return submit(page, recorder, "Send henvendelsen")


def sign_in(context, base: str, code: str) -> str:
    """Sign in over the context's request client: the cookie lands in the context, not the cache."""
    form = context.request.get(base + "/status").text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    landed = context.request.post(base + "/status", form={"csrf_token": token, "code": code})
    assert landed.url.endswith("/min-side"), f"sign-in with a demo code failed ({landed.status})"
    return landed.text()


def signed_in_opener(base: str, code: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """A plain HTTP client signed in with a demo code (for Lighthouse's cookie and the asset list)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/status").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    landed = opener.open(base + "/status", data=urllib.parse.urlencode({"csrf_token": token, "code": code}).encode())
    assert landed.url.endswith("/min-side"), "sign-in with a demo code failed"
    return opener, jar


def sign_in_page(server: DemoServer) -> str:
    """Min side's messages page: the one page that loads every asset there is (CSS and htmx)."""
    opener, _jar = signed_in_opener(server.url, server.codes["plan"])
    return opener.open(server.url + "/min-side/beskeder").read().decode()


def route_pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$|\.)", "/{id}", path)


def private_links(html: str) -> list[str]:
    """Pages reachable from Min side by a plain link (calendar files left out: not pages)."""
    links = re.findall(r'href="(/(?:min-side|klage)[^"#?]*)"', html)
    return sorted({link for link in links if not link.endswith(".ics")})


# --- The pages ------------------------------------------------------------------------------------

def run(server: DemoServer, browser) -> list[Load]:
    base = server.url
    loads: list[Load] = []

    def fresh():
        return browser.new_context(viewport=PHONE, locale="da-DK", timezone_id="Europe/Copenhagen")

    sessions_html = urllib.request.urlopen(base + "/raadgivning").read().decode()
    session_ids = re.findall(r'href="/raadgivning/(\d+)"', sessions_html)
    bookable = next(i for i in session_ids if "Kun for pårørende" not in _session_page(base, i)
                    and 'id="who-self"' in _session_page(base, i))
    anonymous = [
        ("Start", "/"),
        ("Åben Rådgivning", "/raadgivning"),
        ("Booking form", f"/raadgivning/{bookable}"),
        ("Request treatment, step 1", "/behandling"),
        ("Self-test AUDIT", "/behandling/selvtest/audit"),
        ("Self-test DUDIT", "/behandling/selvtest/dudit"),
        ("Sign in with code", "/status"),
        ("Complaints (signed out)", "/klage"),
    ]
    for name, path in anonymous:
        with fresh() as context:
            loads.append(measure(context, name, path, goto(base + path)))

    new_codes: dict[str, str] = {}
    forms = [
        ("Self-test result", "POST /behandling/selvtest/audit",
         lambda p, r: answer_every_question(p, r, base + "/behandling/selvtest/audit")),
        ("Booking confirmation (new code)", "POST /raadgivning/{id}",
         lambda p, r: book_anonymously(p, r, f"{base}/raadgivning/{bookable}", new_codes)),
        ("Treatment request sent (new code)", "POST /behandling/send",
         lambda p, r: ask_for_treatment(p, r, base + "/behandling")),
    ]
    for name, route, action in forms:
        with fresh() as context:
            loads.append(measure(context, name, route, action))

    # Signed in: every demo citizen's Min side (their panels differ), and every private page a link
    # or two away from it, once per route.
    seen: set[str] = set()
    codes = {**server.codes, **new_codes}
    for who in ("plan", "decision", "booked", "new", "relative", "new booking"):
        code = codes.get(who)
        if not code:
            continue
        with fresh() as context:
            queue = private_links(sign_in(context, base, code))
            loads.append(measure(context, f"Min side ({who})", "/min-side", goto(base + "/min-side")))
            for _depth in range(2):
                following = []
                for path in queue:
                    pattern = route_pattern(path)
                    if pattern in seen or pattern == "/min-side":
                        continue
                    seen.add(pattern)
                    loads.append(measure(context, f"{pattern} (signed in, {who})", pattern, goto(base + path)))
                    following += private_links(context.request.get(base + path).text())
                queue = following
    return loads


_session_pages: dict[str, str] = {}


def _session_page(base: str, session_id: str) -> str:
    if session_id not in _session_pages:
        _session_pages[session_id] = urllib.request.urlopen(f"{base}/raadgivning/{session_id}").read().decode()
    return _session_pages[session_id]


# --- Report ---------------------------------------------------------------------------------------

def kb(n: int) -> str:
    return f"{n / 1000:.1f}"


def table(loads: list[Load]) -> str:
    rows = ["| page | route | HTML kB | CSS kB | JS kB | other kB | HTML+CSS+JS kB | with headers kB | requests "
            "| gzip | verdict |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for load in loads:
        b = load.bytes
        verdict = "ok" if not load.problems else "**" + "; ".join(load.problems) + "**"
        rows.append(f"| {load.name} | `{load.route}` | {kb(b['html'])} | {kb(b['css'])} | {kb(b['js'])} | "
                    f"{kb(b['other'])} | {kb(b['html'] + b['css'] + b['js'])} | {kb(load.with_headers)} | "
                    f"{load.requests} | {load.compressed} | {verdict} |")
    return "\n".join(rows)


def asset_sizes(base: str, page_html: str) -> list[str]:
    """Each stylesheet and script as stored and as sent gzip-compressed."""
    lines = []
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page_html):
        plain = len(urllib.request.urlopen(base + url).read())
        request = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            sent, encoding = len(response.read()), response.headers.get("Content-Encoding")
            cache = response.headers.get("Cache-Control")
        lines.append(f"- `{url.split('?')[0]}`: {kb(plain)} kB stored, {kb(sent)} kB sent ({encoding}); "
                     f"Cache-Control: {cache}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the demo server on kill, too
    with tempfile.TemporaryDirectory(prefix="weight-") as tmp, DemoServer(Path(tmp)) as server:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
            try:
                loads = run(server, browser)
            finally:
                browser.close()
        assets = asset_sizes(server.url, sign_in_page(server))
    print(table(loads))
    print("\nAssets (the gzip column counts HTML/CSS/JS responses that came compressed):")
    print("\n".join(assets))
    heaviest = max(loads, key=lambda l: l.bytes["html"] + l.bytes["css"] + l.bytes["js"])
    print(f"\n{len(loads)} pages; heaviest: {heaviest.name} "
          f"({kb(heaviest.bytes['html'] + heaviest.bytes['css'] + heaviest.bytes['js'])} kB). "
          f"Targets: ≤ {kb(TARGET_TOTAL)} kB HTML+CSS+JS, ≤ {kb(TARGET_HTML)} kB HTML (kB = 1,000 bytes).")
    if args.json:
        Path(args.json).write_text(json.dumps([{**vars(l), "problems": l.problems} for l in loads], indent=1))
    failed = [l for l in loads if l.problems]
    for load in failed:
        print(f"OVER TARGET / PROBLEM: {load.name}: {'; '.join(load.problems)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
