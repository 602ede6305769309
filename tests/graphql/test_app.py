"""Auth (the mock server's API keys), GraphiQL served offline, the SDL file, the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from graphql import (
    GraphQLSchema,
    is_enum_type,
    is_input_object_type,
    is_object_type,
    parse,
    validate,
)

from gateway.__main__ import SCHEMA_FILE, export_schema, main, parser, schema_sdl
from gateway.app import GatewayApp
from gateway.graphql.ide import EXAMPLES, STATIC_DIRECTORY, graphiql_html
from gateway.graphql.schema import schema
from gateway.settings import settings_from_arguments
from tests.graphql.conftest import API_KEY

QUERY = {"query": "{ spaces { id } }"}
UNAUTHENTICATED = (
    "You must be logged in to perform this action. Please provide a valid API key or log in again."
)


@pytest.fixture
async def anonymous(app: GatewayApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        pytest.param({}, {}, id="no-key"),
        pytest.param({"X-Octopus-ApiKey": "API-WRONG"}, {}, id="wrong-header"),
        pytest.param({}, {"apikey": "API-WRONG"}, id="wrong-parameter"),
        pytest.param({"X-Octopus-ApiKey": ""}, {}, id="empty-header"),
    ],
)
async def test_requests_without_a_valid_key_are_refused(
    anonymous: httpx.AsyncClient, headers: dict[str, str], params: dict[str, str]
) -> None:
    async with anonymous:
        response = await anonymous.post("/graphql", json=QUERY, headers=headers, params=params)
        page = await anonymous.get("/graphql", headers={"Accept": "text/html", **headers})
    assert response.status_code == 401
    assert response.json() == {
        "errors": [{"message": UNAUTHENTICATED, "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert page.status_code == 401


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        pytest.param({"X-Octopus-ApiKey": API_KEY}, {}, id="header"),
        pytest.param({}, {"apikey": API_KEY}, id="parameter"),
    ],
)
async def test_a_valid_key_by_header_or_parameter(
    anonymous: httpx.AsyncClient, headers: dict[str, str], params: dict[str, str]
) -> None:
    async with anonymous:
        response = await anonymous.post("/graphql", json=QUERY, headers=headers, params=params)
    assert response.status_code == 200
    assert response.json() == {"data": {"spaces": [{"id": "Spaces-1"}, {"id": "Spaces-2"}]}}


async def test_graphiql_works_offline_with_examples(anonymous: httpx.AsyncClient) -> None:
    async with anonymous:
        page = await anonymous.get(
            "/graphql", params={"apikey": API_KEY}, headers={"Accept": "text/html"}
        )
        assert page.status_code == 200
        html = page.text
        # Nothing is loaded from another host.
        assert not re.search(r"""(src|href)="(https?:)?//""", html)
        assets = re.findall(r"""(?:src|href)="(/static/graphiql/[^"]+)\"""", html)
        assert len(assets) == 6
        for asset in assets:
            response = await anonymous.get(asset)  # public: no key
            assert response.status_code == 200, asset
            assert response.content == (STATIC_DIRECTORY / asset.rsplit("/", 1)[1]).read_bytes()
        for name in ("query Dashboard", "query DrillDown", "query Reports", "query Metrics",
                     "query Streams", "mutation CreateReport"):  # fmt: skip
            assert name in html
        home = await anonymous.get("/", params={"apikey": API_KEY})
        assert home.status_code == 307
        assert home.headers["location"] == f"/graphql?apikey={API_KEY}"


def test_every_example_tab_is_valid_against_the_schema() -> None:
    for example in EXAMPLES:
        assert validate(schema._schema, parse(example["query"])) == [], example["query"]
        assert isinstance(json.loads(example["variables"]), dict)


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_queries_are_valid_against_the_schema() -> None:
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 2
    for block in blocks:
        assert validate(schema._schema, parse(block)) == [], block
    assert "query Dashboard" in blocks[0]
    for field in ("summary", "level", "trend", "metrics", "key"):
        assert re.search(rf"\b{field}\b", blocks[0]), field


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="no node to run the page's script")
def test_graphiql_opens_its_first_tab_with_its_variables() -> None:
    # The page's own function, run with the storage a first and a later visit find.
    script = re.search(r"function firstVisitProps\(.*?\n      }\n", graphiql_html(), re.DOTALL)
    assert script is not None
    probe = """
    const examples = [{ query: "query A { x }", variables: '{"spaceId": "Spaces-1"}' }];
    const empty = { getItem: () => null };
    const visited = { getItem: () => '{"activeTabIndex": 0, "tabs": []}' };
    const blocked = { getItem: () => { throw new Error("denied"); } };
    console.log(JSON.stringify([
      firstVisitProps(examples, null),
      firstVisitProps(examples, empty),
      firstVisitProps(examples, visited),
      firstVisitProps(examples, blocked),
    ]));
    """
    assert NODE is not None
    result = subprocess.run(
        [NODE, "-e", script.group(0) + probe],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    first = {"variables": '{"spaceId": "Spaces-1"}'}
    assert json.loads(result.stdout) == [first, first, {}, first]
    assert json.loads(EXAMPLES[0]["variables"]) == {
        "spaceId": "Spaces-1",
        "reportId": "InsightsReports-1",
    }


def test_the_sdl_file_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "gateway/graphql/schema.graphql is out of date: run `python -m gateway export-schema`"
    )


def test_export_schema_check(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert export_schema(target, check=True) == 1
    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_sdl()
    assert export_schema(target, check=True) == 0


def test_everything_is_described() -> None:
    graphql_schema: GraphQLSchema = schema._schema
    missing: list[str] = []
    for name, type_ in graphql_schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not type_.description:
            missing.append(name)
        if is_object_type(type_) or is_input_object_type(type_):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.append(f"{name}.{field_name}({argument_name})")
        if is_enum_type(type_):
            for value_name, value in type_.values.items():
                if not value.description:
                    missing.append(f"{name}.{value_name}")
                if value_name != value_name.upper():
                    missing.append(f"{name}.{value_name} is not UPPER_CASE")
    assert missing == []


def test_cli_flags_override_the_environment() -> None:
    arguments = parser().parse_args(
        ["--port", "9001", "--api-key", "API-A,API-B", "--now", "2026-11-26T12:00:00Z"]
    )
    settings = settings_from_arguments(
        arguments, {"INSIGHTS_PORT": "7000", "INSIGHTS_HOST": "0.0.0.0"}, default_port=8080
    )
    assert (settings.host, settings.port) == ("0.0.0.0", 9001)
    assert settings.api_keys == ("API-A", "API-B")
    assert settings.now is not None
    defaults = settings_from_arguments(parser().parse_args([]), {}, default_port=8080)
    assert defaults.port == 8080
    assert defaults.api_keys_generated
