"""The tenant middleware reads the tenant table once per ttl, however many requests arrive as it turns stale."""

from __future__ import annotations

import asyncio
import threading

from app.core.config import Settings, load_centre
from app.core.tenancy import current_tenant_id
from app.tenants.middleware import TenantMiddleware
from app.tenants.service import HostMap

CENTRE = load_centre(Settings().centre_file)


class CountingHostMap(HostMap):
    """Counts its reads; each read waits until the test lets it finish, as a slow database would."""

    def __init__(self):
        super().__init__(CENTRE)
        self.reads = 0
        self.release = threading.Event()

    def refresh(self, db) -> None:
        self.reads += 1
        self.release.wait(5)
        super().refresh(db)


def scope() -> dict:
    return {"type": "http", "path": "/", "headers": [(b"host", b"rusmiddel.example.dk")]}


def run_requests(middleware: TenantMiddleware, n: int, hosts: CountingHostMap) -> list[int | None]:
    seen: list[int | None] = []

    async def app(scope, receive, send):
        seen.append(current_tenant_id())

    middleware.app = app

    async def burst():
        tasks = [asyncio.create_task(middleware(scope(), None, None)) for _ in range(n)]
        await asyncio.sleep(0.05)  # all of them arrive while the first read is still running
        hosts.release.set()
        await asyncio.gather(*tasks)

    # On a thread of its own: an earlier test (Playwright's sync API) may leave a loop running on this one.
    runner = threading.Thread(target=asyncio.run, args=(burst(),))
    runner.start()
    runner.join(10)
    return seen


def test_a_burst_of_requests_as_the_map_turns_stale_reads_the_tenant_table_once(app):
    hosts = CountingHostMap()
    middleware = TenantMiddleware(None, engine=app.state.engine, hosts=hosts, error_page=None)
    assert run_requests(middleware, 20, hosts) == [1] * 20  # the first ones waited for the first read
    assert hosts.reads == 1

    hosts.ttl, hosts.release = 0.0, threading.Event()  # stale again: one read, the others use the old map
    assert run_requests(middleware, 20, hosts) == [1] * 20
    assert hosts.reads == 2
