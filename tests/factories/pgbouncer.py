"""pgbouncer in front of the test PostgreSQL server: Debian's binary, pool_mode=transaction, on a free
loopback port, in a temporary directory; stopped (by its PID) when the context ends.

    with pgbouncer(PG_URL, pool_size=1) as url:   # the same URL, pointing at pgbouncer
        engine = make_engine(url)

Trust authentication (the test cluster trusts loopback too; pgbouncer still wants the user in its
auth file). pgbouncer refuses to run as root: as root it is started as the `postgres` OS user.
In transaction mode a client holds a server connection only for the length of a transaction, so
whatever a client leaves on the session (SET without LOCAL, server-side prepared statements)
is met by the next client that gets that server connection.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.factories.ports import free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def available() -> bool:
    return Path(PGBOUNCER).exists()


def version() -> str:
    out = subprocess.run([PGBOUNCER, "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0].split()[-1] if out else ""


def version_tuple() -> tuple[int, ...]:
    return tuple(int(part) for part in version().split(".") if part.isdigit())


def _ini(*, port: int, upstream, pool_size: int, workdir: Path) -> str:
    # From 1.21 pgbouncer can track protocol-level prepared statements (max_prepared_statements);
    # off here, as in 1.18 (Debian 12), which has no such setting.
    tracking = "max_prepared_statements = 0\n" if version_tuple() >= (1, 21) else ""
    return f"""[databases]
{upstream.database} = host={upstream.host or '127.0.0.1'} port={upstream.port or 5432} dbname={upstream.database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir / 'users.txt'}
pool_mode = transaction
default_pool_size = {pool_size}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 200
ignore_startup_parameters = extra_float_digits,options
logfile = {workdir / 'pgbouncer.log'}
pidfile = {workdir / 'pgbouncer.pid'}
admin_users = {upstream.username}
""" + tracking


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pgbouncer exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("pgbouncer did not start")


@contextmanager
def pgbouncer(database_url: str, *, pool_size: int = 20):
    """Yields database_url rewritten to go through a fresh pgbouncer (same driver, user, database)."""
    upstream = make_url(database_url)
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="rp-pgbouncer-"))
    (workdir / "users.txt").write_text(f'"{upstream.username}" ""\n')
    ini = workdir / "pgbouncer.ini"
    ini.write_text(_ini(port=port, upstream=upstream, pool_size=pool_size, workdir=workdir))
    as_user = {}
    if os.geteuid() == 0:  # "PgBouncer should not run as root"
        shutil.chown(workdir, "postgres")
        for f in workdir.iterdir():
            shutil.chown(f, "postgres")
        # Started as that user directly (not through runuser, which waits 2 s on SIGTERM), so the
        # PID is pgbouncer's own.
        as_user = {"user": "postgres", "group": "postgres", "extra_groups": []}
    proc = subprocess.Popen([PGBOUNCER, str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **as_user)
    try:
        _wait_for_port(port, proc, workdir / "pgbouncer.log")
        yield upstream.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    finally:
        proc.terminate()  # SIGTERM: pgbouncer's immediate shutdown
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)
