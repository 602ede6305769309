"""A kept GraphQL answer says which spaces it read (by its root fields): a write in another
space keeps it, a write in its own space or of unknown reach drops it."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import update

from gateway.app import GatewayApp
from gateway.graphql.caching import keepable
from gateway.store.engine import create_engine
from gateway.store.generation import (
    CATALOGUE,
    DEPLOYMENTS,
    REPORTS,
    Change,
    Part,
    bump_generation,
    catalogue_changed,
)
from gateway.store.models import Space
from tests.graphql.conftest import graphql


def space_parts(*spaces: int) -> frozenset[Part]:
    return frozenset(
        Part(kind, space) for space in spaces for kind in (REPORTS, DEPLOYMENTS, CATALOGUE)
    )


def body(query: str, variables: dict[str, object] | None = None, **more: object) -> bytes:
    return json.dumps({"query": query, "variables": variables, **more}).encode()


@pytest.mark.parametrize(
    ("query", "variables", "parts"),
    [
        ('{ space(id: "Spaces-1") { name } }', None, space_parts(1)),
        (
            'query($s: ID!) { reports(spaceId: $s) { totalCount } report(spaceId: "Spaces-3",'
            ' id: "InsightsReports-1") { name } }',
            {"s": "Spaces-2"},
            space_parts(2, 3),
        ),
        (
            '{ ...Both } fragment Both on Query { deployments(spaceId: "Spaces-4",'
            ' reportId: "InsightsReports-9") { totalCount } ... on Query { __typename } }',
            None,
            space_parts(4),
        ),
        ("{ __typename }", None, frozenset()),
        ("{ spaces { id } }", None, None),
        ('{ node(id: "U3BhY2U6MQ==") { id } }', None, None),
        ('{ space(id: "not an id") { name } }', None, None),
        ("query($s: ID!) { space(id: $s) { name } }", {}, None),
    ],
)
def test_the_parts_of_a_query_are_its_root_fields_spaces(
    query: str, variables: dict[str, object] | None, parts: frozenset[Part] | None
) -> None:
    found = keepable(body(query, variables))
    assert found is not None
    assert found.parts == parts


@pytest.mark.parametrize(
    "text",
    [
        b'{"query": "mutation { deleteReport(spaceId: \\"Spaces-1\\", id: \\"X\\") { ok } }"}',
        b'[{"query": "{ __typename }"}]',
        b'{"query": "{ space(id: "}',
        b"not json",
    ],
)
def test_mutations_batches_and_junk_are_never_kept(text: bytes) -> None:
    assert keepable(text) is None


SPACE_ONE = '{ space(id: "Spaces-1") { name } }'
SPACES = "{ spaces { name } }"


async def _rename_space_one_behind_the_store(app: GatewayApp, name: str) -> None:
    assert app.store.engine is not None
    table = Space.__table__  # type: ignore[attr-defined]
    async with app.store.engine.begin() as connection:
        await connection.execute(update(table).where(table.c.id == 1).values(name=name))


async def _changed(app: GatewayApp, change: Change) -> None:
    other = create_engine(app.settings.database_url)
    try:
        async with other.begin() as connection:
            await bump_generation(connection, change)
    finally:
        await other.dispose()


async def test_a_write_in_another_space_keeps_the_answer_and_one_in_its_space_drops_it(
    app: GatewayApp, client: httpx.AsyncClient
) -> None:
    assert (await graphql(client, SPACE_ONE))["data"]["space"]["name"] == "Default"
    assert "Default" in str(await graphql(client, SPACES))
    await _rename_space_one_behind_the_store(app, "Renamed")

    await _changed(app, catalogue_changed([2]))
    assert (await graphql(client, SPACE_ONE))["data"]["space"]["name"] == "Default"  # kept
    assert "Renamed" in str(await graphql(client, SPACES))  # it may read any space: dropped

    await _changed(app, catalogue_changed([1]))
    assert (await graphql(client, SPACE_ONE))["data"]["space"]["name"] == "Renamed"
