"""A free loopback port for the servers tests start (the portal, an SMTP server, an SMS gateway)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
