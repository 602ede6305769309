"""Kept answers are never stale after a write, through this server or another one on the same
database; a write keeps what it did not change warm (the held columns above all)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.insights.ticks import TICKS_PER_HOUR, parse_timestamp
from gateway.settings import Settings
from mock_server.app import create_app
from tests.mock_server.conftest import KEY, make_client
from tests.mock_server.world import NOW
from tests.store.appending import append_from_another_process

REPORTS = "/api/Spaces-1/insights/reports"


@pytest.fixture
async def other(world: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A second server on the same database, as another process would be."""
    application = create_app(settings)
    async with (
        application.router.lifespan_context(application),
        make_client(application, {"X-Octopus-ApiKey": KEY}) as http,
    ):
        yield http


async def _create(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await client.post(REPORTS, json={"SpaceId": "Spaces-1", "Name": name})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _names(client: httpx.AsyncClient) -> list[str]:
    response = await client.get(REPORTS)
    assert response.status_code == 200
    return [item["Name"] for item in response.json()["Items"]]


def _successful(document: dict[str, Any]) -> int:
    return sum(
        interval["NumberOfSuccessfulDeployments"]
        for series in document["Series"]
        for interval in series["Intervals"]
    )


async def test_writes_through_one_server_are_read_back_through_the_other(
    client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    assert await _names(client) == await _names(other) == []
    report = await _create(client, "First")
    assert await _names(other) == ["First"]
    renamed = {"SpaceId": "Spaces-1", "Id": report["Id"], "Name": "Renamed"}
    assert (await other.put(report["Links"]["Self"], json=renamed)).status_code == 200
    assert await _names(client) == ["Renamed"]
    assert (await client.get(report["Links"]["Self"])).json()["Name"] == "Renamed"
    assert (await other.delete(report["Links"]["Self"])).status_code == 200
    assert (await client.get(report["Links"]["Self"])).status_code == 404


async def test_a_report_write_keeps_the_columns_and_other_answers(
    client: httpx.AsyncClient, other: httpx.AsyncClient, world: Starlette
) -> None:
    report = await _create(client, "Everything")
    metrics = report["Links"]["Self"] + "/metrics"
    resources = world.state.resources
    first = (await client.get(metrics)).json()
    await _create(other, "Another")
    assert await _names(client) == ["Another", "Everything"]
    hits = resources.answers.hits
    assert (await client.get(metrics)).json() == first
    assert resources.answers.hits == hits + 1
    assert (resources.columns.reads, resources.columns.patches) == (1, 0)


async def test_an_appended_deployment_is_in_the_next_metrics_with_its_facts(
    client: httpx.AsyncClient, other: httpx.AsyncClient, world: Starlette, database_url: str
) -> None:
    report = await _create(client, "Everything")
    metrics = report["Links"]["Self"] + "/metrics"
    before = (await client.get(metrics, params={"timeRange": "LastMonth"})).json()
    assert (await other.get(metrics, params={"timeRange": "LastMonth"})).json() == before
    await append_from_another_process(
        database_url, like=3, number=900, completed=parse_timestamp(NOW) - TICKS_PER_HOUR
    )
    after = (await client.get(metrics, params={"timeRange": "LastMonth"})).json()
    assert _successful(after) == _successful(before) + 1
    columns = world.state.resources.columns
    assert (columns.reads, columns.patches) == (1, 1)
    # A server that reads everything afresh answers the same.
    settings = world.state.resources.settings
    fresh = create_app(settings)
    async with (
        fresh.router.lifespan_context(fresh),
        make_client(fresh, {"X-Octopus-ApiKey": KEY}) as http,
    ):
        assert (await http.get(metrics, params={"timeRange": "LastMonth"})).json() == after
    assert (await other.get(metrics, params={"timeRange": "LastMonth"})).json() == after


async def test_parameters_that_do_not_change_the_answer_share_it(
    client: httpx.AsyncClient, world: Starlette
) -> None:
    report = await _create(client, "Everything")
    metrics = report["Links"]["Self"] + "/metrics"
    answers = world.state.resources.answers
    first = await client.get(metrics + "?timeRange=LastMonth&granularity=Weekly")
    misses = answers.misses
    for query in (
        "?granularity=Weekly&timeRange=LastMonth",
        "?TIMERANGE=lastmonth&granularity=weekly",
        "?timeRange=LastMonth&granularity=Weekly&junk=1&cachebuster=2",
    ):
        again = await client.get(metrics + query)
        assert again.json() == first.json(), query
    assert answers.misses == misses
