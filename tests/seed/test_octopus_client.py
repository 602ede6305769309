"""`gateway.octopus.client.OctopusClient` alone, against answers made by `httpx.MockTransport`:
retries and their waits (recorded by a fake `sleep`, so no test sleeps), the errors that end a
read, the bound on requests in flight, and reading by pages and by ids."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from gateway.octopus.client import (
    BACKOFF_SECONDS,
    IDS_PER_REQUEST,
    MAX_BACKOFF_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    OctopusClient,
    OctopusError,
)

URL = "https://octopus.example"
KEY = "API-CLIENT000000000000000000000"
OK = {"Application": "Octopus Deploy", "Version": "2024.3.12741"}

Answer = httpx.Response | Exception
Handler = Callable[[httpx.Request], Any]


class Waits(list[float]):
    """The waits asked of `sleep`, in order."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def scripted(*answers: Answer) -> tuple[Handler, list[httpx.Request]]:
    """A handler giving these answers in turn (raising the exceptions); the requests it saw."""
    queue: Iterator[Answer] = iter(answers)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def client(handler: Handler, waits: Waits, url: str = URL, **options: Any) -> OctopusClient:
    transport = httpx.MockTransport(handler)
    return OctopusClient(url, KEY, transport=transport, sleep=waits, **options)


def ok(body: object = OK) -> httpx.Response:
    return httpx.Response(200, json=body)


def refused(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, json={"ErrorMessage": "busy", "Errors": []})


async def test_429_with_retry_after_is_retried_once_waiting_at_least_that() -> None:
    handler, seen = scripted(refused(429, **{"Retry-After": "3"}), ok())
    waits = Waits()
    async with client(handler, waits) as octopus:
        assert await octopus.get("api") == OK
        assert (octopus.tally.requests, octopus.tally.retries) == (2, 1)
    assert len(waits) == 1
    assert 3 <= waits[0] <= 3 + BACKOFF_SECONDS
    assert all(request.headers["X-Octopus-ApiKey"] == KEY for request in seen)


async def test_retry_after_as_an_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    handler, _ = scripted(refused(503, **{"Retry-After": later}), ok())
    waits = Waits()
    async with client(handler, waits) as octopus:
        assert await octopus.get("api") == OK
    assert len(waits) == 1
    assert 55 <= waits[0] <= 60


async def test_a_very_long_retry_after_is_waited_only_up_to_the_cap() -> None:
    handler, _ = scripted(refused(429, **{"Retry-After": "3600"}), ok())
    waits = Waits()
    async with client(handler, waits) as octopus:
        assert await octopus.get("api") == OK
    assert waits == [MAX_RETRY_AFTER_SECONDS]


async def test_retry_after_in_asctime_form() -> None:
    later = time.asctime(time.gmtime(time.time() + 60))
    handler, _ = scripted(refused(503, **{"Retry-After": later}), ok())
    waits = Waits()
    async with client(handler, waits) as octopus:
        assert await octopus.get("api") == OK
    assert 55 <= waits[0] <= 60


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_retried_until_an_answer(status: int) -> None:
    handler, seen = scripted(refused(status), refused(status), refused(status), ok())
    waits = Waits()
    async with client(handler, waits) as octopus:
        assert await octopus.get("api") == OK
        assert (octopus.tally.requests, octopus.tally.retries) == (4, 3)
    assert len(seen) == 4
    assert len(waits) == 3


async def test_connection_errors_and_timeouts_are_retried() -> None:
    request = httpx.Request("GET", URL + "/api")
    handler, seen = scripted(
        httpx.ConnectError("connection refused", request=request),
        httpx.ReadTimeout("timed out", request=request),
        httpx.RemoteProtocolError("peer closed connection", request=request),
        ok(),
    )
    waits = Waits()
    async with client(handler, waits) as octopus:
        assert await octopus.get("api") == OK
        assert octopus.tally.retries == 3
    assert len(seen) == 4
    assert len(waits) == 3


