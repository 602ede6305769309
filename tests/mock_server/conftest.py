"""A mock server on a fresh store per test, and a client whose every response is checked
against the OpenAPI document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from gateway.insights.ticks import parse_timestamp
from gateway.settings import Settings
from mock_server.app import create_app
from tests.mock_server.contract import check_response
from tests.mock_server.world import NOW, write_world

KEY = "API-TESTKEY0000000000000000000"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        api_keys=(KEY,),
        api_keys_generated=False,
        now=parse_timestamp(NOW),
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    # ASGITransport runs no lifespan: run it here, around the test.
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def world(app: Starlette) -> Starlette:
    await write_world(app.state.resources.engine)
    return app


async def _check(response: httpx.Response) -> None:
    await response.aread()
    check_response(response)


def make_client(app: Starlette, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers=headers,
        event_hooks={"response": [_check]},
    )


@pytest.fixture
async def client(world: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(world, {"X-Octopus-ApiKey": KEY}) as http:
        yield http


@pytest.fixture
async def anonymous(world: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(world) as http:
        yield http


@pytest.fixture
def reference_text() -> str | None:
    """The REST reference, found in a `shared` folder beside the repository or above it."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "shared" / "octopus-insights-api.md"
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return None
