"""Kept answers go gzip-compressed to clients that accept it, and as they are to the others."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from gateway.compression import (
    COMPRESSED_IN_THREAD,
    SMALLEST_COMPRESSED,
    accepts_gzip,
    kept_answer,
)


def scope(*accept_encoding: str) -> dict[str, object]:
    headers = [(b"accept-encoding", value.encode("latin-1")) for value in accept_encoding]
    return {"type": "http", "headers": [(b"host", b"testserver"), *headers]}


@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ((), False),
        (("",), False),
        (("gzip",), True),
        (("GZip",), True),
        (("x-gzip",), True),
        (("gzip, deflate, br",), True),
        (("deflate, br",), False),
        (("identity",), False),
        (("gzip;q=0",), False),
        (("gzip; q=0.000",), False),
        (("gzip;q=0.001",), True),
        (("gzip ; Q=0.5",), True),
        (("*",), True),
        (("*;q=0",), False),
        # A named coding decides over the wildcard, in either order.
        (("gzip;q=0, *",), False),
        (("*;q=0, gzip",), True),
        # A weight that is not one is no permission.
        (("gzip;q=abc",), False),
        (("gzip;q=2",), False),
        (("gzip;q=nan",), False),
        # Several header lines are one list.
        (("deflate", "gzip"), True),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(headers: tuple[str, ...], accepted: bool) -> None:
    assert accepts_gzip(scope(*headers)) is accepted


def json_body(items: int) -> bytes:
    """A JSON text like the servers' answers: the same keys again and again, varied numbers."""
    generator = random.Random(7)
    rows = [
        {"Count": generator.randrange(1000), "Mean": f"{generator.random():.7f}"}
        for _ in range(items)
    ]
    return json.dumps(rows).encode()


async def test_a_small_body_is_kept_as_it_is() -> None:
    body = json_body(2)
    assert len(body) < SMALLEST_COMPRESSED
    kept = await kept_answer(200, body, "application/json")
    assert kept.gzipped is None
    response = kept.response(scope("gzip"))
    assert response.body == body
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers


@pytest.mark.parametrize("items", [100, 20_000], ids=["on-the-loop", "in-a-thread"])
async def test_a_large_body_is_sent_gzipped_to_who_accepts_it(items: int) -> None:
    body = json_body(items)
    assert (len(body) >= COMPRESSED_IN_THREAD) is (items == 20_000)
    kept = await kept_answer(200, body, "application/json")
    assert kept.gzipped is not None
    assert gzip.decompress(kept.gzipped) == body
    assert len(kept.gzipped) < len(body) / 2

    compressed = kept.response(scope("gzip, deflate"))
    assert compressed.body == kept.gzipped
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.headers["content-length"] == str(len(kept.gzipped))
    assert compressed.headers["vary"] == "Accept-Encoding"
    assert compressed.media_type == "application/json"

    plain = kept.response(scope("gzip;q=0"))
    assert plain.body == body
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"


async def test_the_same_answer_compresses_to_the_same_bytes() -> None:
    body = json_body(100)
    first = await kept_answer(200, body, "application/json")
    second = await kept_answer(200, body, "application/json")
    assert first.gzipped == second.gzipped


async def test_a_body_gzip_cannot_shrink_is_kept_as_it_is() -> None:
    body = random.Random(3).randbytes(4096)
    kept = await kept_answer(200, body, "application/octet-stream")
    assert kept.gzipped is None
    assert kept.response(scope("gzip")).body == body
