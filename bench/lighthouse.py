#!/usr/bin/env python3
"""Lighthouse (mobile preset, offline) scores for the citizen pages of a demo server.

Needs npm `lighthouse@12` (Node 20; 13.x wants Node 22) in a local, uncommitted folder:

    npm install --prefix var/lh lighthouse@12
    .venv/bin/python bench/lighthouse.py                          # every page
    .venv/bin/python bench/lighthouse.py --lock var/bench.lock   # each run under a shared lock

Plain pages go through the Lighthouse CLI (the TOOLING.md recipe: a fresh Chromium profile per run,
no network beyond 127.0.0.1); signed-in pages get the session cookie with --extra-headers; the pages
that answer a form (the new code after a booking or a treatment request) run as a Lighthouse user
flow (bench/lighthouse_flow.mjs) that fills the form in the same browser. Performance is sensitive to
CPU load: the load average is printed with every run. Targets (issue 9): performance ≥ 95 and
accessibility 100 for every citizen page. Exit status 1 when a page misses them.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from weight import DemoServer, signed_in_opener  # noqa: E402  (same folder: one demo server recipe)

ROOT = Path(__file__).resolve().parent.parent
LH_DIR = ROOT / "var" / "lh"
LIGHTHOUSE = LH_DIR / "node_modules" / ".bin" / "lighthouse"
FLOW = Path(__file__).resolve().parent / "lighthouse_flow.mjs"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100}
FLOW_ANSWERS = {"booking": "/raadgivning/{id}", "request": "/behandling/send", "selftest": "/behandling/selvtest/audit"}  # what a flow measures


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@contextlib.contextmanager
def locked(path: str | None):
    """flock(1)'s lock, taken from Python so it is held for one Lighthouse run at a time."""
    if not path:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def signed_in_cookie(base: str, code: str) -> str:
    """The Cookie header of a session signed in with a demo code."""
    _opener, jar = signed_in_opener(base, code)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def scores_of(report: dict) -> dict[str, int]:
    return {k: round(report["categories"][k]["score"] * 100) for k in CATEGORIES}


def shortfalls(report: dict) -> list[str]:
    """The audits that cost points, for the README and for fixing them."""
    out = []
    for key, audit in report["audits"].items():
        if audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings") and \
                audit.get("score") is not None and audit["score"] < 0.9:
            out.append(key)
    return sorted(out)


def run_cli(url: str, headers: dict[str, str] | None, out: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="lh-profile-") as profile:
        cmd = [str(LIGHTHOUSE), url, "--form-factor=mobile",
               f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
               "--only-categories=" + ",".join(CATEGORIES), "--output=json", f"--output-path={out}", "--quiet"]
        if headers:
            cmd.append("--extra-headers=" + json.dumps(headers))
        subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return json.loads(out.read_text())


def run_flow(base: str, kind: str, form_path: str, out: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="lh-profile-") as profile:
        subprocess.run(["node", str(FLOW), base, kind, form_path, str(out), profile], check=True,
                       env={**os.environ, "NODE_PATH": str(LH_DIR / "node_modules")},
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return json.loads(out.read_text())


def pages(server: DemoServer) -> list[tuple[str, str, dict | None]]:
    """(label, path, extra headers); a path starting with 'flow:' is a form answer."""
    base = server.url
    sessions = urllib.request.urlopen(base + "/raadgivning").read().decode()
    first_session = re.search(r'href="/raadgivning/(\d+)"', sessions).group(1)
    found = [
        ("Start", "/", None),
        ("Åben Rådgivning", "/raadgivning", None),
        ("Booking form", f"/raadgivning/{first_session}", None),
        ("Request treatment", "/behandling", None),
        ("Self-test AUDIT", "/behandling/selvtest/audit", None),
        ("Self-test DUDIT", "/behandling/selvtest/dudit", None),
        ("Sign in with code", "/status", None),
        ("Complaints (signed out)", "/klage", None),
        ("Self-test result", "flow:selftest:/behandling/selvtest/audit", None),
        ("Booking confirmation (new code)", f"flow:booking:/raadgivning/{first_session}", None),
        ("Treatment request sent (new code)", "flow:request:/behandling", None),
    ]
    for who, extra in (("plan", ["/min-side/plan", "/min-side/beskeder", "/min-side/mine-data"]),
                       ("decision", ["/klage"])):
        headers = {"Cookie": signed_in_cookie(base, server.codes[who])}
        found.append((f"Min side ({who})", "/min-side", headers))
        found += [(f"{path} (signed in, {who})", path, headers) for path in extra]
    return found


TRACE_ATTEMPTS = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", help="hold this flock(1) lock file during each Lighthouse run "
                        "(or run the whole script under flock(1) instead)")
    parser.add_argument("--keep", help="keep every JSON report in this folder")
    parser.add_argument("--only", help="only pages whose label contains this text")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the demo server on kill, too
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse is not installed: npm install --prefix {LH_DIR.relative_to(ROOT)} lighthouse@12",
              file=sys.stderr)
        return 2
    rows, failed = [], []
    with tempfile.TemporaryDirectory(prefix="weight-") as tmp, DemoServer(Path(tmp)) as server:
        out_dir = Path(args.keep or tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for i, (label, path, headers) in enumerate(pages(server)):
            if args.only and args.only not in label:
                continue
            out = out_dir / f"lh-{i:02d}.json"
            if path.startswith("flow:"):
                _, kind, form_path = path.split(":", 2)
                path = "POST " + FLOW_ANSWERS[kind]
                run = partial(run_flow, server.url, kind, form_path, out)
            else:
                run = partial(run_cli, server.url + path, headers, out)
            try:
                for attempt in range(1, TRACE_ATTEMPTS + 1):
                    try:
                        with locked(args.lock):
                            load = load_average()
                            report = run()
                        break
                    except subprocess.CalledProcessError as err:
                        # Chromium sometimes loses the trace of a page load (Lighthouse's own "please run
                        # Lighthouse again"): a fault of the tool, not of the page, so it gets another go.
                        if attempt == TRACE_ATTEMPTS or b"recording the trace" not in (err.stderr or b""):
                            raise
                        print(f"{label}: Lighthouse lost the trace, run {attempt + 1}", file=sys.stderr, flush=True)
            except subprocess.CalledProcessError as err:
                failed.append(label)
                why = (err.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
                rows.append(f"| {label} | `{path}` | – | – | – | – | Lighthouse failed: {why[0][:120]} | {load} |")
                print(rows[-1], file=sys.stderr, flush=True)
                continue
            scores = scores_of(report)
            missed = [k for k, target in TARGETS.items() if scores[k] < target]
            if missed:
                failed.append(label)
            lost = ", ".join(shortfalls(report)) or "–"
            rows.append(f"| {label} | `{path}` | {scores['performance']} | {scores['accessibility']} | "
                        f"{scores['best-practices']} | {scores['seo']} | {lost} | {load} |")
            print(rows[-1], file=sys.stderr, flush=True)
    print("| page | route | performance | accessibility | best practices | SEO | audits under 0.9 | load avg |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    print("\n".join(rows))
    if failed:
        print("\nUnder target (performance ≥ 95, accessibility 100): " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
