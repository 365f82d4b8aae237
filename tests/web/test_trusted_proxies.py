"""Behind a reverse proxy the client's address comes from X-Forwarded-For, but only when the proxy is
listed in TRUSTED_PROXIES: from anyone else the header is ignored (a spoofed address buys no fresh
throttle key), and without the setting every request's own peer address counts."""

from fastapi import Request
from starlette.testclient import TestClient

from app.core.throttle import client_key
from app.main import create_app

PROXY = ("10.0.0.2", 40000)
SPOOFED = {"x-forwarded-for": "198.51.100.7"}


def _client_of(app, peer):
    @app.get("/test-who-am-i")
    def who(request: Request):
        return {"host": request.client.host, "key": client_key(request)}

    return TestClient(app, client=peer)


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings, clock):
    with _client_of(create_app(settings, clock=clock), PROXY) as c:
        assert c.get("/test-who-am-i", headers=SPOOFED).json()["host"] == "10.0.0.2"


def test_a_listed_proxy_gives_each_citizen_their_own_address_and_throttle_key(settings, clock):
    app = create_app(settings.with_(trusted_proxies="10.0.0.0/8, 127.0.0.1"), clock=clock)
    with _client_of(app, PROXY) as c:
        one = c.get("/test-who-am-i", headers={"x-forwarded-for": "198.51.100.7"}).json()
        other = c.get("/test-who-am-i", headers={"x-forwarded-for": "203.0.113.20"}).json()
    assert (one["host"], other["host"]) == ("198.51.100.7", "203.0.113.20")
    assert one["key"] != other["key"]


def test_a_spoofed_forwarded_for_from_an_unlisted_peer_is_ignored(settings, clock):
    app = create_app(settings.with_(trusted_proxies="10.0.0.0/8"), clock=clock)
    with _client_of(app, ("203.0.113.9", 5555)) as c:
        assert c.get("/test-who-am-i", headers=SPOOFED).json()["host"] == "203.0.113.9"


def test_an_address_a_client_puts_in_front_of_the_chain_is_not_believed(settings, clock):
    # The proxy appends the address it saw; what the client sent before it is the client's own claim.
    app = create_app(settings.with_(trusted_proxies="10.0.0.0/8"), clock=clock)
    with _client_of(app, PROXY) as c:
        chain = {"x-forwarded-for": "1.2.3.4, 198.51.100.7"}
        assert c.get("/test-who-am-i", headers=chain).json()["host"] == "198.51.100.7"
