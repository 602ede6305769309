"""Answers of queries are kept per store generation and clock reading; mutations, batches and
answers with errors never are."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import GatewayApp, create_app
from gateway.insights.ticks import TICKS_PER_DAY, TICKS_PER_HOUR
from gateway.settings import Settings
from gateway.store.engine import create_engine
from gateway.store.generation import bump_generation
from gateway.store.models import Space
from tests.graphql.conftest import API_KEY, NOW, T0, graphql, seed_small_store
from tests.graphql.test_mutations import CREATE

SPACES = "{ spaces { id name } }"


async def _rename_space_behind_the_store(app: GatewayApp, name: str) -> None:
    assert app.store.engine is not None
    async with app.store.engine.begin() as connection:
        await connection.execute(
            update(Space.__table__).where(Space.__table__.c.id == 1).values(name=name)  # type: ignore[attr-defined]
        )


async def _bump_from_another_process(app: GatewayApp) -> None:
    other = create_engine(app.settings.database_url)
    try:
        async with other.begin() as connection:
            await bump_generation(connection)
    finally:
        await other.dispose()


async def _space_names(client: httpx.AsyncClient) -> list[str]:
    body = await graphql(client, SPACES)
    return [space["name"] for space in body["data"]["spaces"]]


async def test_a_query_answer_is_kept_until_the_generation_changes(
    app: GatewayApp, client: httpx.AsyncClient
) -> None:
    assert await _space_names(client) == ["Default", "Other"]
    await _rename_space_behind_the_store(app, "Renamed")
    assert await _space_names(client) == ["Default", "Other"]
    await _bump_from_another_process(app)
    assert await _space_names(client) == ["Other", "Renamed"]


async def test_an_identical_mutation_runs_again(client: httpx.AsyncClient) -> None:
    variables = {"input": {"spaceId": "Spaces-1", "name": "Twice"}}
    first = await graphql(client, CREATE, variables)
    second = await graphql(client, CREATE, variables)
    assert first["data"]["createReport"]["__typename"] == "Report"
    assert second["data"]["createReport"]["__typename"] == "ValidationProblems"


async def test_identical_concurrent_mutations_each_run(client: httpx.AsyncClient) -> None:
    variables = {"input": {"spaceId": "Spaces-1", "name": "Racing"}}
    answers = await asyncio.gather(*(graphql(client, CREATE, variables) for _ in range(3)))
    kinds = sorted(answer["data"]["createReport"]["__typename"] for answer in answers)
    assert kinds == ["Report", "ValidationProblems", "ValidationProblems"]


async def test_an_answer_with_errors_is_not_kept(
    app: GatewayApp, client: httpx.AsyncClient
) -> None:
    query = (
        '{ space(id: "Spaces-1") { name } reports(spaceId: "Spaces-1", first: -1) { totalCount } }'
    )
    first = await graphql(client, query)
    assert first["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(app.store.answers) == 0
    await _space_names(client)
    assert len(app.store.answers) == 1


METRICS = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    metrics(timeRange: LAST_MONTH) { name intervals { start successfulDeployments } } } }
"""
STREAMS = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") { streams { totalCount } } }
"""


@dataclass
class RealClock:
    """A gateway on the real clock whose readings a test sets, and a client on it."""

    app: GatewayApp
    client: httpx.AsyncClient
    reading: list[int]

    async def at(self, moment: int, query: str, **variables: Any) -> Any:
        """The `data` of a query that must succeed, read at `moment`."""
        self.reading[0] = moment
        body = await graphql(self.client, query, variables)
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture
async def real_clock(engine: AsyncEngine, database_url: str) -> AsyncIterator[RealClock]:
    """The small store with one report, "A", behind a gateway whose clock is not fixed."""
    await seed_small_store(engine)
    gateway = create_app(
        Settings(database_url=database_url, api_keys=(API_KEY,), api_keys_generated=False)
    )
    view = next(route for route in gateway.routes if getattr(route, "path", "") == "/graphql")
    reading = [NOW]
    view.app.clock = lambda: reading[0]  # type: ignore[attr-defined]
    await gateway.store.open()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway),
            base_url="http://gateway",
            headers={"X-Octopus-ApiKey": API_KEY},
        ) as client:
            created = await graphql(client, CREATE, {"input": {"spaceId": "Spaces-1", "name": "A"}})
            assert created["data"]["createReport"]["__typename"] == "Report"
            yield RealClock(gateway, client, reading)
    finally:
        await gateway.store.close()


async def test_with_a_real_clock_answers_are_kept_while_their_metrics_cannot_change(
    real_clock: RealClock,
) -> None:
    async def at(moment: int, query: str) -> dict[str, Any]:
        report: dict[str, Any] = (await real_clock.at(moment, query))["report"]
        return report

    def successful(answer: dict[str, Any]) -> int:
        return sum(i["successfulDeployments"] for s in answer["metrics"] for i in s["intervals"])

    answers = real_clock.app.store.answers
    at_now = await at(NOW, METRICS)
    hits = answers.hits
    assert await at(NOW + TICKS_PER_HOUR, METRICS) == at_now
    assert answers.hits == hits + 1
    assert successful(at_now) == 3
    # A day after T0, Deployments-3 had not completed yet.
    assert successful(await at(T0 + TICKS_PER_DAY, METRICS)) == 2
    # Streams depend on now exactly: a later reading answers afresh.
    await at(NOW, STREAMS)
    hits = answers.hits
    await at(NOW + TICKS_PER_HOUR, STREAMS)
    assert answers.hits == hits


WEEKLY = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    metrics(split: PROJECT, timeRange: LAST_YEAR, granularity: WEEKLY) {
      name intervals { start successfulDeployments leadTime { count mean } } } } }
"""


