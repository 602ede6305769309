"""`POST /admin/reset`: a seed gives the data the seeder gives, a data file round-trips, bad input
is a 400 listing every problem, and nothing is written unless the whole reset succeeds."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from gateway.insights.ticks import parse_timestamp
from gateway.settings import Settings
from gateway.store.engine import COMPLETE, create_engine
from mock_server.app import create_app
from mock_server.openapi import openapi_document
from seed.datafile import export_store
from seed.generator import generate_into
from tests.mock_server.conftest import KEY, make_client
from tests.mock_server.world import NOW

RESET = "/admin/reset"
LATER = "2026-11-26T12:00:00Z"
COUNT_NAMES = {
    "Spaces": "space",
    "ProjectGroups": "project_group",
    "Projects": "project",
    "Channels": "channel",
    "Environments": "environment",
    "TagSets": "tag_set",
    "Tags": "tag",
    "Tenants": "tenant",
    "TenantTags": "tenant_tag",
    "Releases": "release",
    "Deployments": "deployment",
    "InsightsReports": "insights_report",
}


async def export(engine: AsyncEngine) -> str:
    out = io.StringIO()
    await export_store(engine, out)
    return out.getvalue()


async def seeded_directly(
    path: Path, *, seed: int, deployments: int, now: str
) -> tuple[str, dict[str, int], str]:
    """The store's URL, the seeder's counts and the export, for a store seeded by the seeder."""
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    try:
        summary = await generate_into(
            engine, seed=seed, deployments=deployments, now=parse_timestamp(now)
        )
        return url, summary.counts, await export(engine)
    finally:
        await engine.dispose()


def engine_of(app: Starlette) -> AsyncEngine:
    engine: AsyncEngine = app.state.resources.engine
    return engine


async def metrics_of(client: httpx.AsyncClient) -> list[Any]:
    """Every Spaces-1 report's metrics over the last year, by month, split by project."""
    listed = (await client.get("/api/Spaces-1/insights/reports", params={"take": 1000})).json()
    answers = []
    for report in listed["Items"]:
        response = await client.get(
            f"/api/Spaces-1/insights/reports/{report['Id']}/metrics",
            params={"timeRange": "LastYear", "granularity": "Monthly", "split": "Project"},
        )
        assert response.status_code == 200
        answers.append((report["Name"], response.json()))
    return answers


@pytest.mark.parametrize(
    ("body", "now"),
    [
        pytest.param({"Seed": 3, "Deployments": 400, "Unknown": True}, NOW, id="server-clock"),
        pytest.param({"Seed": 1, "Deployments": 300, "Now": LATER}, LATER, id="given-now"),
    ],
)
async def test_a_seed_gives_the_data_and_answers_of_seeding_directly(
    world: Starlette,
    client: httpx.AsyncClient,
    tmp_path: Path,
    settings: Settings,
    body: dict[str, Any],
    now: str,
) -> None:
    created = await client.post(
        "/api/Spaces-1/insights/reports", json={"SpaceId": "Spaces-1", "Name": "Before"}
    )
    assert created.status_code == 201
    url, counts, exported = await seeded_directly(
        tmp_path / "direct.db", seed=body["Seed"], deployments=body["Deployments"], now=now
    )

    response = await client.post(RESET, json=body)

    assert response.status_code == 200
    assert response.json() == {
        "Origin": f"seed generate --seed {body['Seed']} --deployments {body['Deployments']} "
        f"--now {now[:-1]}.0000000Z",
        "Counts": {name: counts[table] for name, table in COUNT_NAMES.items()},
    }
    assert await export(engine_of(world)) == exported
    # The server answers from the new data at once, exactly as a server started on it.
    reset_answers = await metrics_of(client)
    direct = create_app(Settings(database_url=url, api_keys=(KEY,), now=settings.now))
    async with (
        direct.router.lifespan_context(direct),
        make_client(direct, {"X-Octopus-ApiKey": KEY}) as direct_client,
    ):
        assert reset_answers == await metrics_of(direct_client)
    assert "Before" not in [name for name, _ in reset_answers]
    assert len(reset_answers) == sum(
        r["SpaceId"] == "Spaces-1" for r in json.loads(exported)["InsightsReports"]
    )


