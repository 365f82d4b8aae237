"""Responses are gzip-compressed with a compressor sized to the body; what arrives must be the page."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.core.compression import MAX_WINDOW_BITS, MIN_WINDOW_BITS, GZipMiddleware, window_bits

STATIC = Path(__file__).resolve().parents[3] / "app" / "static"


@pytest.mark.parametrize("size", [1, 500, 511, 512, 513, 4477, 32768, 32769, 10**6])
def test_the_window_spans_the_whole_body_up_to_zlibs_largest(size):
    bits = window_bits(size)
    assert MIN_WINDOW_BITS <= bits <= MAX_WINDOW_BITS
    assert 2 ** bits >= size or bits == MAX_WINDOW_BITS
    assert bits == MIN_WINDOW_BITS or 2 ** (bits - 1) < size  # and no larger than that


def test_a_body_of_unknown_size_gets_the_largest_window():
    assert window_bits(None) == MAX_WINDOW_BITS


def test_a_compressed_page_unpacks_to_the_page_itself(client):
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert int(packed.headers["Content-Length"]) < len(plain.content) / 2
    assert packed.content == plain.content  # the client unpacked it: the same page (no cookies differ)


def test_a_static_file_unpacks_to_the_file(client):
    response = client.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.content == (STATIC / "app.css").read_bytes()


def test_assets_fetched_once_per_version_are_compressed_as_hard_as_zlib_allows(client):
    """The page level trades a few bytes for time on every view; CSS and JS are sent once per browser."""
    css = (STATIC / "app.css").read_bytes()
    response = client.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert int(response.headers["Content-Length"]) <= 1.02 * len(gzip.compress(css, compresslevel=9))


def test_a_body_sent_in_several_messages_unpacks_to_the_whole_body():
    chunks = [("Åben Rådgivning %d " % i).encode() * 400 for i in range(5)]

    async def stream():
        for chunk in chunks:
            yield chunk

    app = Starlette(routes=[Route("/stream", lambda request: StreamingResponse(stream(), media_type="text/plain"))])
    response = TestClient(GZipMiddleware(app)).get("/stream", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "content-length" not in response.headers
    assert response.content == b"".join(chunks)
