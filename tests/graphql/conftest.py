"""A small hand-made store and a gateway client on it (no lifespan: the store is opened here).

Space 1 holds two projects (Shop in Web, Billing in Back office), environments Test and
Production, a Location tag set (Europe, US), tenant Acme (Location/Europe), and the history
of one stream (Shop, Default channel, Production, untenanted):

- Deployments-1: release 1.0.0 (created T0), Success at T0 + 2 h.
- Deployments-2: release 1.1.0 (created T0 + 1 d), Failed at T0 + 1 d 1 h.
- Deployments-3: release 1.1.0, Success at T0 + 1 d 3 h: recovers from Deployments-2.
Plus Deployments-4 to tenant Acme in Test (Billing 2.0.0), Success.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import GatewayApp, create_app
from gateway.insights.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, parse_timestamp
from gateway.settings import Settings
from gateway.store import models
from gateway.store.engine import session_factory
from gateway.store.facts import refresh_facts

API_KEY = "API-GRAPHQLTESTKEY0000000000000"
T0 = parse_timestamp("2026-11-02T00:00:00Z")
NOW = T0 + 10 * TICKS_PER_DAY


def deployment(
    id: int, release: models.Release, environment: int, state: str, completed: int, **extra: Any
) -> models.Deployment:
    return models.Deployment(
        id=id,
        space_id=1,
        release_id=release.id,
        project_id=release.project_id,
        channel_id=release.channel_id,
        environment_id=environment,
        task_state=state,
        queue_time=completed - TICKS_PER_HOUR,
        start_time=completed - TICKS_PER_HOUR,
        completed_time=completed,
        **extra,
    )


async def seed_small_store(engine: AsyncEngine) -> None:
    releases = [
        models.Release(id=1, space_id=1, project_id=1, channel_id=1, version="1.0.0", assembled=T0),
        models.Release(
            id=2,
            space_id=1,
            project_id=1,
            channel_id=1,
            version="1.1.0",
            assembled=T0 + TICKS_PER_DAY,
        ),
        models.Release(id=3, space_id=1, project_id=2, channel_id=2, version="2.0.0", assembled=T0),
    ]
    async with session_factory(engine)() as session:
        session.add_all(
            [
                models.Space(id=1, name="Default"),
                models.Space(id=2, name="Other"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                models.ProjectGroup(id=1, space_id=1, name="Web"),
                models.ProjectGroup(id=2, space_id=1, name="Back office"),
                models.Environment(id=1, space_id=1, name="Test", sort_order=1),
                models.Environment(id=2, space_id=1, name="Production", sort_order=2),
                models.TagSet(id=1, space_id=1, name="Location"),
                models.Tenant(id=1, space_id=1, name="Acme"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                models.Project(id=1, space_id=1, name="Shop", project_group_id=1),
                models.Project(id=2, space_id=1, name="Billing", project_group_id=2),
                models.Tag(
                    tag_set_id=1, position=0, name="Europe", canonical_name="Location/Europe"
                ),
                models.Tag(tag_set_id=1, position=1, name="US", canonical_name="Location/US"),
                models.TenantTag(tenant_id=1, position=0, canonical_name="Location/Europe"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                models.Channel(id=1, space_id=1, project_id=1, name="Default", is_default=True),
                models.Channel(id=2, space_id=1, project_id=2, name="Default", is_default=True),
            ]
        )
        await session.flush()
        session.add_all(releases)
        await session.flush()
        session.add_all(
            [
                deployment(1, releases[0], 2, "Success", T0 + 2 * TICKS_PER_HOUR),
                deployment(2, releases[1], 2, "Failed", T0 + TICKS_PER_DAY + TICKS_PER_HOUR),
                deployment(3, releases[1], 2, "Success", T0 + TICKS_PER_DAY + 3 * TICKS_PER_HOUR),
                deployment(4, releases[2], 1, "Success", T0 + 5 * TICKS_PER_HOUR, tenant_id=1),
            ]
        )
        await session.commit()
    async with engine.begin() as connection:
        await refresh_facts(connection)


@pytest.fixture
async def app(engine: AsyncEngine, database_url: str) -> AsyncIterator[GatewayApp]:
    """The gateway on the small store (the shared `engine` fixture prepared it)."""
    await seed_small_store(engine)
    gateway = create_app(
        Settings(database_url=database_url, api_keys=(API_KEY,), now=NOW, api_keys_generated=False)
    )
    await gateway.store.open()
    try:
        yield gateway
    finally:
        await gateway.store.close()


@pytest.fixture
async def client(app: GatewayApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://gateway",
        headers={"X-Octopus-ApiKey": API_KEY},
    ) as client:
        yield client


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The response body of a GraphQL request (status 200 expected)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def data(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `data` of a request that must succeed without errors."""
    body = await graphql(client, query, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result
