"""Drills: hostile requests against both servers running as their own processes on a seeded
store, over sockets on 127.0.0.1.

Every drill asserts what a hostile client must get: the API's own error format within a time
bound, both servers still answering a normal request quickly afterwards, nothing in their logs
but one line per client mistake (no traceback), and the store exactly as before (its export,
byte for byte). Each drill's time is written to `test-results/drills.json`.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import pytest

from gateway.serving import KEEP_ALIVE_SECONDS, MAX_CONNECTIONS, PROTOCOL
from gateway.store.engine import create_engine
from seed.datafile import export_store
from tests.postgres.servers import GATEWAY_APP, MOCK_APP, Server, environment, uvicorn
from tests.seeded import seed_store

KEY = "API-DRILLS000000000000000000000"
NOW = "2026-03-29T13:30:00.1234567Z"  # tests.seeded.NOW
HEADERS = {"X-Octopus-ApiKey": KEY}
REPORTS = "/api/Spaces-1/insights/reports"
QUICKLY = 2.0
"""Seconds a normal request may take after a drill (generous for a loaded CI machine)."""
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "drills.json"

ErrorFormat = Callable[[httpx.Response], None]


def octopus_error(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert list(body) == ["ErrorMessage", "Errors"], body
    assert isinstance(body["ErrorMessage"], str)
    assert body["ErrorMessage"]
    assert all(isinstance(problem, str) for problem in body["Errors"])


def graphql_error(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body.get("data") is None, body
    assert body["errors"], body
    for error in body["errors"]:
        assert isinstance(error["message"], str)
        assert error["message"]
        assert isinstance(error.get("extensions", {}).get("code", ""), str)


@dataclass
class Drills:
    """Both servers, their logs, and the means to run a drill against them."""

    mock: str
    gateway: str
    database_url: str
    logs: dict[str, Path]
    client: httpx.Client
    times: dict[str, float] = field(default_factory=dict)

    def export(self) -> str:
        async def text() -> str:
            engine = create_engine(self.database_url)
            try:
                out = io.StringIO()
                await export_store(engine, out)
                return out.getvalue()
            finally:
                await engine.dispose()

        return asyncio.run(text())

    def log_size(self) -> dict[str, int]:
        return {name: path.stat().st_size for name, path in self.logs.items()}

    def new_log(self, since: dict[str, int]) -> str:
        text = []
        for name, path in self.logs.items():
            with path.open("rb") as log:
                log.seek(since[name])
                text.append(log.read().decode(errors="replace"))
        return "".join(text)

    def still_answer(self) -> None:
        started = time.monotonic()
        listed = self.client.get(self.mock + REPORTS)
        assert listed.status_code == 200, listed.text
        asked = self.client.post(self.gateway + "/graphql", json={"query": "{ spaces { id } }"})
        assert asked.status_code == 200, asked.text
        assert "errors" not in asked.json(), asked.text
        assert time.monotonic() - started < QUICKLY, "a normal request was slow after the drill"

    def run(
        self,
        name: str,
        send: Callable[[httpx.Client], httpx.Response],
        *,
        status: int,
        error: ErrorFormat,
        within: float = 5.0,
    ) -> httpx.Response:
        """Send the drill's request; check its answer, its time, the servers and the store."""
        before, logged = self.export(), self.log_size()
        started = time.monotonic()
        response = send(self.client)
        elapsed = time.monotonic() - started
        self.times[name] = round(elapsed, 4)
        assert response.status_code == status, response.text[:500]
        error(response)
        assert elapsed < within, f"{name} took {elapsed:.2f} s"
        self.still_answer()
        assert self.export() == before, f"{name} changed the store"
        assert "Traceback" not in self.new_log(logged), self.new_log(logged)[-3000:]
        return response


def _serve(stack: ExitStack, app: str, env: dict[str, str], log: IO[bytes]) -> Server:
    options = [
        "--http", PROTOCOL,
        "--limit-concurrency", str(MAX_CONNECTIONS),
        "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS),
        "--log-level", "info",
    ]  # fmt: skip
    return stack.enter_context(uvicorn(app, env, options=options, log=log))


@pytest.fixture(scope="session")
def drills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drills]:
    folder = tmp_path_factory.mktemp("drills")
    database_url = seed_store(folder)
    env = environment(database_url, KEY, NOW)
    logs = {"mock": folder / "mock.log", "gateway": folder / "gateway.log"}
    with ExitStack() as stack:
        files = {name: stack.enter_context(path.open("wb")) for name, path in logs.items()}
        mock = _serve(stack, MOCK_APP, env, files["mock"])
        gateway = _serve(stack, GATEWAY_APP, env, files["gateway"])
        client = stack.enter_context(httpx.Client(headers=HEADERS, timeout=60))
        found = Drills(mock.url, gateway.url, database_url, logs, client)
        found.still_answer()
        yield found
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(found.times, indent=2, sort_keys=True))
