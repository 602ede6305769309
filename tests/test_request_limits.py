"""Request body limits: too large is a 413 and too slow a 408, each in its server's own error
format, and the connection is closed after the answer."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message

from gateway.request_limits import BodyLimits


async def echo_size(request: Request) -> Response:
    return JSONResponse({"size": len(await request.body())})


async def as_json(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return JSONResponse(
        {"status": error.status_code, "detail": error.detail}, error.status_code, error.headers
    )


def app(**options: Any) -> BodyLimits:
    inner = Starlette(
        routes=[
            Route("/small", echo_size, methods=["POST"]),
            Route("/big/x", echo_size, methods=["POST"]),
        ],
        exception_handlers={HTTPException: as_json},
    )
    return BodyLimits(inner, **options)


async def post(application: BodyLimits, path: str, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://limits"
    ) as client:
        return await client.post(path, content=body)


async def test_a_body_within_its_path_limit_is_read() -> None:
    limits = app(max_bytes=10, limits={"/big": 100})
    assert (await post(limits, "/small", b"x" * 10)).json() == {"size": 10}
    assert (await post(limits, "/big/x", b"x" * 100)).json() == {"size": 100}


@pytest.mark.parametrize(
    ("path", "size", "limit"), [("/small", 11, "10 bytes"), ("/big/x", 101, "100 bytes")]
)
async def test_a_body_over_its_path_limit_is_a_413_that_closes_the_connection(
    path: str, size: int, limit: str
) -> None:
    response = await post(app(max_bytes=10, limits={"/big": 100}), path, b"x" * size)
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "detail": f"The request body is larger than {limit}, the limit here.",
    }
    assert response.headers["connection"] == "close"


async def test_a_declared_length_over_the_limit_is_refused_before_any_of_it_is_read() -> None:
    received: list[Message] = []

    async def never(message: Message) -> None:
        received.append(message)

    async def receive() -> Message:
        raise AssertionError("the body was read")

    scope = {
        "type": "http", "method": "POST", "path": "/small", "raw_path": b"/small",
        "query_string": b"", "headers": [(b"content-length", b"99999999999")],
        "scheme": "http", "server": ("limits", 80), "client": ("127.0.0.1", 1), "root_path": "",
        "http_version": "1.1", "asgi": {"version": "3.0"},
    }  # fmt: skip
    await app(max_bytes=10)(scope, receive, never)
    assert received[0]["status"] == 413


async def test_a_body_that_stops_arriving_is_a_408() -> None:
    sent: list[Message] = []
    parts = [{"type": "http.request", "body": b"{", "more_body": True}]

    async def receive() -> Message:
        if parts:
            return parts.pop()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/small", "raw_path": b"/small",
        "query_string": b"", "headers": [(b"content-length", b"5")], "scheme": "http",
        "server": ("limits", 80), "client": ("127.0.0.1", 1), "root_path": "",
        "http_version": "1.1", "asgi": {"version": "3.0"},
    }  # fmt: skip
    await asyncio.wait_for(app(idle_seconds=0.05)(scope, receive, send), timeout=5)
    assert sent[0]["status"] == 408
    assert b"stopped arriving for 0.05 seconds" in sent[1]["body"]
