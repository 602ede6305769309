"""A small Octopus world written straight into a store, small enough to compute by hand.

now = 2022-08-20T12:00:00Z (a Saturday). Space 1 "Default":
  Shop (Web, Channels-1 "Default") to Production, untenanted:
    Releases-1 1.0.0 created 08-01 09:00; Deployments-1 Success 08-01 10:00    lead 1:00:00
    Releases-2 1.0.1 created 08-02 09:00; Deployments-2 Failed  08-02 10:00
                                          Deployments-3 Success 08-02 12:00    lead 3:00:00,
                                          since Deployments-1 26:00:00, recovered from
                                          Deployments-2 after 2:00:00 and 1 failed deployment
                                          Deployments-5 Canceled 08-04 00:00   shown, not counted
                                          Deployments-6 Executing              never shown
  Api (Services, Channels-2 "Default") to Test, tenant Acme (Location/Europe):
    Releases-3 2.0.0 created 08-03 00:00; Deployments-4 Success 08-03 01:30:00.1234567
                                                                             lead 1:30:00.1234567
Space 2 "Other" has nothing but itself.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from gateway.insights.ticks import parse_timestamp
from gateway.store.facts import refresh_facts
from gateway.store.models import (
    Channel,
    Deployment,
    Environment,
    Project,
    ProjectGroup,
    Release,
    Space,
    Tag,
    TagSet,
    Tenant,
    TenantTag,
)

NOW = "2022-08-20T12:00:00Z"


def t(text: str) -> int:
    return parse_timestamp(text)


def _deployment(
    number: int,
    release: int,
    project: int,
    channel: int,
    environment: int,
    tenant: int | None,
    state: str,
    completed: str | None,
) -> Deployment:
    queued = t("2022-08-01T00:00:00Z")
    return Deployment(
        id=number,
        space_id=1,
        release_id=release,
        project_id=project,
        channel_id=channel,
        environment_id=environment,
        tenant_id=tenant,
        task_state=state,
        had_guided_failure=False,
        queue_time=queued,
        start_time=None if completed is None else queued,
        completed_time=None if completed is None else t(completed),
    )


def rows() -> list[list[SQLModel]]:
    """Rows in the order their foreign keys need."""
    return [
        [Space(id=1, name="Default"), Space(id=2, name="Other")],
        [
            ProjectGroup(id=1, space_id=1, name="Web"),
            ProjectGroup(id=2, space_id=1, name="Services"),
            Environment(id=1, space_id=1, name="Test", sort_order=1),
            Environment(id=2, space_id=1, name="Production", sort_order=2),
            TagSet(id=1, space_id=1, name="Location"),
            Tenant(id=1, space_id=1, name="Acme"),
            Tenant(id=2, space_id=1, name="Globex"),
        ],
        [
            Project(id=1, space_id=1, name="Shop", project_group_id=1),
            Project(id=2, space_id=1, name="Api", project_group_id=2),
            Tag(tag_set_id=1, position=0, name="Europe", canonical_name="Location/Europe"),
            Tag(tag_set_id=1, position=1, name="US", canonical_name="Location/US"),
            TenantTag(tenant_id=1, position=0, canonical_name="Location/Europe"),
        ],
        [
            Channel(id=1, space_id=1, project_id=1, name="Default", is_default=True),
            Channel(id=2, space_id=1, project_id=2, name="Default", is_default=True),
        ],
        [
            Release(
                id=1,
                space_id=1,
                project_id=1,
                channel_id=1,
                version="1.0.0",
                assembled=t("2022-08-01T09:00:00Z"),
            ),
            Release(
                id=2,
                space_id=1,
                project_id=1,
                channel_id=1,
                version="1.0.1",
                assembled=t("2022-08-02T09:00:00Z"),
            ),
            Release(
                id=3,
                space_id=1,
                project_id=2,
                channel_id=2,
                version="2.0.0",
                assembled=t("2022-08-03T00:00:00Z"),
            ),
        ],
        [
            _deployment(1, 1, 1, 1, 2, None, "Success", "2022-08-01T10:00:00Z"),
            _deployment(2, 2, 1, 1, 2, None, "Failed", "2022-08-02T10:00:00Z"),
            _deployment(3, 2, 1, 1, 2, None, "Success", "2022-08-02T12:00:00Z"),
            _deployment(4, 3, 2, 2, 1, 1, "Success", "2022-08-03T01:30:00.1234567Z"),
            _deployment(5, 2, 1, 1, 2, None, "Canceled", "2022-08-04T00:00:00Z"),
            _deployment(6, 2, 1, 1, 2, None, "Executing", None),
        ],
    ]


async def write_world(engine: AsyncEngine) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine) as session:
        for batch in rows():
            session.add_all(batch)
            await session.flush()
        await session.commit()
    async with engine.begin() as connection:
        await refresh_facts(connection)
