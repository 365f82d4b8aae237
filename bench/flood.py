"""Code-guessing flood: do ordinary pages stay fast while 50 clients guess personal codes, and does
the right code still sign in afterwards?

    .venv/bin/python bench/flood.py                      # SQLite (var/bench_flood.db)
    .venv/bin/python bench/flood.py --pg                 # PostgreSQL (rp_resil_bench on the shared cluster)
    .venv/bin/python bench/flood.py --seconds 10 --clients 50 --window 4

One uvicorn worker on a demo database plus one citizen case whose code we know (the "victim").
Flood clients run in their own process (asyncio + httpx, one cookie jar each): each fetches /status
like a browser (CSRF cookie + hidden token) and then POSTs well-formed wrong codes (right check
character, so each one counts as a guess) as fast as it can; a share of them aim at the victim's
selector, as someone who saw the first group of the code would. Meanwhile a separate process times
`/` and `/raadgivning` one request after another. Two scenarios:

- one address: all flood clients from 127.0.0.1 (one attacker, 50 connections);
- many addresses: each client from its own loopback address 127.0.0.x (a distributed attacker).

Checks: ordinary page p99 < 200 ms during the flood; zero 5xx; the victim signs in with the right code
from another address during the flood (the selector throttle must not lock the owner out); and from
the flooding address once the flood has stopped and the throttle window has passed. The server runs
with a short throttle cap (THROTTLE_MAX_SECONDS, default 900 s in the app) so the window fits a
benchmark. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

import harness  # noqa: E402
from harness import DEFAULT_PG, Server, csrf_token, pct  # noqa: E402

TARGET_P99_MS = 200.0
PAGES = ("/", "/raadgivning")


def _wrong_code(rng: random.Random, victim_selector: str | None) -> str:
    from app.core.codes import ALPHABET, SELECTOR_LEN, VERIFIER_LEN, _check_char
    selector = victim_selector or "".join(rng.choice(ALPHABET) for _ in range(SELECTOR_LEN))
    body = selector + "".join(rng.choice(ALPHABET) for _ in range(VERIFIER_LEN))
    return body + _check_char(body)


async def _flood(base: str, clients: int, seconds: float, spread: bool, victim_selector: str,
                 target_share: float, ready, go) -> Counter:
    counts: Counter = Counter()

    async def client(k: int) -> None:
        rng = random.Random(k)
        local = f"127.0.0.{10 + k}" if spread else "127.0.0.1"
        transport = httpx.AsyncHTTPTransport(local_address=local)
        async with httpx.AsyncClient(base_url=base, transport=transport, timeout=60) as c:
            page = await c.get("/status")
            token = csrf_token(page.text)
            await asyncio.get_running_loop().run_in_executor(None, ready.wait)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                aim = victim_selector if rng.random() < target_share else None
                try:
                    r = await c.post("/status", data={"code": _wrong_code(rng, aim), "csrf_token": token})
                    counts[r.status_code] += 1
                except httpx.HTTPError as exc:
                    counts[type(exc).__name__] += 1

    await asyncio.gather(*(client(k) for k in range(clients)))
    return counts


def flood_process(base, clients, seconds, spread, victim_selector, target_share, ready, out) -> None:
    counts = asyncio.run(_flood(base, clients, seconds, spread, victim_selector, target_share, ready, None))
    out.put(dict(counts))


def probe(base: str, seconds: float) -> dict[str, list[float]]:
    """Ordinary pages, one after another, from a client that is not guessing."""
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    statuses: Counter = Counter()
    end = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=30) as c:
        i = 0
        while time.monotonic() < end:
            path = PAGES[i % len(PAGES)]
            i += 1
            t0 = time.perf_counter()
            r = c.get(path)
            times[path].append((time.perf_counter() - t0) * 1000)
            statuses[r.status_code] += 1
            time.sleep(0.02)  # a person, not a load generator: ~40 pages/s at most
    times["_statuses"] = dict(statuses)  # type: ignore[assignment]
    return times


def sign_in(base: str, code: str, local: str) -> int:
    transport = httpx.HTTPTransport(local_address=local)
    with httpx.Client(base_url=base, transport=transport, timeout=30) as c:
        token = csrf_token(c.get("/status").text)
        return c.post("/status", data={"code": code, "csrf_token": token}).status_code


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (from /proc)."""
    import os
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def prepare(url: str):
    from app.cases import service as cases
    from app.core.clock import Clock
    from app.core.config import settings_from_env
    from app.core.db import make_engine, transaction
    from app.demo import load_demo
    harness.fresh_database(url)
    for _ in load_demo(settings_from_env({"DATABASE_URL": url})):
        pass
    engine = make_engine(url)
    with transaction(engine) as db:
        _case, code = cases.open_case(db, now=Clock().now(), anonymous=True)
    engine.dispose()
    return code


