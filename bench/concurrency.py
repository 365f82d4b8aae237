"""Overbooking at scale: 500 simultaneous booking POSTs for one Åben Rådgivning session with 20 places.

    .venv/bin/python bench/concurrency.py                    # PostgreSQL (rp_resil_bench), then SQLite
    .venv/bin/python bench/concurrency.py --db pg --requests 500 --capacity 20 --workers 2
    .venv/bin/python bench/concurrency.py --db sqlite

uvicorn with 2 worker processes on a fresh database (Alembic head) holding one session. Each of the
500 clients is its own browser: it loads the booking form (its own CSRF cookie and token), then every
client's POST waits on one event and all are released together, each on its own already-open
connection. Checks: exactly `capacity` answers are the confirmation page with a personal code, every
other answer is the clear "full" message, zero 5xx or transport errors; in the database the session's
counter equals its capacity, as do the active bookings and the cases opened, and every code shown on a
confirmation page opens its own case. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

import harness  # noqa: E402
from harness import ANON_FORM, BOOKED_TEXT, CODE_RE, DEFAULT_PG, FULL_TEXT, Server, csrf_token, pct  # noqa: E402


async def storm(base: str, session_id: int, n: int) -> tuple[list, float]:
    go = asyncio.Event()
    ready = asyncio.Semaphore(50)  # fetching the forms beforehand: not part of the storm
    results: list = [None] * n
    fetched = 0

    async def one(i: int) -> None:
        nonlocal fetched
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=180, limits=limits, headers=harness.person(i)) as c:
            async with ready:
                page = await c.get(f"/raadgivning/{session_id}")
                data = {**ANON_FORM, "csrf_token": csrf_token(page.text)}
            fetched += 1
            await go.wait()
            t0 = time.perf_counter()
            try:
                r = await c.post(f"/raadgivning/{session_id}", data=data)
                results[i] = (r.status_code, r.text, time.perf_counter() - t0)
            except httpx.HTTPError as exc:
                results[i] = (type(exc).__name__, "", time.perf_counter() - t0)

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    while fetched < n:
        await asyncio.sleep(0.05)
        if any(t.done() and t.exception() for t in tasks):
            raise next(t.exception() for t in tasks if t.done() and t.exception())
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - started


def check_database(url: str, session_id: int, capacity: int, codes: list[str]) -> tuple[dict, list[str]]:
    from sqlalchemy import func, select
    from sqlmodel import Session
    from app.booking.models import ACTIVE, CounsellingBooking, CounsellingSession
    from app.cases.models import CitizenCase
    from app.core.codes import parse_code
    from app.core.db import make_engine
    from app.core.security import verify_secret
    engine = make_engine(url)
    failures = []
    with Session(engine) as db:
        session = db.get(CounsellingSession, session_id)
        active = db.scalar(select(func.count()).select_from(CounsellingBooking).where(
            CounsellingBooking.session_id == session_id, CounsellingBooking.status.in_(ACTIVE)))
        cases = db.scalar(select(func.count()).select_from(CitizenCase))
        orphans = db.scalar(select(func.count()).select_from(CitizenCase).where(
            ~CitizenCase.id.in_(select(CounsellingBooking.case_id))))
        opened = 0
        for shown in codes:
            code = parse_code(shown)
            case = db.exec(select(CitizenCase).where(CitizenCase.code_selector == code.selector)).scalars().first() \
                if code else None
            if case is not None and verify_secret(case.code_hash, code.verifier):
                booking = db.exec(select(CounsellingBooking).where(
                    CounsellingBooking.case_id == case.id, CounsellingBooking.session_id == session_id,
                    CounsellingBooking.status.in_(ACTIVE))).scalars().first()
                opened += booking is not None
    engine.dispose()
    figures = {"booked counter": session.booked, "active bookings": active, "cases": cases,
               "cases without a booking": orphans, "codes shown that open their booked case": opened}
    if not (session.booked == active == cases == capacity):
        failures.append(f"database: counter {session.booked}, active bookings {active}, cases {cases}; "
                        f"capacity {capacity}")
    if orphans:
        failures.append(f"database: {orphans} cases without a booking")
    if opened != len(codes):
        failures.append(f"only {opened} of {len(codes)} codes shown open their booked case")
    return figures, failures


def run(db: str, url: str, args) -> tuple[list[str], list[str]]:
    harness.fresh_database(url)
    session_id = harness.seed_session(url, capacity=args.capacity)
    server = Server(url, workers=args.workers).start()
    try:
        results, elapsed = asyncio.run(storm(server.base, session_id, args.requests))
    finally:
        server.stop()
    statuses = Counter(r[0] for r in results)
    booked = [r for r in results if r[0] == 200 and BOOKED_TEXT in r[1]]
    full = [r for r in results if r[0] == 422 and FULL_TEXT in r[1]]
    codes = [m.group(1) for r in booked if (m := CODE_RE.search(r[1]))]
    times = [r[2] * 1000 for r in results]
    failures = []
    if len(booked) != args.capacity:
        failures.append(f"{len(booked)} confirmation pages for {args.capacity} places")
    if len(full) != args.requests - args.capacity:
        failures.append(f"{len(full)} 'full' answers, expected {args.requests - args.capacity}")
    bad = {k: v for k, v in statuses.items() if not isinstance(k, int) or k >= 500}
    if bad:
        failures.append(f"5xx or transport errors: {bad}")
    if len(set(codes)) != len(booked):
        failures.append(f"{len(set(codes))} distinct codes on {len(booked)} confirmation pages")
    figures, db_failures = check_database(url, session_id, args.capacity, codes)
    failures += db_failures
    errors = [line for line in server.server_errors().splitlines() if "ERROR" in line or "Traceback" in line]
    if errors:
        failures.append(f"server logged {len(errors)} error lines, e.g. {errors[0][:200]}")
    lines = [f"### {db}", "",
             f"- {args.requests} POSTs released together, {args.workers} uvicorn workers, capacity {args.capacity}",
             f"- all answered in {elapsed:.2f} s; answers: {dict(sorted(statuses.items(), key=str))}",
             f"- confirmation pages: {len(booked)}, 'full' messages: {len(full)}",
             f"- answer time p50 {pct(times, 50):.0f} ms, p99 {pct(times, 99):.0f} ms, max {max(times):.0f} ms",
             f"- database: {figures}", ""]
    return lines, [f"{db}: {f}" for f in failures]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="pg,sqlite", help="pg, sqlite or both (comma-separated)")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    lines = harness.header("Booking concurrency: no overbooking at 500 simultaneous requests")
    return harness.run_on_databases(lines, args, run, sqlite_file="bench_concurrency.db", sqlite_label="SQLite (file, WAL)")


if __name__ == "__main__":
    sys.exit(main())
