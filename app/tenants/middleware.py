"""Every request runs for the tenant its Host header names (pure ASGI, inside SecurityMiddleware so
an unknown host's answer carries the baseline headers too)."""

from __future__ import annotations

import asyncio

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.tenancy import use_tenant
from app.tenants.service import HostMap

# Load balancers probe these by address, not by a tenant's name; they read no tenant's rows.
NO_TENANT = ("/healthz", "/static/", "/favicon.ico", "/robots.txt")


def _host(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"host":
            return value.decode("latin-1")
    return ""


class TenantMiddleware:
    def __init__(self, app: ASGIApp, *, engine, hosts: HostMap, error_page):
        self.app = app
        self.engine = engine
        self.hosts = hosts
        self.error_page = error_page
        self._refreshing = asyncio.Lock()

    def _refresh(self) -> None:
        with Session(self.engine) as db:
            self.hosts.refresh(db)

    async def _fresh_hosts(self) -> None:
        """One read of the tenant table per ttl, not one per request arriving as the map turns stale
        (a burst would queue that many reads in the thread pool). While it runs, requests use the map
        they have; the very first requests, with none, wait for it."""
        if not self.hosts.stale() or (self._refreshing.locked() and self.hosts.ready()):
            return
        async with self._refreshing:
            if self.hosts.stale():
                await run_in_threadpool(self._refresh)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(NO_TENANT):
            await self.app(scope, receive, send)
            return
        await self._fresh_hosts()
        tenancy = self.hosts.find(_host(scope))
        if tenancy is None:  # a host name no municipality uses: nothing of anyone's is reachable
            await self.error_page(scope, 404)(scope, receive, send)
            return
        with use_tenant(tenancy):
            await self.app(scope, receive, send)