@pytest.mark.parametrize(
    ("last", "named"),
    [
        (refused(502), "HTTP 502"),
        (httpx.ConnectError("connection refused"), "ConnectError: connection refused"),
    ],
)
async def test_it_gives_up_after_the_last_try_naming_the_last_failure(
    last: Answer, named: str
) -> None:
    handler, seen = scripted(refused(503), refused(503), last)
    waits = Waits()
    async with client(handler, waits, attempts=3) as octopus:
        with pytest.raises(OctopusError, match=f"after 3 tries \\({named}\\)"):
            await octopus.get("api/spaces/all")
    assert len(seen) == 3
    assert len(waits) == 2


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refused_key_ends_the_read_at_once(status: int) -> None:
    handler, seen = scripted(refused(status), ok())
    waits = Waits()
    async with client(handler, waits) as octopus:
        with pytest.raises(OctopusError, match=f"refused the API key \\(HTTP {status}\\)"):
            await octopus.get("api")
        assert octopus.tally.retries == 0
    assert len(seen) == 1
    assert waits == []


async def test_another_client_error_is_not_retried_and_quotes_the_server() -> None:
    answer = httpx.Response(404, json={"ErrorMessage": "Space Spaces-9 was not found"})
    handler, seen = scripted(answer)
    async with client(handler, Waits()) as octopus:
        with pytest.raises(OctopusError, match="HTTP 404: Space Spaces-9 was not found"):
            await octopus.get("api/Spaces-9/projects/all")
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(200, html="<html><body>Sign in</body></html>"), "not JSON"),
        (httpx.Response(200, json={"Application": "Jenkins"}), "is not an Octopus Server"),
        (httpx.Response(200, json=["Octopus"]), "is not an Octopus Server"),
    ],
)
async def test_a_root_that_is_not_octopus_is_an_error(answer: httpx.Response, message: str) -> None:
    handler, _ = scripted(answer)
    async with client(handler, Waits()) as octopus:
        with pytest.raises(OctopusError, match=message):
            await octopus.check_server()


async def test_waits_have_full_jitter_under_a_doubling_ceiling() -> None:
    attempts = 12
    ceilings = [min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**n) for n in range(attempts - 1)]
    assert ceilings[-1] == MAX_BACKOFF_SECONDS  # the later retries reach the cap
    runs = 60
    by_try: list[list[float]] = [[] for _ in ceilings]
    for run in range(runs):
        handler, _ = scripted(*(refused(503) for _ in range(attempts)))
        waits = Waits()
        async with client(handler, waits, attempts=attempts) as octopus:
            octopus._random.seed(run)
            with pytest.raises(OctopusError):
                await octopus.get("api")
        assert len(waits) == attempts - 1
        for n, wait in enumerate(waits):
            assert 0 <= wait <= ceilings[n], (run, n, wait)
            by_try[n].append(wait / ceilings[n])
    # Full jitter: each retry's wait spreads over its whole range, about half of it on average.
    for n, shares in enumerate(by_try):
        assert min(shares) < 0.15, n
        assert max(shares) > 0.85, n
        assert 0.35 < sum(shares) / runs < 0.65, n


async def test_at_most_concurrency_requests_are_in_flight() -> None:
    concurrency = 3
    in_flight = peak = 0
    gate = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await gate.wait()
            items = [{"Id": text} for text in request.url.params["ids"].split(",")]
            return httpx.Response(200, json={"Items": items})
        finally:
            in_flight -= 1

    async def open_gate() -> None:
        # Let every batch that can start do so (more would, were the bound broken), then open.
        for _ in range(10_000):
            if in_flight >= concurrency:
                break
            await asyncio.sleep(0)
        for _ in range(200):
            await asyncio.sleep(0)
        gate.set()

    ids = [f"ServerTasks-{n}" for n in range(1, 10 * IDS_PER_REQUEST + 1)]
    async with client(handler, Waits(), concurrency=concurrency) as octopus:
        opener = asyncio.create_task(open_gate())
        found = await asyncio.wait_for(octopus.by_ids("api/tasks", ids), timeout=30)
        await opener
        assert octopus.tally.requests == 10
    assert peak == concurrency
    assert [item["Id"] for item in found] == ids


