"""GET answers are kept per store generation: a write through any process is seen at once, and
an answer that depends on the clock is kept per clock reading."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from gateway.insights.ticks import parse_timestamp
from gateway.store.engine import create_engine
from gateway.store.generation import bump_generation
from gateway.store.models import Deployment, InsightsReport

REPORTS = "/api/Spaces-1/insights/reports"


async def _create(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await client.post(REPORTS, json={"SpaceId": "Spaces-1", "Name": name})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _names(client: httpx.AsyncClient) -> list[str]:
    response = await client.get(REPORTS)
    assert response.status_code == 200
    return [item["Name"] for item in response.json()["Items"]]


async def _bump_from_another_process(database_url: str) -> None:
    other = create_engine(database_url)
    try:
        async with other.begin() as connection:
            await bump_generation(connection)
    finally:
        await other.dispose()


async def test_a_write_through_the_api_is_read_back_at_once(client: httpx.AsyncClient) -> None:
    assert await _names(client) == []
    report = await _create(client, "First")
    assert await _names(client) == ["First"]
    changed = await client.put(
        report["Links"]["Self"], json={"SpaceId": "Spaces-1", "Id": report["Id"], "Name": "Renamed"}
    )
    assert changed.status_code == 200
    assert await _names(client) == ["Renamed"]
    assert (await client.get(report["Links"]["Self"])).json()["Name"] == "Renamed"
    assert (await client.delete(report["Links"]["Self"])).status_code == 200
    assert await _names(client) == []
    assert (await client.get(report["Links"]["Self"])).status_code == 404


async def test_a_change_is_seen_when_its_transaction_raises_the_generation(
    client: httpx.AsyncClient, world: Starlette, database_url: str
) -> None:
    await _create(client, "First")
    assert await _names(client) == ["First"]
    engine: AsyncEngine = world.state.resources.engine
    # Written behind the store's back, without raising the generation: the kept answer stays.
    async with engine.begin() as connection:
        await connection.execute(
            update(InsightsReport.__table__).values(name="Changed")  # type: ignore[attr-defined]
        )
    assert await _names(client) == ["First"]
    await _bump_from_another_process(database_url)
    assert await _names(client) == ["Changed"]


async def test_metrics_follow_the_generation(
    client: httpx.AsyncClient, world: Starlette, database_url: str
) -> None:
    report = await _create(client, "Everything")
    path = report["Links"]["Self"] + "/metrics"

    async def successful() -> int:
        response = await client.get(path, params={"timeRange": "LastMonth"})
        assert response.status_code == 200
        return sum(
            interval["NumberOfSuccessfulDeployments"]
            for series in response.json()["Series"]
            for interval in series["Intervals"]
        )

    before = await successful()
    engine: AsyncEngine = world.state.resources.engine
    table = Deployment.__table__  # type: ignore[attr-defined]
    async with engine.begin() as connection:
        await connection.execute(update(table).where(table.c.id == 3).values(task_state="Failed"))
    assert await successful() == before
    await _bump_from_another_process(database_url)
    assert await successful() == before - 1


async def test_answers_that_depend_on_now_are_kept_per_clock_reading(
    client: httpx.AsyncClient, world: Starlette
) -> None:
    report = await _create(client, "Everything")
    path = report["Links"]["Self"] + "/deployments"
    resources = world.state.resources

    async def shown() -> int:
        response = await client.get(path)
        assert response.status_code == 200
        return sum(len(stream["Deployments"]) for stream in response.json()["Streams"])

    at_fixed_now = await shown()
    early = parse_timestamp("2022-08-02T11:00:00Z")
    world.state.resources = dataclasses.replace(resources, clock=lambda: early)
    try:
        # Only Deployments-1 and -2 completed by then.
        assert await shown() == 2
    finally:
        world.state.resources.generations.close()
        world.state.resources = resources
    assert await shown() == at_fixed_now > 2


async def test_with_a_real_clock_metrics_are_kept_while_the_answer_cannot_change(
    client: httpx.AsyncClient, world: Starlette
) -> None:
    report = await _create(client, "Everything")
    path = report["Links"]["Self"] + "/metrics"
    resources = world.state.resources
    reading = [parse_timestamp("2022-08-20T12:00:00Z")]
    world.state.resources = dataclasses.replace(
        resources,
        settings=dataclasses.replace(resources.settings, now=None),
        clock=lambda: reading[0],
    )
    answers = world.state.resources.answers

    async def at(moment: str) -> dict[str, Any]:
        reading[0] = parse_timestamp(moment)
        response = await client.get(path, params={"timeRange": "LastMonth"})
        assert response.status_code == 200
        document: dict[str, Any] = response.json()
        return document

    def successful(document: dict[str, Any]) -> int:
        return sum(i["NumberOfSuccessfulDeployments"] for i in document["Series"][0]["Intervals"])

    try:
        noon = await at("2022-08-20T12:00:00Z")
        hits = answers.hits
        # Later the same day, after the newest deployment: the same answer, from the cache.
        assert await at("2022-08-20T18:00:00Z") == noon
        assert answers.hits == hits + 1
        assert successful(noon) == 3
        # Before Deployments-3 and -4 completed, only Deployments-1 had succeeded.
        assert successful(await at("2022-08-02T11:00:00Z")) == 1
        # Sunday 21 August starts a new week: one more interval.
        sunday = await at("2022-08-21T12:00:00Z")
        assert len(sunday["Series"][0]["Intervals"]) == len(noon["Series"][0]["Intervals"]) + 1
    finally:
        world.state.resources.generations.close()
        world.state.resources = resources


@pytest.mark.parametrize("coding", ["br", "gzip"])
async def test_a_kept_answer_goes_compressed_to_a_client_that_accepts_it(
    client: httpx.AsyncClient, coding: str
) -> None:
    report = await _create(client, "Everything")
    path = report["Links"]["Self"] + "/metrics?split=Project&timeRange=LastYear&granularity=Weekly"
    plain = await client.get(path, headers={"Accept-Encoding": "identity"})
    compressed = await client.get(path, headers={"Accept-Encoding": coding})
    browser = await client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})

    assert "content-encoding" not in plain.headers
    assert plain.num_bytes_downloaded == len(plain.content)
    assert compressed.headers["content-encoding"] == coding
    # httpx decodes: what came over the wire is the smaller, the decoded body the same.
    assert compressed.num_bytes_downloaded < len(plain.content) / 4
    assert compressed.content == plain.content
    assert browser.headers["content-encoding"] == "br"
    assert browser.content == plain.content
    for response in (plain, compressed):
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers["content-type"] == "application/json"


async def test_an_error_is_never_compressed(client: httpx.AsyncClient) -> None:
    response = await client.get(
        REPORTS + "/InsightsReports-999", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 404
    assert "content-encoding" not in response.headers
    assert response.json()["ErrorMessage"]


async def test_parameters_that_do_not_change_the_answer_do_not_change_its_key(
    client: httpx.AsyncClient, world: Starlette
) -> None:
    report = await _create(client, "Keyed")
    path = report["Links"]["Self"] + "/metrics"
    answers = world.state.resources.answers
    first = await client.get(path, params={"split": "Environment", "timeRange": "LastMonth"})
    assert first.status_code == 200
    misses = answers.misses
    same = [
        {"split": "Environment", "timeRange": "LastMonth", "bust": "1"},
        {"timeRange": "LastMonth", "split": "Environment", "bust": "2"},
        {"SPLIT": "environment", "timerange": "lastmonth"},
        {"split": "Environment", "timeRange": "LastMonth", "granularity": "weekly"},
    ]
    for params in same:
        again = await client.get(path, params=params)
        assert again.content == first.content
    assert answers.misses == misses, "each of these was answered from the cache"
    other = await client.get(path, params={"split": "Project", "timeRange": "LastMonth"})
    assert other.status_code == 200
    assert answers.misses == misses + 1
    listed = await client.get(REPORTS, params={"skip": "0", "take": "30", "junk": "x"})
    misses = answers.misses
    assert (await client.get(REPORTS, params={"junk": "y"})).content == listed.content
    assert answers.misses == misses