def run_scenario(server: Server, name: str, *, spread: bool, args, victim) -> tuple[list[str], list[str]]:
    lines, failures = [], []
    # The same pages with no flood, just before: on a shared machine this shows what is load from others.
    quiet = probe(server.base, args.quiet_seconds)
    quiet.pop("_statuses")
    ctx = mp.get_context("fork")
    ready, out = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=flood_process, args=(server.base, args.clients, args.seconds, spread,
                                                   victim.selector, args.target_share, ready, out))
    proc.start()
    time.sleep(2.0)  # let every flood client fetch its form first
    cpu0, t0 = cpu_seconds(server.proc.pid), time.monotonic()
    ready.set()
    time.sleep(0.5)
    during = sign_in(server.base, victim.display, "127.0.0.2")
    times = probe(server.base, args.seconds - 1.5)
    counts = out.get(timeout=args.seconds + 120)
    proc.join()
    cpu = (cpu_seconds(server.proc.pid) - cpu0) / (time.monotonic() - t0) * 100
    guesses = sum(v for k, v in counts.items() if isinstance(k, int))
    load_after = harness.load()
    # The owner at the flooding address: after the flood, once the throttle window has passed.
    time.sleep(args.window + 1)
    after = sign_in(server.base, victim.display, "127.0.0.1" if not spread else "127.0.0.10")
    statuses = times.pop("_statuses")
    lines += [f"### {name}", "",
              f"- flood: {args.clients} clients for {args.seconds:.0f} s, {guesses} guesses "
              f"({guesses / args.seconds:.0f}/s), answers {dict(sorted(counts.items(), key=str))}",
              f"- server CPU during the flood: {cpu:.0f} % of one core; load average after: {load_after}",
              f"- owner signs in from another address during the flood: HTTP {during}",
              f"- owner signs in from {'the flooding' if not spread else 'a flooding'} address "
              f"{args.window + 1:.0f} s after the flood: HTTP {after}",
              "", "| page | no flood: n | p50 ms | p99 ms | during the flood: n | p50 ms | p99 ms | max ms |",
              "|---|---|---|---|---|---|---|---|"]
    for path in PAGES:
        t, q = times[path], quiet[path]
        lines.append(f"| `{path}` | {len(q)} | {pct(q, 50):.1f} | {pct(q, 99):.1f} "
                     f"| {len(t)} | {pct(t, 50):.1f} | **{pct(t, 99):.1f}** | {max(t):.1f} |")
        if pct(t, 99) >= TARGET_P99_MS:
            failures.append(f"{name}: {path} p99 {pct(t, 99):.0f} ms ≥ {TARGET_P99_MS:.0f} ms")
    lines.append("")
    fives = {k: v for k, v in {**counts, **statuses}.items() if not isinstance(k, int) or k >= 500}
    if fives:
        failures.append(f"{name}: 5xx or transport errors {fives}")
    if during != 303:
        failures.append(f"{name}: owner could not sign in during the flood (HTTP {during})")
    if after != 303:
        failures.append(f"{name}: owner could not sign in after the throttle window (HTTP {after})")
    return lines, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", nargs="?", const=DEFAULT_PG, help="PostgreSQL URL (default rp_resil_bench)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20, help="length of each flood")
    parser.add_argument("--quiet-seconds", type=float, default=8, help="pages timed with no flood first")
    parser.add_argument("--window", type=float, default=4.0, help="THROTTLE_MAX_SECONDS for the server")
    parser.add_argument("--pause", type=float, help="THROTTLE_PAUSE_SECONDS for the server (app default 1 s)")
    parser.add_argument("--target-share", type=float, default=0.2, help="share of guesses at the victim's selector")
    parser.add_argument("--only", choices=["one", "many"], help="run one scenario")
    args = parser.parse_args()
    url = args.pg or harness.sqlite_url("bench_flood.db")
    victim = prepare(url)
    lines = harness.header(f"Code-guessing flood ({'PostgreSQL' if args.pg else 'SQLite'})")
    lines.append(f"- server: 1 uvicorn worker, throttle: 5 free attempts, then 1 s doubling, "
                 f"capped at {args.window:.0f} s (THROTTLE_MAX_SECONDS); pause before a throttled answer: "
                 f"{'app default (1 s)' if args.pause is None else f'{args.pause:g} s'} (THROTTLE_PAUSE_SECONDS)")
    lines.append("")
    failures: list[str] = []
    scenarios = [("one address", False), ("many addresses", True)]
    for name, spread in scenarios:
        if args.only and args.only != name.split()[0]:
            continue
        env = {"THROTTLE_MAX_SECONDS": str(args.window)}
        if args.pause is not None:
            env["THROTTLE_PAUSE_SECONDS"] = str(args.pause)
        server = Server(url, env=env).start()
        try:
            got, failed = run_scenario(server, name, spread=spread, args=args, victim=victim)
        finally:
            server.stop()
        lines += got
        failures += failed
    return harness.finish(lines, failures)


if __name__ == "__main__":
    sys.exit(main())
