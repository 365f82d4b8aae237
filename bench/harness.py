"""Shared plumbing for the resilience benchmarks (flood, concurrency, crash): a fresh database built by
the Alembic migrations, a real uvicorn server in its own process group, browser-like CSRF tokens,
percentiles and the markdown header (date, machine, load average) every result starts with.

Not a test module: the scripts import it by path.
"""

from __future__ import annotations

import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:55432/rp_resil_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def header(title: str) -> list[str]:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return [
        f"## {title}", "",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.node()}, {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}",
        f"- commit: {commit}",
        f"- load average at start (1/5/15 min): {load()}",
        "",
    ]


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def is_pg(url: str) -> bool:
    return url.startswith("postgresql")


def fresh_database(url: str) -> None:
    """An empty database at the Alembic head (the real schema, constraints and indexes)."""
    from sqlalchemy import text
    from app.core.db import make_engine
    from app.core.migrate import upgrade
    if is_pg(url):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    upgrade(url)


def sqlite_url(name: str) -> str:
    (ROOT / "var").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / name}"


class Server:
    """uvicorn in its own process group, so kill -9 takes the master and every worker at once."""

    def __init__(self, database_url: str, *, workers: int = 1, env: dict | None = None, port: int | None = None):
        self.url = database_url
        self.workers = workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Loopback is the trusted proxy: a bench that models many people sends each one's address in
        # X-Forwarded-For (person()), as the municipality's proxy would, so the per-connection flood
        # limits see many connections; without the header a client is its socket's address.
        self.env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development",
                    "SECRET_KEY": "bench-secret", "LOG_LEVEL": "WARNING", "REQUIRE_STAFF_2FA": "false",
                    "TRUSTED_PROXIES": "127.0.0.1", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.stderr_path = ROOT / "var" / f"bench_server_{self.port}.log"

    def start(self, timeout: float = 60) -> "Server":
        self.stderr_path.parent.mkdir(exist_ok=True)
        err = open(self.stderr_path, "ab")
        # No proxy headers: the client address is the socket's, so loopback aliases (127.0.0.x)
        # are distinct clients to the throttle, as different machines would be.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--workers", str(self.workers),
             "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log", "--no-proxy-headers",
             "--log-level", "warning", "--backlog", "2048",
             # Clients load their forms first and post later, all at once, on the same connection.
             "--timeout-keep-alive", "300"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.stderr_path}")
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    # With several workers, give every one of them time to come up.
                    time.sleep(0.5 * (self.workers - 1))
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()

    def server_errors(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""


def person(k: int) -> dict[str, str]:
    """The headers of person number k behind the trusted proxy: their own forwarded address."""
    return {"X-Forwarded-For": f"10.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}"}


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise RuntimeError("page has no CSRF token")
    return match.group(1)


def seed_session(url: str, *, capacity: int, days_ahead: int = 1, hour: int = 15, booked: int = 0) -> int:
    """One Åben Rådgivning session in the future (real clock: the server uses it)."""
    from datetime import timedelta
    from app.booking.models import CounsellingSession
    from app.core.clock import Clock, local_datetime
    from app.core.db import make_engine, transaction
    now = Clock().now()
    engine = make_engine(url)
    with transaction(engine) as db:
        day = Clock().today() + timedelta(days=days_ahead)
        starts = local_datetime(day, hour)
        session = CounsellingSession(day=day, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                     place="Sundhedscentret, Clausensvej 25", capacity=capacity, booked=booked,
                                     created_at=now)
        db.add(session)
        db.flush()
        session_id = session.id
    engine.dispose()
    return session_id


ANON_FORM = {"who": "self", "age": "30plus", "identity": "anonymous", "nickname": "Kim"}
BOOKED_TEXT = "Din tid er booket"
FULL_TEXT = "Der er ikke flere ledige pladser"
CODE_RE = re.compile(r'name="code" value="([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})"')


def run_on_databases(lines: list[str], args, run, *, sqlite_file: str, sqlite_label: str) -> int:
    """Run one bench on each database named in --db (pg, sqlite), then print the result and the
    exit status: `run(label, url, args)` returns its markdown lines and its failed checks."""
    failures: list[str] = []
    for db in args.db.split(","):
        url = args.pg_url if db == "pg" else sqlite_url(sqlite_file)
        got, failed = run("PostgreSQL 15" if db == "pg" else sqlite_label, url, args)
        lines += got
        failures += failed
    return finish(lines, failures)


def finish(lines: list[str], failures: list[str]) -> int:
    lines += ["", f"- load average at end: {load()}"]
    if failures:
        lines += ["", "**FAILED:**", *[f"- {f}" for f in failures]]
    else:
        lines += ["", "**All checks passed.**"]
    print("\n".join(lines), flush=True)
    return 1 if failures else 0