async def test_a_data_file_round_trips(
    world: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    _url, _counts, exported = await seeded_directly(
        tmp_path / "source.db", seed=5, deployments=300, now=NOW
    )
    document = json.loads(exported)

    response = await client.post(RESET, json={"DataFile": document})

    assert response.status_code == 200
    answer = response.json()
    assert answer["Origin"] == "admin reset: data file"
    for name in ("Spaces", "Projects", "Releases", "Deployments", "InsightsReports"):
        assert answer["Counts"][name] == len(document[name])
    assert await export(engine_of(world)) == exported
    first = document["InsightsReports"][0]
    served = await client.get(f"/api/{first['SpaceId']}/insights/reports/{first['Id']}")
    assert served.json()["Name"] == first["Name"]


BROKEN_FILE = {
    "FormatVersion": 1,
    "Spaces": [{"Id": "Spaces-1", "Name": "Default"}],
    "Projects": [
        {
            "Id": "Projects-1",
            "SpaceId": "Spaces-1",
            "Name": "Shop",
            "ProjectGroupId": "ProjectGroups-1",
        }
    ],
    "InsightsReports": [
        {"Id": "InsightsReports-1", "SpaceId": "Spaces-1", "Name": "R", "TimeZone": "Mars/Olympus"},
        {"Id": "InsightsReports-2", "SpaceId": "Spaces-1", "Name": "r"},
    ],
}


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        pytest.param(
            b"{",
            [
                "The request body is not valid JSON: Expecting property name enclosed in "
                "double quotes: line 1 column 2 (char 1)."
            ],
            id="not-json",
        ),
        pytest.param(
            [{"Seed": 1}], ["The request body must be a JSON object, not an array."], id="array"
        ),
        pytest.param(
            {"Deployments": 10},
            ["Give Seed (with Deployments and Now, both optional) or DataFile."],
            id="neither",
        ),
        pytest.param(
            {"Seed": 1, "DataFile": {"FormatVersion": 1}},
            ["Give Seed or DataFile, not both."],
            id="both",
        ),
        pytest.param(
            {"Seed": "1", "Deployments": 1.5, "Now": "yesterday"},
            [
                'Seed must be a whole number of 0 or more, not "1".',
                "Deployments must be a whole number from 0 to 1,000,000, not 1.5.",
                "Now must be an ISO 8601 timestamp with a time zone from 1900-01-01 to "
                '9000-01-01 (UTC), like 2026-11-26T12:00:00Z; "yesterday" is not one.',
            ],
            id="wrong-types",
        ),
        pytest.param(
            {"Seed": 1, "Now": "9999-12-31T00:00:00Z"},
            [
                "Now must be an ISO 8601 timestamp with a time zone from 1900-01-01 to "
                '9000-01-01 (UTC), like 2026-11-26T12:00:00Z; "9999-12-31T00:00:00Z" is not one.'
            ],
            id="now-at-the-end-of-the-calendar",
        ),
        pytest.param(
            {"Seed": 1, "Now": "0001-01-01T00:00:00Z"},
            [
                "Now must be an ISO 8601 timestamp with a time zone from 1900-01-01 to "
                '9000-01-01 (UTC), like 2026-11-26T12:00:00Z; "0001-01-01T00:00:00Z" is not one.'
            ],
            id="now-at-the-start-of-the-calendar",
        ),
        pytest.param(
            {"Seed": -1, "Deployments": 1_000_001},
            [
                "Seed must be a whole number of 0 or more, not -1.",
                "Deployments must be a whole number from 0 to 1,000,000, not 1000001.",
            ],
            id="out-of-range",
        ),
        pytest.param(
            {"Seed": True}, ["Seed must be a whole number of 0 or more, not true."], id="boolean"
        ),
        pytest.param(
            {"DataFile": BROKEN_FILE, "Now": LATER},
            ["Now goes with Seed; a DataFile brings its own data."],
            id="now-with-a-data-file",
        ),
        pytest.param(
            {"DataFile": "data.json"}, ["the data file must be a JSON object"], id="file-name"
        ),
        pytest.param(
            {"DataFile": BROKEN_FILE},
            [
                "Projects[0].ProjectGroupId: ProjectGroups-1 does not exist in Spaces-1",
                "InsightsReports[0]: TimeZone 'Mars/Olympus' is not a Windows or IANA time "
                "zone name.",
                "InsightsReports[1]: The Name 'r' is already used by another report in Spaces-1.",
            ],
            id="data-file-with-problems",
        ),
    ],
)
async def test_bad_input_is_400_with_every_problem_and_changes_nothing(
    world: Starlette, client: httpx.AsyncClient, content: Any, problems: list[str]
) -> None:
    before = await export(engine_of(world))
    raw = content if isinstance(content, bytes) else json.dumps(content).encode()

    response = await client.post(RESET, content=raw, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json() == {
        "ErrorMessage": "There was a problem with your request.",
        "Errors": problems,
    }
    assert await export(engine_of(world)) == before


async def test_a_failed_write_leaves_the_old_store(
    world: Starlette, client: httpx.AsyncClient
) -> None:
    engine = engine_of(world)
    if engine.dialect.name != "sqlite":
        pytest.skip("the write is made to fail by a SQLite trigger")
    before = await export(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON deployment "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
        )

    response = await client.post(RESET, json={"Seed": 1, "Deployments": 100})

    assert response.status_code == 500
    async with engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER refuse"))
    assert await export(engine) == before
    assert (await client.get("/admin/health")).json()["Store"] == COMPLETE


async def test_reset_needs_the_key(
    world: Starlette, anonymous: httpx.AsyncClient, tmp_path: Path
) -> None:
    before = await export(engine_of(world))
    body = {"Seed": 1, "Deployments": 100}

    refused = await anonymous.post(RESET, json=body, params={"apikey": KEY + "X"})

    assert refused.status_code == 401
    assert await export(engine_of(world)) == before
    accepted = await anonymous.post(RESET, json=body, params={"apikey": KEY})
    assert accepted.status_code == 200
    assert await export(engine_of(world)) != before


async def test_reset_is_post_only_and_not_in_the_api_document(client: httpx.AsyncClient) -> None:
    response = await client.get(RESET)
    assert response.status_code == 405
    assert response.json()["ErrorMessage"] == "The method GET is not allowed on this resource."
    assert not [path for path in openapi_document()["paths"] if path.startswith("/admin")]
