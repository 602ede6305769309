"""Automatic persisted queries as Apollo Client sends them: a hash alone, a miss, the query with
its hash, then hits; a hash that is not the query's is refused; one kept answer per document."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest

from gateway.app import GatewayApp

QUERY = "query Names { spaces { id name } }"
SPACES = {
    "data": {"spaces": [{"id": "Spaces-1", "name": "Default"}, {"id": "Spaces-2", "name": "Other"}]}
}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def persisted(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


SHA = hashlib.sha256(QUERY.encode()).hexdigest()


async def test_a_hash_misses_then_registers_with_its_query_then_hits(
    app: GatewayApp, client: httpx.AsyncClient
) -> None:
    miss = await client.post("/graphql", json={"extensions": persisted(SHA)})
    assert (miss.status_code, miss.json()) == (200, NOT_FOUND)
    assert miss.headers["cache-control"] == "private, no-cache, must-revalidate"

    registered = await client.post("/graphql", json={"query": QUERY, "extensions": persisted(SHA)})
    assert (registered.status_code, registered.json()) == (200, SPACES)
    assert len(app.store.answers) == 1

    hits = app.store.answers.hits
    hit = await client.post("/graphql", json={"extensions": persisted(SHA)})
    assert (hit.status_code, hit.json()) == (200, SPACES)
    # The hash resolves to the document already answered: its kept answer serves it.
    assert app.store.answers.hits == hits + 1
    assert len(app.store.answers) == 1


async def test_a_hash_over_get_as_apollo_sends_it(client: httpx.AsyncClient) -> None:
    extensions = json.dumps(persisted(SHA))
    miss = await client.get("/graphql", params={"extensions": extensions})
    assert miss.json() == NOT_FOUND
    registered = await client.get("/graphql", params={"query": QUERY, "extensions": extensions})
    assert registered.json() == SPACES
    hit = await client.get(
        "/graphql", params={"extensions": extensions, "operationName": "Names", "variables": "{}"}
    )
    assert (hit.status_code, hit.json()) == (200, SPACES)


async def test_variables_go_with_the_persisted_query(client: httpx.AsyncClient) -> None:
    query = "query One($id: ID!) { space(id: $id) { name } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    first = {"query": query, "variables": {"id": "Spaces-1"}, "extensions": persisted(sha)}
    assert (await client.post("/graphql", json=first)).json() == {
        "data": {"space": {"name": "Default"}}
    }
    other = {"variables": {"id": "Spaces-2"}, "extensions": persisted(sha)}
    assert (await client.post("/graphql", json=other)).json() == {
        "data": {"space": {"name": "Other"}}
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {
                "query": QUERY,
                "extensions": persisted(hashlib.sha256(b"{ spaces { id } }").hexdigest()),
            },
            "provided sha does not match query",
            id="hash-of-another-query",
        ),
        pytest.param(
            {"query": QUERY, "extensions": {"persistedQuery": {"version": 2, "sha256Hash": SHA}}},
            "Unsupported persisted query version",
            id="unknown-version",
        ),
        pytest.param(
            {"extensions": persisted("not-a-hash")},
            "sha256Hash must be 64 lower-case hexadecimal digits",
            id="not-a-hash",
        ),
    ],
)
async def test_a_hash_that_cannot_be_the_querys_is_refused(
    app: GatewayApp, client: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    response = await client.post("/graphql", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }
    # Nothing was remembered: the right hash alone still misses.
    assert (await client.post("/graphql", json={"extensions": persisted(SHA)})).json() == NOT_FOUND
    assert len(app.store.answers) == 0


async def test_a_persisted_mutation_runs_each_time(client: httpx.AsyncClient) -> None:
    mutation = (
        'mutation { createReport(input: { spaceId: "Spaces-1", name: "Once" }) { __typename } }'
    )
    sha = hashlib.sha256(mutation.encode()).hexdigest()
    first = await client.post("/graphql", json={"query": mutation, "extensions": persisted(sha)})
    again = await client.post("/graphql", json={"extensions": persisted(sha)})
    assert first.json() == {"data": {"createReport": {"__typename": "Report"}}}
    assert again.json() == {"data": {"createReport": {"__typename": "ValidationProblems"}}}
