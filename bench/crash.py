"""Crash: kill -9 the server while 20 clients book, restart, and check that nothing confirmed was lost
and nothing was half-written.

    .venv/bin/python bench/crash.py                      # SQLite, then PostgreSQL (rp_resil_bench); 3 kills each
    .venv/bin/python bench/crash.py --db pg --rounds 5 --clients 20

Each round lays out fresh Åben Rådgivning sessions, starts uvicorn (2 workers) on the same database
as the rounds before, and lets 20 clients work as fast as they can: each loads a booking form (its
own CSRF cookie and token) and books – anonymously, or identified with e-mail and phone (which queues
notifications) – and every fifth action is a treatment request instead (/behandling/send, which opens
a case too). After a random 4–8 s the whole server process group gets SIGKILL, mid-request. Then the
server is started again and the database checked:

- every booking or request whose confirmation page reached a client is there: the code shown on the
  page opens its case (selector + argon2), with its active booking on that session or its request;
- no half-written rows: every case has a booking or a request, and the browser session the
  confirmation page signed in; every booking of an identified case has its confirmation queued, and
  no queued confirmation points at a booking that is not there;
- no session is over capacity and each session's counter equals its active bookings;
- the restarted server signs in with a confirmed code and shows Min side; zero 5xx before the kill.

Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

import harness  # noqa: E402
from harness import ANON_FORM, CODE_RE, DEFAULT_PG, Server, csrf_token  # noqa: E402

IDENTIFIED_FORM = {"who": "self", "age": "30plus", "identity": "identified", "full_name": "Bench Person",
                   "phone": "+45 20 30 40 50", "email": "bench@example.org"}
REQUEST_FORM = {"age": "30_plus", "area": "alcohol", "for_whom": "self", "anonymity": "anonymous",
                "message": "Jeg drikker for meget."}
NOTIFY_ENV = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "SMTP_FROM": "post@kommune.example",
              "SMS_GATEWAY_URL": "http://127.0.0.1:9/sms"}  # queued only: nothing sends in the server


async def workload(base: str, sessions: list[int], clients: int, kill_after: float, server: Server):
    confirmed: list[dict] = []
    statuses: Counter = Counter()
    stop = asyncio.Event()
    killed = asyncio.Event()

    async def client(k: int) -> None:
        rng = random.Random(k * 7919 + int(time.time()))
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            while not stop.is_set():
                kind = "request" if rng.random() < 0.2 else "booking"
                identified = kind == "booking" and rng.random() < 0.3
                session_id = rng.choice(sessions)
                url = "/behandling/send" if kind == "request" else f"/raadgivning/{session_id}"
                form_url = "/behandling" if kind == "request" else url
                try:
                    c.cookies.clear()  # a new browser for every booking: each is its own case
                    c.headers.update(harness.person(rng.getrandbits(24)))  # ... and its own person
                    token = csrf_token((await c.get(form_url)).text)
                    data = REQUEST_FORM if kind == "request" else IDENTIFIED_FORM if identified else ANON_FORM
                    r = await c.post(url, data={**data, "csrf_token": token})
                except (httpx.HTTPError, RuntimeError) as exc:
                    # Only the kill may break a request: an error before it is a failure.
                    statuses[f"{type(exc).__name__} at kill" if killed.is_set() else f"{type(exc).__name__} BEFORE kill"] += 1
                    await asyncio.sleep(0.05)
                    continue
                statuses[r.status_code] += 1
                match = CODE_RE.search(r.text) if r.status_code == 200 else None
                if match:
                    confirmed.append({"kind": kind, "session_id": session_id if kind == "booking" else None,
                                      "code": match.group(1), "identified": identified})

    tasks = [asyncio.create_task(client(k)) for k in range(clients)]
    await asyncio.sleep(kill_after)
    before_kill = len(confirmed)
    killed.set()
    server.kill9()
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.gather(*tasks)
    return confirmed, statuses, before_kill


def check(url: str, confirmed: list[dict]) -> tuple[dict, list[str]]:
    from sqlalchemy import func, select
    from sqlmodel import Session
    from app.booking.models import ACTIVE, CounsellingBooking, CounsellingSession
    from app.cases.models import CitizenCase
    from app.core.codes import parse_code
    from app.core.db import make_engine
    from app.core.models import WebSession
    from app.core.security import verify_secret
    from app.notify.models import OutboxMessage
    from app.requests.models import TreatmentRequest
    failures: list[str] = []
    engine = make_engine(url)
    with Session(engine) as db:
        def count(model, *where):
            return db.scalar(select(func.count()).select_from(model).where(*where))

        missing = 0
        for row in confirmed:
            code = parse_code(row["code"])
            case = db.scalars(select(CitizenCase).where(CitizenCase.code_selector == code.selector)).first()
            if case is None or not verify_secret(case.code_hash, code.verifier):
                missing += 1
                continue
            if row["kind"] == "booking":
                found = count(CounsellingBooking, CounsellingBooking.case_id == case.id,
                              CounsellingBooking.session_id == row["session_id"],
                              CounsellingBooking.status.in_(ACTIVE))
            else:
                found = count(TreatmentRequest, TreatmentRequest.case_id == case.id)
            missing += found != 1
        if missing:
            failures.append(f"{missing} of {len(confirmed)} confirmed bookings/requests are missing")

        bare = count(CitizenCase, ~CitizenCase.id.in_(select(CounsellingBooking.case_id)),
                     ~CitizenCase.id.in_(select(TreatmentRequest.case_id)))
        if bare:
            failures.append(f"{bare} cases with neither a booking nor a request")
        no_session = count(CitizenCase, ~CitizenCase.id.in_(
            select(WebSession.case_id).where(WebSession.case_id.is_not(None))))
        if no_session:
            failures.append(f"{no_session} cases without the browser session their confirmation signed in")

        over, drift = 0, 0
        for session in db.scalars(select(CounsellingSession)):
            active = count(CounsellingBooking, CounsellingBooking.session_id == session.id,
                           CounsellingBooking.status.in_(ACTIVE))
            over += active > session.capacity or session.booked > session.capacity
            drift += active != session.booked
        if over:
            failures.append(f"{over} sessions over capacity")
        if drift:
            failures.append(f"{drift} sessions whose counter differs from their active bookings")

        identified = db.execute(select(CounsellingBooking.id).join(
            CitizenCase, CitizenCase.id == CounsellingBooking.case_id).where(CitizenCase.anonymous == False)  # noqa: E712
        ).scalars().all()
        queued = {int(k.split(":")[1]) for k in db.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.like("booking-confirmation:%")))}
        unnotified = set(identified) - queued
        if unnotified:
            failures.append(f"{len(unnotified)} identified bookings without their queued confirmation")
        stray = queued - set(db.scalars(select(CounsellingBooking.id)).all())
        if stray:
            failures.append(f"{len(stray)} queued confirmations for bookings that are not there")
        figures = {"cases": count(CitizenCase), "bookings": count(CounsellingBooking),
                   "requests": count(TreatmentRequest), "outbox rows": count(OutboxMessage),
                   "identified bookings": len(identified)}
    engine.dispose()
    return figures, failures


def signs_in(base: str, code: str) -> bool:
    with httpx.Client(base_url=base, timeout=30) as c:
        token = csrf_token(c.get("/status").text)
        r = c.post("/status", data={"code": code, "csrf_token": token})
        return r.status_code == 303 and c.get("/min-side").status_code == 200


def run(db_name: str, url: str, args) -> tuple[list[str], list[str]]:
    harness.fresh_database(url)
    lines = [f"### {db_name}", "", "| round | killed after | confirmed before kill | confirmed in all | "
             "answers | after restart: cases / bookings / requests / outbox | checks |",
             "|---|---|---|---|---|---|---|"]
    failures: list[str] = []
    all_confirmed: list[dict] = []
    rng = random.Random(args.seed)
    for round_no in range(1, args.rounds + 1):
        sessions = [harness.seed_session(url, capacity=args.capacity, days_ahead=2 + round_no, hour=9 + i)
                    for i in range(args.sessions)]
        server = Server(url, workers=args.workers, env=NOTIFY_ENV).start()
        kill_after = rng.uniform(args.kill_min, args.kill_max)
        confirmed, statuses, before_kill = asyncio.run(
            workload(server.base, sessions, args.clients, kill_after, server))
        all_confirmed += confirmed
        server = Server(url, workers=args.workers, env=NOTIFY_ENV).start()
        try:
            figures, failed = check(url, all_confirmed)
            sample = random.Random(round_no).sample(confirmed, min(3, len(confirmed)))
            if not all(signs_in(server.base, row["code"]) for row in sample):
                failed.append("a confirmed code does not sign in after the restart")
        finally:
            server.stop()
        fives = {k: v for k, v in statuses.items() if (isinstance(k, int) and k >= 500) or "BEFORE" in str(k)}
        if fives:
            failed.append(f"5xx answers or errors before the kill: {fives}")
        if not confirmed:
            failed.append("no booking was confirmed in the round")
        failures += [f"{db_name} round {round_no}: {f}" for f in failed]
        lines.append(f"| {round_no} | {kill_after:.1f} s | {before_kill} | {len(confirmed)} | "
                     f"{dict(sorted(statuses.items(), key=str))} | {figures['cases']} / {figures['bookings']} / "
                     f"{figures['requests']} / {figures['outbox rows']} | {'ok' if not failed else 'FAILED'} |")
    lines.append("")
    return lines, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,pg", help="sqlite, pg or both (comma-separated)")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--capacity", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-min", type=float, default=4.0, help="earliest kill, seconds into a round")
    parser.add_argument("--kill-max", type=float, default=8.0)
    args = parser.parse_args()
    lines = harness.header("Crash: kill -9 while 20 clients book")
    lines.append(f"- {args.clients} clients, {args.workers} uvicorn workers, {args.sessions} new sessions of "
                 f"{args.capacity} places a round, SIGKILL to the whole server process group after {args.kill_min:g}–{args.kill_max:g} s")
    lines.append("")
    return harness.run_on_databases(lines, args, run, sqlite_file="bench_crash.db", sqlite_label="SQLite (file, WAL, synchronous=NORMAL)")


if __name__ == "__main__":
    sys.exit(main())
