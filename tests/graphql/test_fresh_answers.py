"""Kept query answers are never stale after a write, through this gateway or another one on the
same database; the held columns take appended deployments in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import GatewayApp, create_app
from gateway.insights.ticks import TICKS_PER_HOUR
from tests.graphql.conftest import API_KEY, NOW, data
from tests.graphql.test_mutations import CREATE
from tests.store.appending import append_from_another_process

REPORTS = '{ reports(spaceId: "Spaces-1", first: 10) { nodes { name } } }'
METRICS = """
{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    metrics(timeRange: LAST_MONTH) { intervals { successfulDeployments } } } }
"""


@pytest.fixture
async def other(app: GatewayApp) -> AsyncIterator[httpx.AsyncClient]:
    """A second gateway on the same database, as another process would be."""
    gateway = create_app(app.settings)
    await gateway.store.open()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway),
            base_url="http://other",
            headers={"X-Octopus-ApiKey": API_KEY},
        ) as client:
            yield client
    finally:
        await gateway.store.close()


async def _names(client: httpx.AsyncClient) -> list[str]:
    return [node["name"] for node in (await data(client, REPORTS))["reports"]["nodes"]]


def _successful(answer: dict[str, Any]) -> int:
    return sum(i["successfulDeployments"] for i in answer["report"]["metrics"][0]["intervals"])


async def test_a_report_made_through_one_gateway_is_listed_by_the_other(
    client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    assert await _names(client) == await _names(other) == []
    created = await data(other, CREATE, {"input": {"spaceId": "Spaces-1", "name": "Made"}})
    assert created["createReport"]["__typename"] == "Report"
    assert await _names(client) == ["Made"]


async def test_an_appended_deployment_is_in_the_next_metrics(
    app: GatewayApp, client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    await data(client, CREATE, {"input": {"spaceId": "Spaces-1", "name": "All"}})
    before = await data(client, METRICS)
    assert await data(other, METRICS) == before
    await append_from_another_process(
        app.settings.database_url, like=3, number=900, completed=NOW - TICKS_PER_HOUR
    )
    after = await data(client, METRICS)
    assert _successful(after) == _successful(before) + 1
    assert await data(other, METRICS) == after
    assert (app.store.columns.reads, app.store.columns.patches) == (1, 1)