@pytest.mark.parametrize("coding", ["br", "gzip"])
async def test_a_kept_answer_goes_compressed_to_a_client_that_accepts_it(
    client: httpx.AsyncClient, coding: str
) -> None:
    created = await graphql(client, CREATE, {"input": {"spaceId": "Spaces-1", "name": "A"}})
    assert created["data"]["createReport"]["__typename"] == "Report"
    body = {"query": WEEKLY}
    plain = await client.post("/graphql", json=body, headers={"Accept-Encoding": "identity"})
    compressed = await client.post("/graphql", json=body, headers={"Accept-Encoding": coding})

    assert plain.status_code == compressed.status_code == 200
    assert len(plain.json()["data"]["report"]["metrics"]) == 2
    assert "content-encoding" not in plain.headers
    assert compressed.headers["content-encoding"] == coding
    # httpx decodes: what came over the wire is the smaller, the decoded body the same.
    assert compressed.num_bytes_downloaded < len(plain.content) / 4
    assert compressed.content == plain.content
    for response in (plain, compressed):
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers["content-type"] == "application/json"


async def test_an_answer_with_errors_is_never_compressed(client: httpx.AsyncClient) -> None:
    query = '{ report(spaceId: "Spaces-1", id: "InsightsReports-1") { noSuchField } }'
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Accept-Encoding": "gzip"}
    )
    assert response.json()["errors"]
    assert "content-encoding" not in response.headers


TREND = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    summary(timeRange: LAST_MONTH) {
      trend { deploymentFrequency { previousCount currentCount } } } } }
"""
PER_DAY = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    summary(timeRange: LAST_MONTH) { totals { deploymentsPerDay } level { overall } } } }
"""
COUNTS = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    summary(timeRange: LAST_MONTH) {
      totals { successfulDeployments leadTime { median } } level { leadTime } } } }
"""
DRILL = """
query Drill($from: Timestamp, $to: Timestamp) {
  deployments(spaceId: "Spaces-1", reportId: "InsightsReports-1", from: $from, to: $to) {
    totalCount } }
"""


async def test_with_a_real_clock_what_moves_with_now_is_never_stale(
    real_clock: RealClock,
) -> None:
    at, answers = real_clock.at, real_clock.app.store.answers
    # Deployments-1 completed at T0 + 2 h: 28 days later it leaves the current block.
    crossing = T0 + 28 * TICKS_PER_DAY + 2 * TICKS_PER_HOUR
    before = await at(crossing - 1, TREND)
    after = await at(crossing, TREND)
    assert before["report"]["summary"]["trend"]["deploymentFrequency"] == {
        "previousCount": 0,
        "currentCount": 3,
    }
    assert after["report"]["summary"]["trend"]["deploymentFrequency"] == {
        "previousCount": 1,
        "currentCount": 2,
    }
    # Per-day frequency moves with every tick of a window that ends now.
    first = await at(NOW, PER_DAY)
    later = await at(NOW + TICKS_PER_HOUR, PER_DAY)
    per_day = [a["report"]["summary"]["totals"]["deploymentsPerDay"] for a in (first, later)]
    assert per_day[0] > per_day[1]
    # What depends on the window's deployments only is kept while they cannot change.
    counted = await at(NOW, COUNTS)
    hits = answers.hits
    assert await at(NOW + TICKS_PER_HOUR, COUNTS) == counted
    assert answers.hits == hits + 1
    # A drill-down over an explicit window does not depend on now; one over the default
    # window does.
    window = {"from": "2026-11-02T00:00:00Z", "to": "2026-11-03T00:00:00Z"}
    explicit = await at(NOW, DRILL, **window)
    hits = answers.hits
    assert await at(NOW + TICKS_PER_HOUR, DRILL, **window) == explicit
    assert answers.hits == hits + 1
    assert explicit["deployments"]["totalCount"] == 2
    await at(NOW, DRILL)
    hits = answers.hits
    await at(NOW + TICKS_PER_HOUR, DRILL)
    assert answers.hits == hits


async def test_the_last_interval_ends_now_and_is_never_stale(real_clock: RealClock) -> None:
    query = """
    { report(spaceId: "Spaces-1", id: "InsightsReports-1") {
        metrics(timeRange: LAST_MONTH) { intervals { from to } } } }
    """
    first = await real_clock.at(NOW, query)
    later = await real_clock.at(NOW + TICKS_PER_HOUR, query)

    def last_to(answer: Any) -> str:
        end: str = answer["report"]["metrics"][0]["intervals"][-1]["to"]
        return end

    assert last_to(first) == "2026-11-12T00:00:00.0000000Z"
    assert last_to(later) == "2026-11-12T01:00:00.0000000Z"
    # Without the window's end, the answer is kept by what its metrics depend on.
    report = 'report(spaceId: "Spaces-1", id: "InsightsReports-1")'
    starts = f"{{ {report} {{ metrics {{ intervals {{ from }} }} }} }}"
    kept = await real_clock.at(NOW, starts)
    hits = real_clock.app.store.answers.hits
    assert await real_clock.at(NOW + TICKS_PER_HOUR, starts) == kept
    assert real_clock.app.store.answers.hits == hits + 1
