"""Kept answers go compressed (brotli, else gzip) to clients that accept it, and as they are to
the others."""

from __future__ import annotations

import asyncio
import gzip
import json
import random

import brotli
import pytest

from gateway.compression import (
    _PREFERRED,
    _PREFERRED_HELD,
    COMPRESSED_IN_THREAD,
    SMALLEST_COMPRESSED,
    KeptAnswer,
    preferred_coding,
)


def scope(*accept_encoding: str) -> dict[str, object]:
    headers = [(b"accept-encoding", value.encode("latin-1")) for value in accept_encoding]
    return {"type": "http", "headers": [(b"host", b"testserver"), *headers]}


@pytest.mark.parametrize(
    ("headers", "coding"),
    [
        ((), None),
        (("",), None),
        (("identity",), None),
        (("deflate",), None),
        (("gzip",), "gzip"),
        (("GZip",), "gzip"),
        (("x-gzip",), "gzip"),
        (("br",), "br"),
        (("BR",), "br"),
        # Equal weights: the smaller coding; else the heavier.
        (("gzip, deflate, br, zstd",), "br"),
        (("gzip, br;q=0.9",), "gzip"),
        (("gzip;q=0.5, br;q=0.6",), "br"),
        (("gzip;q=0",), None),
        (("gzip; q=0.000",), None),
        (("gzip;q=0.001",), "gzip"),
        (("gzip ; Q=0.5",), "gzip"),
        (("br;q=0, gzip",), "gzip"),
        (("*",), "br"),
        (("*;q=0",), None),
        # A named coding decides over the wildcard, in either order.
        (("br;q=0, *",), "gzip"),
        (("br;q=0, gzip;q=0, *",), None),
        (("*;q=0, gzip",), "gzip"),
        (("*;q=0.5, gzip",), "gzip"),
        # A weight that is not one is no permission.
        (("gzip;q=abc",), None),
        (("gzip;q=2",), None),
        (("gzip;q=nan",), None),
        (("gzip;q=-1",), None),
        # Several header lines are one list.
        (("deflate", "gzip"), "gzip"),
        (("gzip", "br"), "br"),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(
    headers: tuple[str, ...], coding: str | None
) -> None:
    assert preferred_coding(scope(*headers)) == coding


def json_body(items: int) -> bytes:
    """A JSON text like the servers' answers: the same keys again and again, varied numbers."""
    generator = random.Random(7)
    rows = [
        {"Count": generator.randrange(1000), "Mean": f"{generator.random():.7f}"}
        for _ in range(items)
    ]
    return json.dumps(rows).encode()


DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


async def test_a_small_body_is_sent_as_it_is() -> None:
    body = json_body(2)
    assert len(body) < SMALLEST_COMPRESSED
    kept = KeptAnswer(200, body, "application/json")
    response = await kept.response(scope("gzip, br"))
    assert response.body == body
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers


@pytest.mark.parametrize("coding", ["br", "gzip"])
@pytest.mark.parametrize("items", [100, 20_000], ids=["on-the-loop", "in-a-thread"])
async def test_a_large_body_is_sent_compressed_to_who_accepts_it(items: int, coding: str) -> None:
    body = json_body(items)
    assert (len(body) >= COMPRESSED_IN_THREAD) is (items == 20_000)
    kept = KeptAnswer(200, body, "application/json")

    compressed = await kept.response(scope(f"{coding}, deflate"))
    assert compressed.headers["content-encoding"] == coding
    assert DECODE[coding](compressed.body) == body
    assert len(compressed.body) < len(body) / 2
    assert compressed.headers["content-length"] == str(len(compressed.body))
    assert compressed.headers["vary"] == "Accept-Encoding"
    assert compressed.media_type == "application/json"

    plain = await kept.response(scope(f"{coding};q=0"))
    assert plain.body == body
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"


async def test_brotli_is_the_smaller() -> None:
    kept = KeptAnswer(200, json_body(1000), "application/json")
    smaller = await kept.compressed("br")
    larger = await kept.compressed("gzip")
    assert smaller is not None
    assert larger is not None
    assert len(smaller) < len(larger)


async def test_each_coding_is_made_once_and_shared_by_concurrent_requests() -> None:
    body = json_body(20_000)
    kept = KeptAnswer(200, body, "application/json")
    responses = await asyncio.gather(*(kept.response(scope("gzip")) for _ in range(5)))
    firsts = {id(response.body) for response in responses}
    assert len(firsts) == 1
    later = await kept.response(scope("gzip"))
    assert later.body is responses[0].body
    # The same answer always compresses to the same bytes.
    assert (await KeptAnswer(200, body, None).compressed("gzip")) == later.body


async def test_a_body_compression_cannot_shrink_is_sent_as_it_is() -> None:
    body = random.Random(3).randbytes(4096)
    kept = KeptAnswer(200, body, "application/octet-stream")
    for coding in ("br", "gzip"):
        assert await kept.compressed(coding) is None
        response = await kept.response(scope(coding))
        assert response.body == body
        assert "content-encoding" not in response.headers


def test_the_choices_remembered_stay_bounded_whatever_clients_send() -> None:
    for number in range(3 * _PREFERRED_HELD):
        assert preferred_coding(scope(f"gzip;q=0.{number % 10 + 1}, x-{number}")) == "gzip"
        assert len(_PREFERRED) <= _PREFERRED_HELD
    # What is remembered is what a fresh reading gives.
    header = "br;q=0.2, gzip;q=0.3"
    assert preferred_coding(scope(header)) == "gzip"
    assert preferred_coding(scope(header)) == "gzip"
    assert _PREFERRED[(header.encode(),)] == "gzip"


async def test_an_error_is_sent_as_it_is_however_large() -> None:
    body = json_body(100)
    assert len(body) >= SMALLEST_COMPRESSED
    response = await KeptAnswer(400, body, "application/json").response(scope("gzip, br"))
    assert response.status_code == 400
    assert response.body == body
    assert "content-encoding" not in response.headers
