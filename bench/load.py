"""Server speed: one uvicorn worker on loopback, wrk against five pages, a markdown table.

    .venv/bin/python bench/seed.py                  # once: the data set and cookies (var/bench_speed.json)
    .venv/bin/python bench/load.py                  # fresh sessions, then the run
    .venv/bin/python bench/load.py     # for figures that go into a README
    .venv/bin/python bench/load.py --profile /min-side   # py-spy record of the server during that page

Each page is fetched once with httpx first and must be a 200 with its real content (the cookies
must really sign in); then `wrk -t1 -c32 -d10s --latency` runs against each in turn, /healthz/live
(JSON, no database) first and last. A wrk Lua script counts every response that is not a 200
(wrk itself counts 3xx as success); any such response, or any socket error, fails the run.
Throughput is also given as a ratio to /healthz/live (the mean of its two runs). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# path, cookie to send, text the real page must contain (proves the cookie signed in)
PAGES = [
    ("/healthz/live", "anonymous", '"status":"ok"'),
    ("/", "anonymous", 'href="/behandling"'),
    ("/raadgivning", "anonymous", "Åben Rådgivning"),
    ("/min-side", "citizen", 'action="/min-side/log-ud"'),
    ("/personale/indbakke", "staff", 'href="/personale/sager/'),
]
REFERENCE = "/healthz/live"

LUA = r"""
bad = 0  -- a global, so that done() can read it with thread:get()
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local not200 = 0
  for _, t in ipairs(threads) do not200 = not200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"not200": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, not200, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}, Python {platform.python_version()}"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def start_server(url: str, secret: str, port: int) -> subprocess.Popen:
    """One worker, no access log (uvicorn's is off in `serve`; the app's own is below WARNING)."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret, "LOG_LEVEL": "WARNING",
           "APP_ENV": "production"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--no-migrate", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz/live", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def check_pages(base: str, cookies: dict[str, str]) -> None:
    """Every page once: a 200 with its real content, or the run stops here."""
    for path, who, marker in PAGES:
        r = httpx.get(base + path, headers={"Cookie": cookies[who]}, follow_redirects=False, timeout=30)
        if r.status_code != 200 or marker not in r.text:
            raise SystemExit(f"FAIL {path}: status {r.status_code}, {'marker found' if marker in r.text else 'no ' + repr(marker)}"
                             f" (location {r.headers.get('location')!r}) – run bench/seed.py --sessions-only?")


def run_wrk(url: str, cookie: str, *, connections: int, seconds: int, gzip: bool, script: str) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, "-H", f"Cookie: {cookie}"]
    if gzip:
        cmd += ["-H", "Accept-Encoding: gzip"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise SystemExit(f"could not read wrk output:\n{out}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def profile(pid: int, seconds: int, out: Path) -> subprocess.Popen:
    """Samples only the thread holding the GIL: where the CPU goes, not where threads wait for it."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
                             "--format", {".json": "speedscope", ".txt": "raw"}.get(out.suffix, "flamegraph"),
                             "--output", str(out), "--nonblocking", "--gil"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--info", default="var/bench_speed.json", help="written by bench/seed.py")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-gzip", action="store_true", help="do not send Accept-Encoding: gzip")
    parser.add_argument("--reuse-sessions", action="store_true",
                        help="use the cookies in --info as they are (they idle out after 20 minutes)")
    parser.add_argument("--only", action="append", help="measure only these paths (plus /healthz/live)")
    parser.add_argument("--profile", metavar="PATH", help="py-spy record the server while wrk runs on PATH")
    parser.add_argument("--profile-out", default="var/profile.svg", help=".svg flame graph, .json speedscope or .txt collapsed stacks")
    args = parser.parse_args()

    info = json.loads((ROOT / args.info).read_text())
    url, secret = info["database_url"], info["secret_key"]
    if not args.reuse_sessions:
        from bench.seed import write_cookies
        info = write_cookies(ROOT / args.info, url, secret)
    cookies = info["cookies"]
    pages = [p for p in PAGES if not args.only or p[0] in args.only or p[0] == REFERENCE]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = load_average()
    server = start_server(url, secret, port)
    results: dict[str, dict] = {}
    after_check = None
    try:
        check_pages(base, cookies)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(LUA)
        for path, who, _marker in pages + [pages[0]]:
            # A short warm-up so first-request work (templates, query plans) is not in the figures.
            run_wrk(base + path, cookies[who], connections=4, seconds=1, gzip=not args.no_gzip, script=fh.name)
            spy = profile(server.pid, args.seconds, ROOT / args.profile_out) if args.profile == path else None
            result = run_wrk(base + path, cookies[who], connections=args.connections, seconds=args.seconds,
                             gzip=not args.no_gzip, script=fh.name)
            if spy:
                spy.wait()
            key = path if path not in results else path + " (again)"
            results[key] = result
        try:
            check_pages(base, cookies)  # the sessions still sign in after the run
        except (SystemExit, httpx.HTTPError) as failed:
            after_check = f"after the run: {failed!r}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # e.g. worker threads stuck waiting for a pooled connection
            server.kill()
            server.wait()
    load_after = load_average()
    ref = (results[REFERENCE]["rps"] + results[REFERENCE + " (again)"]["rps"]) / 2
    report(results, ref, url, args, load_before, load_after)
    failures = [f"{p}: {r['requests']} responses, {r['not200']} not 200, {r['socket_errors']} socket errors"
                for p, r in results.items() if r["not200"] or r["socket_errors"] or not r["requests"]]
    failures.append(after_check or "")
    if any(failures):
        raise SystemExit("FAIL\n" + "\n".join(f for f in failures if f))


def report(results: dict[str, dict], ref: float, url: str, args, load_before: str, load_after: str) -> None:
    db = "SQLite (file, WAL)" if url.startswith("sqlite") else "PostgreSQL " + url.split("@")[-1].split("/")[0]
    print(f"\n{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · {machine()}")
    print(f"one uvicorn worker, {db}, wrk -t1 -c{args.connections} -d{args.seconds}s"
          f"{'' if args.no_gzip else ', Accept-Encoding: gzip'} · load average before {load_before}, after {load_after}\n")
    print("| page | requests/s | p50 ms | p99 ms | throughput vs /healthz/live | not 200 / socket errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for path, r in results.items():
        print(f"| `{path}` | {r['rps']:,.0f} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
              f"| {r['rps'] / ref:.0%} | {r['not200']} / {r['socket_errors']} |")


if __name__ == "__main__":
    main()
