"""Drills against the gateway: documents that cost more to check than their size, answers too
costly to compute, bodies that are not text or not JSON, and methods that may not carry a
mutation."""

from __future__ import annotations

import json

import httpx

from gateway.graphql.limits import MAX_COST, MAX_TOKENS
from tests.drills.conftest import Drills, graphql_error


def post(drills: Drills, document: str, variables: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    return lambda client: client.post(
        drills.gateway + "/graphql", json={"query": document, "variables": variables or {}}
    )


def code(response: httpx.Response) -> str:
    extensions: dict[str, str] = response.json()["errors"][0]["extensions"]
    return extensions["code"]


def test_fragments_spreading_each_other_twice_are_measured_once(drills: Drills) -> None:
    levels = 29
    fragments = ["fragment F0 on Space { id }"] + [
        f"fragment F{n} on Space {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)
    ]
    document = f"{{ spaces {{ ...F{levels} }} }} " + " ".join(fragments)
    answer = drills.run(
        "graphql: fragment fan-out (29 levels)",
        post(drills, document),
        status=200,
        error=graphql_error,
        within=2.0,
    )
    assert code(answer) == "COST_LIMIT_EXCEEDED"


def test_a_document_of_three_megabytes_is_refused_unread(drills: Drills) -> None:
    document = "{ spaces { id } }" + " " * (3 * 1024 * 1024)
    answer = drills.run(
        "graphql: 3 MB document", post(drills, document), status=413, error=graphql_error
    )
    assert code(answer) == "REQUEST_ENTITY_TOO_LARGE"


def test_a_document_of_too_many_tokens_is_refused_before_it_is_parsed(drills: Drills) -> None:
    document = "{ spaces { " + "id " * (MAX_TOKENS * 125) + "} }"
    answer = drills.run(
        "graphql: 250,000 tokens in 750 kB",
        post(drills, document),
        status=200,
        error=graphql_error,
        within=2.0,
    )
    assert "tokens" in answer.json()["errors"][0]["message"]


def test_twenty_aliases_of_a_costly_page_are_refused_before_they_run(drills: Drills) -> None:
    page = (
        'report(spaceId: "Spaces-1", id: "InsightsReports-1") { streams(first: 100) '
        "{ nodes { deployments { id leadTime release { version project { name } } } } } }"
    )
    document = "{ " + " ".join(f"a{n}: {page}" for n in range(20)) + " }"
    answer = drills.run(
        "graphql: 20 aliases of 100 streams", post(drills, document), status=200,
        error=graphql_error, within=2.0,
    )  # fmt: skip
    (error,) = answer.json()["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert error["extensions"]["cost"] > MAX_COST
    assert f"{MAX_COST:,}" in error["message"]


def test_a_lone_surrogate_in_variables_is_refused_and_nothing_is_created(drills: Drills) -> None:
    mutation = (
        'mutation($name: String!) { createReport(input: { spaceId: "Spaces-1", name: $name }) '
        "{ __typename } }"
    )
    body = ('{"query": ' + json.dumps(mutation) + ', "variables": {"name": "x\\ud800"}}').encode()
    answer = drills.run(
        "graphql: lone surrogate in variables",
        lambda client: client.post(
            drills.gateway + "/graphql", content=body, headers={"Content-Type": "application/json"}
        ),
        status=400,
        error=graphql_error,
    )
    assert "surrogate" in answer.json()["errors"][0]["message"]


def test_a_lone_surrogate_in_a_literal_is_a_syntax_error(drills: Drills) -> None:
    mutation = (
        'mutation { createReport(input: { spaceId: "Spaces-1", name: "x\\ud800" }) { __typename } }'
    )
    answer = drills.run(
        "graphql: lone surrogate in a literal", post(drills, mutation), status=200,
        error=graphql_error,
    )  # fmt: skip
    assert answer.json()["errors"][0]["message"].startswith("Syntax Error")


def test_deeply_nested_json_is_a_400(drills: Drills) -> None:
    answer = drills.run(
        "graphql: JSON nested 10,000 deep",
        lambda client: client.post(
            drills.gateway + "/graphql",
            content=b"[" * 10_000,
            headers={"Content-Type": "application/json"},
        ),
        status=400,
        error=graphql_error,
    )
    assert answer.json()["errors"][0]["message"].endswith("it is nested too deeply.")


def test_a_mutation_over_get_is_a_405_allowing_post(drills: Drills) -> None:
    mutation = (
        'mutation { deleteReport(spaceId: "Spaces-1", id: "InsightsReports-1") { __typename } }'
    )
    answer = drills.run(
        "graphql: mutation over GET",
        lambda client: client.get(drills.gateway + "/graphql", params={"query": mutation}),
        status=405,
        error=graphql_error,
    )
    assert answer.headers["allow"] == "POST"


CLIENT_MISTAKES = {
    "graphql: first 500": '{ reports(spaceId: "Spaces-1", first: 500) { totalCount } }',
    "graphql: foreign cursor": (
        '{ reports(spaceId: "Spaces-1", after: "bm9wZQ==") { totalCount } }'
    ),
    "graphql: unknown enum": (
        '{ report(spaceId: "Spaces-1", id: "InsightsReports-1") '
        "{ metrics(split: PLANET) { name } } }"
    ),
    "graphql: integer of 5,000 digits": (
        '{ reports(spaceId: "Spaces-1", first: ' + "9" * 5000 + ") { totalCount } }"
    ),
}


def test_client_mistakes_are_errors_logged_in_one_line(drills: Drills) -> None:
    for name, document in CLIENT_MISTAKES.items():
        drills.run(name, post(drills, document), status=200, error=graphql_error)
