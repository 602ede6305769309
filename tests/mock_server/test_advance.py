"""`POST /admin/advance`: a generated history goes on consistently, all or nothing."""

from __future__ import annotations

import io
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from gateway.insights.ticks import TICKS_PER_DAY, TICKS_PER_SECOND, parse_timestamp
from gateway.settings import Settings
from gateway.store.engine import create_engine
from gateway.store.facts import refresh_facts
from gateway.store.generation import read_generation
from gateway.store.models import Deployment
from mock_server.app import create_app
from seed import continuation
from seed.datafile import export_store
from seed.generator import generate_into
from tests.mock_server.conftest import KEY, make_client

NOW = "2026-11-26T12:00:00Z"
ADVANCE = "/admin/advance"
UNFINISHED = {"Queued", "Executing", "Cancelling"}


async def generated_app(
    path: Path, *, history_end: int | None = None, real_clock: bool = False
) -> Starlette:
    """A server with a fixed clock at NOW (or the real one) on a store generated to NOW (or to
    `history_end`)."""
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    end = parse_timestamp(NOW) if history_end is None else history_end
    try:
        await generate_into(engine, seed=3, deployments=600, now=end)
    finally:
        await engine.dispose()
    fixed = None if real_clock else parse_timestamp(NOW)
    settings = Settings(database_url=url, api_keys=(KEY,), api_keys_generated=False, now=fixed)
    return create_app(settings)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = await generated_app(tmp_path / "store.db")
    async with (
        app.router.lifespan_context(app),
        make_client(app, {"X-Octopus-ApiKey": KEY}) as client,
    ):
        yield app, client


def engine_of(app: Starlette) -> AsyncEngine:
    engine: AsyncEngine = app.state.resources.engine
    return engine


async def exported(app: Starlette) -> dict[str, Any]:
    out = io.StringIO()
    await export_store(engine_of(app), out)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


async def advance(client: httpx.AsyncClient, days: int) -> dict[str, Any]:
    response = await client.post(ADVANCE, json={"Days": days})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_the_history_goes_on_after_its_end_and_keeps_what_was_there(
    served: tuple[Starlette, httpx.AsyncClient],
) -> None:
    app, client = served
    before = await exported(app)
    answer = await advance(client, 5)
    after = await exported(app)
    end = parse_timestamp(NOW) + 5 * TICKS_PER_DAY
    assert answer["HistoryEnd"] == "2026-12-01T12:00:00.0000000Z"

    old = {d["Id"]: d for d in before["Deployments"]}
    new = {d["Id"]: d for d in after["Deployments"]}
    moved = 0
    for number, deployment in old.items():
        now = new[number]
        if deployment["TaskState"] in UNFINISHED:
            fixed = ("ReleaseId", "EnvironmentId", "TenantId", "QueueTime")
            assert {k: now[k] for k in fixed} == {k: deployment[k] for k in fixed}
            moved += now["TaskState"] != deployment["TaskState"]
        else:
            assert now == deployment
    assert moved == answer["TasksMovedOn"] > 0
    added = [d for d in after["Deployments"] if d["Id"] not in old]
    assert len(added) == answer["Added"]["Deployments"] > 0
    assert all(parse_timestamp(NOW) < parse_timestamp(d["QueueTime"]) <= end for d in added)
    ids = [int(d["Id"].split("-")[1]) for d in after["Deployments"]]
    assert ids == list(range(1, len(ids) + 1))
    releases = after["Releases"]
    assert releases[: len(before["Releases"])] == before["Releases"]
    assert len(releases) - len(before["Releases"]) == answer["Added"]["Releases"]
    finished = [d for d in after["Deployments"] if d["CompletedTime"] is not None]
    assert all(parse_timestamp(d["CompletedTime"]) <= end for d in finished)
    for key in ("Spaces", "Projects", "Channels", "Environments", "Tenants", "InsightsReports"):
        assert after[key] == before[key]


async def test_two_steps_reach_what_one_does(tmp_path: Path) -> None:
    exports = []
    for name, steps in (("two", [2, 3]), ("one", [5])):
        app = await generated_app(tmp_path / f"{name}.db")
        async with app.router.lifespan_context(app):
            async with make_client(app, {"X-Octopus-ApiKey": KEY}) as client:
                for days in steps:
                    await advance(client, days)
            exports.append(await exported(app))
    assert exports[0] == exports[1]


