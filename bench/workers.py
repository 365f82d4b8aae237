"""Several workers (issue 20): `python -m app serve --workers N` for N = 1, 2, 4 in one run, wrk against
/healthz/live, a signed-in /min-side and the staff inbox, a markdown table.

    .venv/bin/python bench/seed.py --pg postgresql+psycopg://postgres@127.0.0.1:55432/rp_bench \\
        --out var/bench_workers_pg.json            # once: 10,000 cases, one centre (drops the schema!)
    .venv/bin/python bench/workers.py --info var/bench_workers_pg.json
    .venv/bin/python bench/workers.py --workers 1 2 --seconds 5

The measurement is bench/load.py's (same wrk command, Lua not-200 counter, page checks before and
after, fresh sign-ins), with the server started by `serve --workers N` instead of one process. For
each N the reference /healthz/live is measured first and last; the ratios are against their mean
for the same N. Any non-200 response or socket error fails the run after the table. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.load import LUA, free_port, load_average, machine, run_wrk  # noqa: E402

MEASURED = ("/healthz/live", "/min-side", "/personale/indbakke")
PAGES = [page for page in load.PAGES if page[0] in MEASURED]  # (path, cookie, text the real page has)
REFERENCE = "/healthz/live"


def start_workers(url: str, secret: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret, "LOG_LEVEL": "WARNING", "APP_ENV": "production"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--no-migrate", "--workers", str(workers),
                             "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz/live", timeout=1).status_code == 200:
                time.sleep(1.0 * (workers - 1))  # the first worker answers; let the others finish starting
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit("server did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the supervisor and its workers (the group started here)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure(url: str, secret: str, cookies: dict, workers: int, args, lua: str) -> tuple[dict, list[str]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_workers(url, secret, port, workers)
    results, problems = {}, []
    try:
        _check(base, cookies)
        for path, who, _marker in PAGES + [PAGES[0]]:
            run_wrk(base + path, cookies[who], connections=4, seconds=1, gzip=True, script=lua)  # warm-up
            result = run_wrk(base + path, cookies[who], connections=args.connections, seconds=args.seconds,
                             gzip=True, script=lua)
            results[path if path not in results else path + " (again)"] = result
        try:
            _check(base, cookies)
        except (SystemExit, httpx.HTTPError) as failed:
            problems.append(f"{workers} workers, after the run: {failed!r}")
    finally:
        stop(proc)
    for path, r in results.items():
        if r["not200"] or r["socket_errors"] or not r["requests"]:
            problems.append(f"{workers} workers, {path}: {r['requests']} responses, {r['not200']} not 200, "
                            f"{r['socket_errors']} socket errors")
    return results, problems


def _check(base: str, cookies: dict) -> None:
    for path, who, marker in PAGES:
        r = httpx.get(base + path, headers={"Cookie": cookies[who]}, follow_redirects=False, timeout=30)
        if r.status_code != 200 or marker not in r.text:
            raise SystemExit(f"FAIL {path}: status {r.status_code} (location {r.headers.get('location')!r})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--info", default="var/bench_workers_pg.json", help="written by bench/seed.py --out")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    from bench.seed import write_cookies
    info_path = ROOT / args.info
    info = json.loads(info_path.read_text())
    url, secret = info["database_url"], info["secret_key"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
    load_before = load_average()
    table, problems = {}, []
    for workers in args.workers:
        cookies = write_cookies(info_path, url, secret)["cookies"]  # fresh sign-ins (20-minute idle timeout)
        table[workers], found = measure(url, secret, cookies, workers, args, fh.name)
        problems += found
    load_after = load_average()
    db = "SQLite (file, WAL)" if url.startswith("sqlite") else "PostgreSQL " + url.split("@")[-1].split("/")[0]
    print(f"\n{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · {machine()}")
    print(f"`serve --workers N`, {db}, wrk -t1 -c{args.connections} -d{args.seconds}s, Accept-Encoding: gzip"
          f" · load average before {load_before}, after {load_after}\n")
    print("| workers | page | requests/s | p50 ms | p99 ms | vs /healthz/live (same N) |")
    print("|---:|---|---:|---:|---:|---:|")
    for workers, results in table.items():
        ref = (results[REFERENCE]["rps"] + results[REFERENCE + " (again)"]["rps"]) / 2
        for path, r in results.items():
            label = f"`{path}`" if not path.endswith("(again)") else f"`{path.split()[0]}` (last)"
            print(f"| {workers} | {label} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
                  f"| {r['rps'] / ref:.0%} |")
    if problems:
        raise SystemExit("FAIL\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
