"""The benchmark's warm latency: surfaces take turns, and each one's figures are its own."""

from __future__ import annotations

import httpx
import pytest

from tests.bench import load
from tests.bench.load import Target, warm


def test_warm_takes_turns_and_summarises_each_target(monkeypatch: pytest.MonkeyPatch) -> None:
    # A clock that only the fake server moves: each answer takes the seconds queued for its path.
    clock = [0.0]
    durations = {"/rest": [0.004, 0.001, 0.010], "/graphql": [0.002, 0.003, 0.005]}
    order: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        order.append(request.url.path)
        clock[0] += durations[request.url.path].pop(0)
        return httpx.Response(200, json={})

    monkeypatch.setattr(load.time, "perf_counter", lambda: clock[0])
    targets = {
        "rest": Target("rest", "http://bench.test/rest"),
        "graphql": Target("graphql", "http://bench.test/graphql", body={"query": "{ x }"}),
    }
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        figures = warm(targets, client, 3)

    # The first to go alternates from round to round.
    assert order == ["/rest", "/graphql", "/graphql", "/rest", "/rest", "/graphql"]
    assert figures["rest"] == pytest.approx(
        {"median_seconds": 0.004, "min_seconds": 0.001, "max_seconds": 0.010, "samples": 3}
    )
    assert figures["graphql"] == pytest.approx(
        {"median_seconds": 0.003, "min_seconds": 0.002, "max_seconds": 0.005, "samples": 3}
    )


def test_warm_fails_on_an_error_answer() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"ErrorMessage": "no key"})

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as client,
        pytest.raises(httpx.HTTPStatusError),
    ):
        warm({"rest": Target("rest", "http://bench.test/rest")}, client, 2)
