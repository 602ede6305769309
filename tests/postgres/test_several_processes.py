"""Two mock servers (one with two uvicorn workers) and a gateway, each its own process, on one
PostgreSQL database: what one writes the others read, and racing creates lose nothing."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.engine import session_factory
from gateway.store.models import Space
from tests.postgres.servers import GATEWAY_APP, MOCK_APP, Server, environment, run_to_exit, uvicorn

pytestmark = pytest.mark.multiprocess

KEY = "API-SEVERALPROCESSES0000000000"
NOW = "2026-11-26T12:00:00Z"
REPORTS = "/api/Spaces-1/insights/reports"
HEADERS = {"X-Octopus-ApiKey": KEY}
CREATES = 100


def _needs_mock_server() -> None:
    if importlib.util.find_spec("mock_server.app") is None:
        pytest.skip("the mock server is not in this tree")


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip(
            "several processes share one database only on a server: "
            "set INSIGHTS_TEST_DATABASE_URL to a PostgreSQL database (make test-postgres)"
        )
    return database_url


@dataclass(frozen=True)
class Fleet:
    mock_a: Server
    mock_b: Server
    gateway: Server


@pytest.fixture
async def fleet(engine: AsyncEngine, postgres_url: str) -> AsyncIterator[Fleet]:
    _needs_mock_server()
    async with session_factory(engine)() as session:
        session.add(Space(id=1, name="Default"))
        await session.commit()
    env = environment(postgres_url, KEY, NOW)

    def start() -> tuple[ExitStack, Fleet]:
        stack = ExitStack()
        try:
            fleet = Fleet(
                mock_a=stack.enter_context(uvicorn(MOCK_APP, env, workers=2)),
                mock_b=stack.enter_context(uvicorn(MOCK_APP, env)),
                gateway=stack.enter_context(uvicorn(GATEWAY_APP, env)),
            )
        except BaseException:
            stack.close()
            raise
        return stack, fleet

    stack, started = await asyncio.to_thread(start)
    try:
        yield started
    finally:
        await asyncio.to_thread(stack.close)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=CREATES)
    async with httpx.AsyncClient(headers=HEADERS, timeout=60, limits=limits) as http:
        yield http


async def _graphql(
    client: httpx.AsyncClient, gateway: Server, query: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        gateway.url + "/graphql", json={"query": query, "variables": variables}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


_REPORTS_QUERY = """
query ($after: String) {
  reports(spaceId: "Spaces-1", first: 100, after: $after) {
    totalCount
    nodes { id name description }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _gateway_reports(
    client: httpx.AsyncClient, gateway: Server
) -> tuple[int, dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        page = (await _graphql(client, gateway, _REPORTS_QUERY, after=after))["reports"]
        found.update({node["id"]: node for node in page["nodes"]})
        if not page["pageInfo"]["hasNextPage"]:
            return page["totalCount"], found
        after = page["pageInfo"]["endCursor"]


async def _mock_reports(client: httpx.AsyncClient, mock: Server) -> dict[str, dict[str, Any]]:
    response = await client.get(mock.url + REPORTS, params={"take": 2147483647})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["TotalResults"] == len(body["Items"])
    return {item["Id"]: item for item in body["Items"]}


async def test_what_one_process_writes_the_others_read(
    fleet: Fleet, client: httpx.AsyncClient
) -> None:
    created = await client.post(
        fleet.mock_a.url + REPORTS,
        json={"SpaceId": "Spaces-1", "Name": "Shared", "Description": "written through A"},
    )
    assert created.status_code == 201, created.text
    report_id = created.json()["Id"]

    through_b = await client.get(f"{fleet.mock_b.url}{REPORTS}/{report_id}")
    assert through_b.status_code == 200
    assert through_b.json()["Description"] == "written through A"
    total, through_gateway = await _gateway_reports(client, fleet.gateway)
    assert total == 1
    assert through_gateway[report_id]["name"] == "Shared"

    changed = await _graphql(
        client,
        fleet.gateway,
        """mutation ($id: ID!) {
          updateReport(id: $id,
                       input: {spaceId: "Spaces-1", name: "Renamed", description: "by the gateway"})
          { __typename ... on Report { name } }
        }""",
        id=report_id,
    )
    assert changed["updateReport"] == {"__typename": "Report", "name": "Renamed"}
    for mock in (fleet.mock_a, fleet.mock_b):
        again = (await client.get(f"{mock.url}{REPORTS}/{report_id}")).json()
        assert (again["Name"], again["Description"]) == ("Renamed", "by the gateway")

    deleted = await client.delete(f"{fleet.mock_b.url}{REPORTS}/{report_id}")
    assert deleted.status_code == 200
    gone = await _graphql(
        client,
        fleet.gateway,
        'query ($id: ID!) { report(spaceId: "Spaces-1", id: $id) { id } }',
        id=report_id,
    )
    assert gone == {"report": None}
    assert (await client.get(f"{fleet.mock_a.url}{REPORTS}/{report_id}")).status_code == 404


async def test_concurrent_creates_through_two_servers_lose_nothing(
    fleet: Fleet, client: httpx.AsyncClient
) -> None:
    async def create(number: int) -> httpx.Response:
        mock = fleet.mock_a if number % 2 else fleet.mock_b
        return await client.post(
            mock.url + REPORTS, json={"SpaceId": "Spaces-1", "Name": f"Report {number:03d}"}
        )

    responses = await asyncio.gather(*(create(number) for number in range(CREATES)))
    assert [response.status_code for response in responses] == [201] * CREATES, [
        response.text for response in responses if response.status_code != 201
    ][:3]
    ids = {response.json()["Id"] for response in responses}
    assert ids == {f"InsightsReports-{number}" for number in range(1, CREATES + 1)}

    names = {f"Report {number:03d}" for number in range(CREATES)}
    for mock in (fleet.mock_a, fleet.mock_b):
        listed = await _mock_reports(client, mock)
        assert set(listed) == ids
        assert {item["Name"] for item in listed.values()} == names
    total, through_gateway = await _gateway_reports(client, fleet.gateway)
    assert total == CREATES
    assert set(through_gateway) == ids


async def test_concurrent_creates_of_one_name_through_two_servers_keep_one(
    fleet: Fleet, client: httpx.AsyncClient
) -> None:
    async def create(number: int) -> httpx.Response:
        mock = fleet.mock_a if number % 2 else fleet.mock_b
        return await client.post(mock.url + REPORTS, json={"SpaceId": "Spaces-1", "Name": "Same"})

    responses = await asyncio.gather(*(create(number) for number in range(20)))
    assert sorted(response.status_code for response in responses) == [201] + [400] * 19
    assert [item["Name"] for item in (await _mock_reports(client, fleet.mock_b)).values()] == [
        "Same"
    ]


@pytest.mark.parametrize("app", [MOCK_APP, GATEWAY_APP], ids=["mock_server", "gateway"])
def test_servers_refuse_to_start_on_an_unmigrated_store(database_url: str, app: str) -> None:
    if app == MOCK_APP:
        _needs_mock_server()
    # The database fixture is empty (PostgreSQL) or absent (a SQLite file): no migration ran.
    returncode, output = run_to_exit(app, environment(database_url, KEY, NOW))
    assert returncode != 0
    assert "holds no insights store yet" in output or "there is no store at" in output
    assert "python -m seed migrate" in output