async def test_facts_are_those_a_fresh_computation_gives(
    served: tuple[Starlette, httpx.AsyncClient],
) -> None:
    app, client = served
    await advance(client, 9)
    async with engine_of(app).begin() as connection:
        assert await refresh_facts(connection) == 0


async def test_the_server_answers_from_the_grown_history_at_once(
    served: tuple[Starlette, httpx.AsyncClient],
) -> None:
    app, client = served
    async with engine_of(app).connect() as connection:
        generation = await read_generation(connection)
    first = (await client.get("/api/tasks?take=1")).json()
    clock = (await client.get("/admin/health")).json()["Now"]
    answer = await advance(client, 3)
    later = (await client.get("/api/tasks?take=1")).json()
    assert later["TotalResults"] == first["TotalResults"] + answer["Added"]["Deployments"]
    async with engine_of(app).connect() as connection:
        assert await read_generation(connection) > generation
    # The fixed clock moves with the history.
    assert clock == "2026-11-26T12:00:00.0000000Z"
    assert (
        (await client.get("/admin/health")).json()["Now"]
        == answer["Now"]
        == ("2026-11-29T12:00:00.0000000Z")
    )


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        pytest.param(
            {}, ["Days is required: how many days to advance by, from 1 to 366."], id="none"
        ),
        pytest.param({"Days": 0}, ["Days must be a whole number from 1 to 366, not 0."], id="zero"),
        pytest.param(
            {"Days": 367}, ["Days must be a whole number from 1 to 366, not 367."], id="too-many"
        ),
        pytest.param(
            {"Days": "3"}, ['Days must be a whole number from 1 to 366, not "3".'], id="text"
        ),
        pytest.param(
            {"Days": 1.5}, ["Days must be a whole number from 1 to 366, not 1.5."], id="half"
        ),
        pytest.param([3], ["The request body must be a JSON object, not an array."], id="array"),
    ],
)
async def test_bad_input_is_a_400_and_changes_nothing(
    served: tuple[Starlette, httpx.AsyncClient], body: Any, problems: list[str]
) -> None:
    app, client = served
    before = await exported(app)
    response = await client.post(ADVANCE, json=body)
    assert response.status_code == 400
    assert response.json()["Errors"] == problems
    assert await exported(app) == before


async def test_an_imported_store_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(ADVANCE, json={"Days": 1})
    assert response.status_code == 400
    (problem,) = response.json()["Errors"]
    assert problem.startswith("only a generated history can be advanced")


async def test_a_store_changed_by_hand_is_refused_whole(
    served: tuple[Starlette, httpx.AsyncClient],
) -> None:
    app, client = served
    table = Deployment.__table__  # type: ignore[attr-defined]
    async with engine_of(app).begin() as connection:
        await connection.execute(delete(table).where(table.c.id == 7))
    before = await exported(app)
    response = await client.post(ADVANCE, json={"Days": 2})
    assert response.status_code == 400
    assert "not the history its generation settings give" in response.json()["Errors"][0]
    assert await exported(app) == before


async def test_a_failure_while_writing_leaves_the_store_as_it_was(
    served: tuple[Starlette, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = served
    before = await exported(app)

    async def failing(*_args: Any, **_kwargs: Any) -> int:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(continuation, "refresh_facts", failing)
    response = await client.post(ADVANCE, json={"Days": 2})
    assert response.status_code == 500
    assert await exported(app) == before


async def test_a_real_clock_is_not_overtaken(tmp_path: Path) -> None:
    real_now = time.time_ns() // 100
    app = await generated_app(
        tmp_path / "store.db", history_end=real_now - 3 * TICKS_PER_DAY, real_clock=True
    )
    async with (
        app.router.lifespan_context(app),
        make_client(app, {"X-Octopus-ApiKey": KEY}) as client,
    ):
        assert (await client.post(ADVANCE, json={"Days": 2})).status_code == 200
        response = await client.post(ADVANCE, json={"Days": 2})
        clock = parse_timestamp((await client.get("/admin/health")).json()["Now"])
    assert response.status_code == 400
    assert "after the server's clock" in response.json()["Errors"][0]
    assert abs(clock - time.time_ns() // 100) < 600 * TICKS_PER_SECOND
