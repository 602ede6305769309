"""A small hand-made store (see `tests.store.test_insights` for its hand-computed answers).

Space 1: projects Shop and Api (group Web); channels Shop/Default, Shop/Hotfix, Api/Default;
environments Test and Production; tenant Acme (Region/Europe). Space 2 holds one deployment that
must never show up in space 1's answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.ticks import parse_timestamp
from gateway.store import models
from gateway.store.facts import refresh_facts


def table(model: Any) -> Any:
    return model.__table__


# (id, release, environment, tenant, state, guided, completed)
DEPLOYMENTS = [
    (1, 1, 2, None, "Success", False, "2023-01-15T00:00:00Z"),  # history before every window
    (2, 2, 2, None, "Failed", False, "2024-03-04T10:00:00Z"),
    (3, 2, 2, None, "TimedOut", False, "2024-03-04T11:00:00Z"),
    (4, 3, 2, None, "Success", True, "2024-03-05T10:00:00Z"),  # guided failure: failed
    (5, 3, 2, None, "Success", False, "2024-03-06T10:00:00Z"),
    (6, 3, 2, None, "Queued", False, None),
    (7, 3, 2, None, "Executing", False, None),
    (8, 4, 2, None, "Success", False, "2024-03-07T10:00:00Z"),
    (9, 5, 1, 1, "Canceled", False, "2024-03-10T09:00:00Z"),
    (10, 5, 1, 1, "Success", False, "2024-03-10T10:00:00Z"),
    (11, 5, 2, None, "Success", False, "2024-03-11T00:00:00.1234567Z"),
    (12, 6, 3, None, "Success", False, "2024-03-06T00:00:00Z"),  # space 2
]
# (id, space, project, channel, version, created)
RELEASES = [
    (1, 1, 1, 1, "1.0", "2024-01-01T00:00:00Z"),
    (2, 1, 1, 1, "1.1", "2024-03-01T00:00:00Z"),
    (3, 1, 1, 1, "1.2", "2024-03-05T00:00:00Z"),
    (4, 1, 1, 2, "1.1-hotfix", "2024-03-06T00:00:00Z"),
    (5, 1, 2, 3, "2.0", "2024-03-02T00:00:00Z"),
    (6, 2, 3, 4, "9.9", "2024-03-01T00:00:00Z"),
]


async def fill_small_store(engine: AsyncEngine) -> AsyncEngine:
    """Write the small store into an empty migrated one."""
    async with engine.begin() as conn:
        inserts: list[tuple[Any, list[dict[str, Any]]]] = [
            (models.Space, [{"id": 1, "name": "Default"}, {"id": 2, "name": "Other"}]),
            (models.ProjectGroup, [
                {"id": 1, "space_id": 1, "name": "Web"},
                {"id": 2, "space_id": 2, "name": "Elsewhere"},
            ]),
            (models.Project, [
                {"id": 1, "space_id": 1, "name": "Shop", "project_group_id": 1},
                {"id": 2, "space_id": 1, "name": "Api", "project_group_id": 1},
                {"id": 3, "space_id": 2, "name": "Other", "project_group_id": 2},
            ]),
            (models.Channel, [
                {"id": 1, "space_id": 1, "project_id": 1, "name": "Default", "is_default": True},
                {"id": 2, "space_id": 1, "project_id": 1, "name": "Hotfix", "is_default": False},
                {"id": 3, "space_id": 1, "project_id": 2, "name": "Default", "is_default": True},
                {"id": 4, "space_id": 2, "project_id": 3, "name": "Default", "is_default": True},
            ]),
            (models.Environment, [
                {"id": 1, "space_id": 1, "name": "Test", "sort_order": 1},
                {"id": 2, "space_id": 1, "name": "Production", "sort_order": 2},
                {"id": 3, "space_id": 2, "name": "Live", "sort_order": 1},
            ]),
            (models.TagSet, [{"id": 1, "space_id": 1, "name": "Region"}]),
            (models.Tag, [{"tag_set_id": 1, "position": 0, "name": "Europe",
                           "canonical_name": "Region/Europe"}]),
            (models.Tenant, [{"id": 1, "space_id": 1, "name": "Acme"}]),
            (models.TenantTag, [{"tenant_id": 1, "position": 0,
                                 "canonical_name": "Region/Europe"}]),
            (models.Release, [
                {"id": i, "space_id": s, "project_id": p, "channel_id": c, "version": v,
                 "assembled": parse_timestamp(t)}
                for i, s, p, c, v, t in RELEASES
            ]),
        ]  # fmt: skip
        for model, values in inserts:
            await conn.execute(table(model).insert(), values)
        release = {r[0]: r for r in RELEASES}
        await conn.execute(
            table(models.Deployment).insert(),
            [
                {"id": i, "space_id": release[r][1], "release_id": r, "project_id": release[r][2],
                 "channel_id": release[r][3], "environment_id": e, "tenant_id": t,
                 "task_state": state, "had_guided_failure": guided,
                 "queue_time": parse_timestamp("2023-01-01T00:00:00Z"),
                 "completed_time": parse_timestamp(done) if done else None}
                for i, r, e, t, state, guided, done in DEPLOYMENTS
            ],
        )  # fmt: skip
        await refresh_facts(conn)
    return engine
