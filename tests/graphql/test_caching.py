"""Answers of queries are kept per store generation and clock reading; mutations, batches and
answers with errors never are."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import update

from gateway.app import GatewayApp
from gateway.store.engine import create_engine
from gateway.store.generation import bump_generation
from gateway.store.models import Space
from tests.graphql.conftest import graphql
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
    query = '{ space(id: "Spaces-1") { name } reports(spaceId: "Spaces-9") { totalCount } }'
    first = await graphql(client, query)
    assert first["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert len(app.store.answers) == 0
    await _space_names(client)
    assert len(app.store.answers) == 1
