"""Errors a client sees: syntax and validation as they are, unexpected ones masked and logged;
the depth, alias, token and page size limits."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import text

from gateway.app import GatewayApp
from gateway.graphql.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.graphql.conftest import graphql
from tests.graphql.test_mutations import create


async def test_syntax_error_reaches_the_client(client: httpx.AsyncClient) -> None:
    body = await graphql(client, "{ spaces { id }")
    assert body["errors"][0]["message"].startswith("Syntax Error")
    assert body["errors"][0]["locations"]


async def test_validation_error_reaches_the_client(client: httpx.AsyncClient) -> None:
    body = await graphql(client, "{ spaces { id colour } }")
    assert body["errors"][0]["message"] == "Cannot query field 'colour' on type 'Space'."


async def test_unexpected_error_is_masked_and_logged(
    app: GatewayApp, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert app.store.engine is not None
    async with app.store.engine.begin() as connection:
        await connection.execute(text("DROP TABLE tenant_tag"))
    with caplog.at_level(logging.ERROR):
        body = await graphql(client, "{ spaces { name tenants { tags } } }")
    assert [error["message"] for error in body["errors"]] == ["Unexpected error."]
    assert "tenant_tag" not in str(body)
    logged = [record for record in caplog.records if record.exc_info]
    assert logged, "the unexpected error is logged with its traceback"
    assert "tenant_tag" in caplog.text


def nested(depth: int) -> str:
    """space > report > space > ... > name, `depth` levels below the top."""
    inner = "name"
    for level in range(depth, 1, -1):
        field = "space" if level % 2 else 'report(id: "InsightsReports-1")'
        inner = f"{field} {{ {inner} }}"
    return f'{{ space(id: "Spaces-1") {{ {inner} }} }}'


async def test_depth_limit(client: httpx.AsyncClient) -> None:
    await create(client, name="Nested")
    body = await graphql(client, nested(MAX_DEPTH + 1))
    assert body["errors"] == [
        {
            "message": f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH} "
            f"(it is {MAX_DEPTH + 1} deep).",
            "locations": [{"line": 1, "column": 1}],
            "extensions": {"code": "DEPTH_LIMIT_EXCEEDED"},
        }
    ]
    allowed = await graphql(client, nested(MAX_DEPTH))
    assert "errors" not in allowed
    innermost = allowed["data"]["space"]
    for level in range(2, MAX_DEPTH + 1):
        innermost = innermost["space" if level % 2 else "report"]
    assert innermost == {"name": "Nested"}


async def test_depth_is_measured_once_per_fragment(client: httpx.AsyncClient) -> None:
    # Each fragment spreads the one before twice: expanding every spread would visit 2^40
    # fields; measured once per fragment, the depth check costs as much as the text.
    levels = 40
    fragments = ["fragment F0 on Space { id }"] + [
        f"fragment F{n} on Space {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)
    ]
    document = f"{{ spaces {{ ...F{levels} }} }} " + " ".join(fragments)
    body = await graphql(client, document)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    shallow = "{ spaces { ...F3 } } " + " ".join(fragments[:4])
    assert (await graphql(client, shallow))["data"]["spaces"][0] == {"id": "Spaces-1"}


async def test_alias_limit(client: httpx.AsyncClient) -> None:
    allowed = " ".join(f"a{n}: spaces {{ id }}" for n in range(MAX_ALIASES))
    assert "errors" not in await graphql(client, f"{{ {allowed} }}")
    too_many = " ".join(f"a{n}: spaces {{ id }}" for n in range(MAX_ALIASES + 1))
    body = await graphql(client, f"{{ {too_many} }}")
    assert (
        body["errors"][0]["message"]
        == f"The document has {MAX_ALIASES + 1} aliases; the limit is {MAX_ALIASES}."
    )


async def test_token_limit(client: httpx.AsyncClient) -> None:
    fields = " ".join(["id"] * MAX_TOKENS)
    body = await graphql(client, f"{{ spaces {{ {fields} }} }}")
    assert body["errors"][0]["message"] == (
        f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
    )


@pytest.mark.parametrize("first", [-1, 101])
async def test_page_size_limit(client: httpx.AsyncClient, first: int) -> None:
    body = await graphql(
        client, f'{{ reports(spaceId: "Spaces-1", first: {first}) {{ totalCount }} }}'
    )
    assert body["errors"][0]["message"] == f"first must be between 0 and 100; it was {first}."
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_foreign_cursor_is_refused(client: httpx.AsyncClient) -> None:
    body = await graphql(
        client, '{ reports(spaceId: "Spaces-1", after: "bm9wZQ==") { totalCount } }'
    )
    assert body["errors"][0]["message"] == "The cursor 'bm9wZQ==' is not one this server gave out."


async def test_first_zero_counts_only(client: httpx.AsyncClient) -> None:
    body = await graphql(
        client, '{ reports(spaceId: "Spaces-1", first: 0) { totalCount nodes { id } } }'
    )
    assert body == {"data": {"reports": {"totalCount": 0, "nodes": []}}}


@pytest.mark.parametrize(
    ("method", "path", "content", "content_type", "status", "code", "message"),
    [
        ("POST", "/graphql", b"{not json", "application/json", 400, "BAD_REQUEST",
         "The request body is not valid JSON: Expecting property name enclosed in double quotes: "
         "line 1 column 2 (char 1)."),
        ("POST", "/graphql", b"{}", "application/json", 400, "BAD_REQUEST",
         "No GraphQL query found in the request"),
        ("POST", "/graphql", b"{ spaces { id } }", "text/plain", 400, "BAD_REQUEST",
         "Unsupported content type"),
        ("GET", "/graphql?query=mutation%20%7B%20x%20%7D", b"", None, 405,
         "METHOD_NOT_ALLOWED", "mutations are not allowed when using GET"),
        ("PUT", "/graphql", b"{}", "application/json", 405, "METHOD_NOT_ALLOWED",
         "Method Not Allowed"),
        ("GET", "/no-such-path", b"", None, 404, "NOT_FOUND", "Not Found"),
    ],
)  # fmt: skip
async def test_a_request_that_is_not_graphql_gets_graphql_errors_in_json(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    content: bytes,
    content_type: str | None,
    status: int,
    code: str,
    message: str,
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = await client.request(method, path, content=content, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"errors": [{"message": message, "extensions": {"code": code}}]}
    if status == 405 and method == "PUT":
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    elif status == 405:
        assert response.headers["allow"] == "POST"


async def test_head_answers_as_get_does_without_the_body(client: httpx.AsyncClient) -> None:
    query = {"query": "{ __typename }"}
    got = await client.get("/graphql", params=query)
    head = await client.head("/graphql", params=query)
    assert (head.status_code, head.headers["content-type"]) == (200, "application/json")
    assert head.headers["content-length"] == got.headers["content-length"]
    assert got.json() == {"data": {"__typename": "Query"}}
    assert head.content == b""