async def test_by_ids_asks_in_batches_and_keeps_every_item() -> None:
    seen: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked = request.url.params["ids"].split(",")
        assert request.url.params["take"] == str(len(asked))
        seen.append(asked)
        return ok({"Items": [{"Id": text, "Name": text.lower()} for text in asked]})

    ids = [f"Deployments-{n}" for n in range(1, 2 * IDS_PER_REQUEST + 51)]
    async with client(handler, Waits()) as octopus:
        found = await octopus.by_ids("api/Spaces-1/deployments", ids)
        assert await octopus.by_ids("api/Spaces-1/deployments", []) == []
    assert sorted(len(batch) for batch in seen) == [50, IDS_PER_REQUEST, IDS_PER_REQUEST]
    assert sorted(text for batch in seen for text in batch) == sorted(ids)
    assert [item["Id"] for item in found] == ids


async def test_pages_follow_the_next_link_as_given() -> None:
    second = "/api/Spaces-1/events?skip=1&take=1&fromAutoId=42"
    pages = {
        "/api/Spaces-1/events?take=500&spaces=Spaces-1": {
            "Items": [{"Id": "Events-1"}], "Links": {"Page.Next": second},
        },
        second: {"Items": [{"Id": "Events-2"}], "Links": {"Page.Next": URL + "/api/last?p=3"}},
        "/api/last?p=3": {"Items": [{"Id": "Events-3"}], "Links": {}},
    }  # fmt: skip
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode("ascii")
        seen.append(target)
        return ok(pages[target]) if target in pages else refused(404)

    async with client(handler, Waits()) as octopus:
        found = [
            page async for page in octopus.pages("api/Spaces-1/events", {"spaces": "Spaces-1"})
        ]
    assert found == [[{"Id": "Events-1"}], [{"Id": "Events-2"}], [{"Id": "Events-3"}]]
    assert seen == list(pages)


async def test_next_links_of_a_server_in_a_virtual_directory() -> None:
    first, second = "/octopus/api/Spaces-1/events?take=500", "/octopus/api/Spaces-1/events?skip=1"
    pages = {
        first: {"Items": [{"Id": "Events-1"}], "Links": {"Page.Next": second}},
        second: {"Items": [{"Id": "Events-2"}], "Links": {}},
    }
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode("ascii")
        seen.append(target)
        return ok(pages[target]) if target in pages else refused(404)

    async with client(handler, Waits(), url="https://host.example/octopus") as octopus:
        found = [page async for page in octopus.pages("api/Spaces-1/events")]
    assert found == [[{"Id": "Events-1"}], [{"Id": "Events-2"}]]
    assert seen == [first, second]


@pytest.mark.parametrize(
    ("given", "asked"),
    [
        ("https://host.example/octopus/api", "/octopus/api/spaces/all"),
        ("https://host.example/octopus/", "/octopus/api/spaces/all"),
        ("https://host.example", "/api/spaces/all"),
    ],
)
async def test_the_server_url_may_be_given_as_its_api_s(given: str, asked: str) -> None:
    handler, seen = scripted(ok([]))
    async with client(handler, Waits(), url=given) as octopus:
        assert await octopus.all("api/spaces") == []
    assert [request.url.raw_path.decode() for request in seen] == [asked]


async def test_a_link_from_the_server_s_url_is_read_from_it() -> None:
    handler, seen = scripted(ok())
    async with client(handler, Waits(), url="https://host.example/octopus") as octopus:
        assert await octopus.get("~/api") == OK
    assert seen[0].url.raw_path == b"/octopus/api"


async def test_a_refusal_carries_its_status() -> None:
    handler, _ = scripted(refused(404))
    async with client(handler, Waits()) as octopus:
        with pytest.raises(OctopusError) as refusal:
            await octopus.get("api/Spaces-1/insights/reports")
    assert refusal.value.status == 404
    assert "HTTP 404: busy" in str(refusal.value)
