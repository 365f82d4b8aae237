"""`python -m app serve --workers 2`: two processes on one port, and nothing a citizen relies on lives
in one of them. A real server (migrations run once by the supervisor, before the workers start) on a
free loopback port, against a SQLite file and, when TEST_DATABASE_URL is set, PostgreSQL too.

Which worker answered a connection is read from the operating system, not from the app: the
server-side socket of the connection (its inode in /proc/net/tcp) is open in exactly one process,
one of the supervisor's children. No route tells anyone its PID.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.cases import service
from app.core.codes import _check_char
from app.core.db import make_engine
from tests.conftest import PG_URL, empty_pg_database, form_token
from tests.factories.ports import free_port
from tests.factories.servers import wait_until_up

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
SIGNED_IN = 'action="/min-side/log-ud"'


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def worker_pids(supervisor: int) -> list[int]:
    """uvicorn's worker processes (multiprocessing's resource tracker is a child too, not a worker)."""
    return [pid for pid in _children(supervisor)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def _socket_inode(server_port: int, client_port: int) -> int:
    """The inode of the server side of one established loopback connection."""
    local, remote = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote and fields[3] == "01":
            return int(fields[9])
    raise AssertionError(f"no established connection from port {client_port}")


def serving_pid(server, response: httpx.Response) -> int:
    """The worker holding the connection that carried this response (kept alive by its client)."""
    client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    wanted = f"socket:[{_socket_inode(server.port, client_port)}]"
    holders = []
    for pid in worker_pids(server.proc.pid):
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in os.listdir(fd_dir):
            try:
                if os.readlink(fd_dir / fd) == wanted:
                    holders.append(pid)
            except OSError:  # closed meanwhile
                pass
    assert len(holders) == 1, holders
    return holders[0]


class Served:
    def __init__(self, proc: subprocess.Popen, port: int, url: str, code):
        self.proc, self.port, self.url, self.code = proc, port, url, code
        self.base = f"http://127.0.0.1:{port}"

    def connections_on_distinct_workers(self, limit: int = 60):
        """Open connections (each its own client, kept alive) until two are held by different
        workers; returns {pid: client}. The kernel hands each new connection to one worker."""
        by_pid: dict[int, httpx.Client] = {}
        spare: list[httpx.Client] = []
        for _ in range(limit):
            client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)
            pid = serving_pid(self, client.get("/healthz/live"))
            if pid in by_pid:
                spare.append(client)
            else:
                by_pid[pid] = client
            if len(by_pid) == WORKERS:
                break
        for client in spare:
            client.close()
        assert len(by_pid) == WORKERS, f"{limit} connections all went to {list(by_pid)}"
        return by_pid


def one_browser(src: httpx.Client, *others: httpx.Client) -> None:
    """The clients are one browser on several connections: the cookies src was just given, they get."""
    for other in others:
        other.cookies.update(src.cookies)


def _prepare(kind: str, tmp_path_factory, pg_engine=None) -> str:
    if kind == "sqlite":
        # An empty file: `serve` migrates it once, before the workers start.
        return f"sqlite:///{tmp_path_factory.mktemp('serve') / 'served.db'}"
    return empty_pg_database(pg_engine)


@pytest.fixture(scope="module", params=["sqlite"] + (["postgresql"] if PG_URL else []))
def served(request, tmp_path_factory):
    # The session's schema, as every PostgreSQL test has it (tests/conftest.py pg_engine).
    pg_engine = request.getfixturevalue("pg_engine") if request.param == "postgresql" else None
    url = _prepare(request.param, tmp_path_factory, pg_engine)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "test", "SECRET_KEY": "serve-workers-test",
           "LOG_LEVEL": "WARNING", "THROTTLE_PAUSE_SECONDS": "0",
           # A code's selector, once paced, gets one turn every 30 s and waits at most 1 s: the
           # first paced guess is refused (429) at once, whichever worker it reaches.
           "THROTTLE_CODE_INTERVAL_SECONDS": "30", "THROTTLE_QUEUE_SECONDS": "1"}
    args = [sys.executable, "-m", "app", "serve", "--workers", str(WORKERS), "--host", "127.0.0.1",
            "--port", str(port)] + ([] if request.param == "sqlite" else ["--no-migrate"])
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", proc, seconds=60)
        engine = make_engine(url)
        with Session(engine) as db:
            from app.core.clock import Clock
            _, code = service.open_case(db, now=Clock().now(), anonymous=True, contact=service.ContactDetails())
            db.commit()
        engine.dispose()
        yield Served(proc, port, url, code)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the supervisor and its workers: the group started here
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate(timeout=5)
    assert b"Traceback" not in err, err.decode(errors="replace")[-3000:]


def test_two_worker_processes_answer_requests_on_one_port(served):
    workers = worker_pids(served.proc.pid)
    assert len(workers) == WORKERS and served.proc.pid not in workers
    clients = served.connections_on_distinct_workers()
    try:
        assert set(clients) == set(workers)
        for client in clients.values():  # each worker's own pool reaches the same database
            assert client.get("/healthz").json() == {"status": "ok"}
    finally:
        for client in clients.values():
            client.close()


def test_a_worker_answers_without_waiting_for_the_clients_delayed_ack(served):
    """The workers' connections have TCP_NODELAY (set on the shared listening socket): without it
    every small response on a kept-alive connection took ≥ 40 ms (Nagle against delayed ACK)."""
    with httpx.Client(base_url=served.base, timeout=10) as client:
        client.get("/healthz/live")
        timings = []
        for _ in range(8):
            started = time.perf_counter()
            assert client.get("/healthz/live").status_code == 200
            timings.append(time.perf_counter() - started)
    assert min(timings) < 0.03, [round(t * 1000, 1) for t in timings]


def test_a_citizen_signed_in_through_one_worker_is_signed_in_on_the_other(served):
    clients = served.connections_on_distinct_workers()
    (pid_a, a), (pid_b, b) = clients.items()
    try:
        # The form (and its CSRF token) from worker A, the POST to worker B: the token is a
        # signature with the shared secret, bound to a cookie, not something A remembers.
        form = a.get("/status")
        assert serving_pid(served, form) == pid_a
        one_browser(a, b)
        signed_in = b.post("/status", data={"csrf_token": form_token(form.text), "code": served.code.display})
        assert serving_pid(served, signed_in) == pid_b
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/min-side"
        one_browser(b, a)
        for client, pid in ((a, pid_a), (b, pid_b)):
            page = client.get("/min-side")
            assert serving_pid(served, page) == pid and page.status_code == 200 and SIGNED_IN in page.text
        # Signing out on A ends the session for B too (a row, not a worker's memory).
        page = a.get("/min-side")
        out = a.post("/min-side/log-ud", data={"csrf_token": form_token(page.text)})
        assert out.status_code == 303
        after = b.get("/min-side")
        assert serving_pid(served, after) == pid_b and after.status_code == 303
        assert after.headers["location"].startswith("/status")
    finally:
        for client in clients.values():
            client.close()


def _guess_at(selector: str) -> str:
    """A well-formed code for an existing selector with a wrong verifier (a spent guess)."""
    guess = service.generate_code()
    body = selector + guess.verifier
    return body + _check_char(body)


def test_guesses_at_a_code_are_paced_across_workers(served):
    """Worker A counts the free wrong guesses; worker B, which has seen none of them, refuses the next
    one at once (429 with Retry-After) because the count is a row both read."""
    engine = make_engine(served.url)
    with Session(engine) as db:
        from app.core.clock import Clock
        _, code = service.open_case(db, now=Clock().now(), anonymous=True, contact=service.ContactDetails())
        db.commit()
    engine.dispose()
    free = 5  # Settings.throttle_free_attempts, the default the server runs with
    clients = served.connections_on_distinct_workers()
    (pid_a, a), (pid_b, b) = clients.items()
    try:
        token = form_token(a.get("/status").text)
        one_browser(a, b)
        for _ in range(free + 1):
            wrong = a.post("/status", data={"csrf_token": token, "code": _guess_at(code.selector)})
            assert serving_pid(served, wrong) == pid_a and wrong.status_code == 422
        refused = b.post("/status", data={"csrf_token": token, "code": _guess_at(code.selector)})
        assert serving_pid(served, refused) == pid_b
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 1
        assert re.search(r"Vent \d+ sekunder, og prøv igen", refused.text), refused.text[-2000:]
    finally:
        for client in clients.values():
            client.close()
