"""A space's catalogue (what reports name: groups, projects, environments, tenants, tags), read
for the insights core. Each query takes an `AsyncConnection` or an `AsyncSession`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    SpaceCatalogue,
    TagInfo,
    TagSetInfo,
    TenantInfo,
)
from gateway.insights.errors import NotFound
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.report import Report
from gateway.store.models import (
    Environment,
    Project,
    ProjectGroup,
    Space,
    Tag,
    TagSet,
    Tenant,
    TenantTag,
)

Executor = AsyncConnection | AsyncSession

_space = Space.__table__  # type: ignore[attr-defined]
_project_group = ProjectGroup.__table__  # type: ignore[attr-defined]
_project = Project.__table__  # type: ignore[attr-defined]
_environment = Environment.__table__  # type: ignore[attr-defined]
_tag_set = TagSet.__table__  # type: ignore[attr-defined]
_tag = Tag.__table__  # type: ignore[attr-defined]
_tenant = Tenant.__table__  # type: ignore[attr-defined]
_tenant_tag = TenantTag.__table__  # type: ignore[attr-defined]


async def rows_of(conn: Executor, statement: Select[Any]) -> list[Any]:
    return list((await conn.execute(statement)).all())


async def load_catalogue(conn: Executor, *, space_id: int) -> SpaceCatalogue:
    """Everything of a space that reports name; raises `NotFound` for an unknown space."""
    if not await rows_of(conn, select(_space.c.id).where(_space.c.id == space_id)):
        raise NotFound(f"The space {format_id(Kind.SPACE, space_id)!r} was not found.")
    groups = await rows_of(
        conn,
        select(_project_group.c.id, _project_group.c.name).where(
            _project_group.c.space_id == space_id
        ),
    )
    projects = await rows_of(
        conn,
        select(_project.c.id, _project.c.name, _project.c.project_group_id).where(
            _project.c.space_id == space_id
        ),
    )
    environments = await rows_of(
        conn,
        select(_environment.c.id, _environment.c.name, _environment.c.sort_order).where(
            _environment.c.space_id == space_id
        ),
    )
    tenants = await rows_of(
        conn, select(_tenant.c.id, _tenant.c.name).where(_tenant.c.space_id == space_id)
    )
    tenant_tags = await rows_of(
        conn,
        select(_tenant_tag.c.tenant_id, _tenant_tag.c.canonical_name)
        .join(_tenant, _tenant.c.id == _tenant_tag.c.tenant_id)
        .where(_tenant.c.space_id == space_id)
        .order_by(_tenant_tag.c.tenant_id, _tenant_tag.c.position),
    )
    tag_sets = await rows_of(
        conn, select(_tag_set.c.id, _tag_set.c.name).where(_tag_set.c.space_id == space_id)
    )
    tags = await rows_of(
        conn,
        select(_tag.c.tag_set_id, _tag.c.name, _tag.c.canonical_name)
        .join(_tag_set, _tag_set.c.id == _tag.c.tag_set_id)
        .where(_tag_set.c.space_id == space_id)
        .order_by(_tag.c.tag_set_id, _tag.c.position),
    )
    tags_of_tenant: dict[int, list[str]] = defaultdict(list)
    for tenant, canonical in tenant_tags:
        tags_of_tenant[tenant].append(canonical)
    tags_of_set: dict[int, list[TagInfo]] = defaultdict(list)
    for tag_set, name, canonical in tags:
        tags_of_set[tag_set].append(TagInfo(name=name, canonical_name=canonical))
    return SpaceCatalogue(
        space_id=space_id,
        project_groups={id_: ProjectGroupInfo(id_, name) for id_, name in groups},
        projects={id_: ProjectInfo(id_, name, group) for id_, name, group in projects},
        environments={id_: EnvironmentInfo(id_, name, order) for id_, name, order in environments},
        tenants={
            id_: TenantInfo(id_, name, tuple(tags_of_tenant.get(id_, ()))) for id_, name in tenants
        },
        tag_sets={
            id_: TagSetInfo(id_, name, tuple(tags_of_set.get(id_, ()))) for id_, name in tag_sets
        },
    )


async def report_catalogue(conn: Executor, report: Report) -> SpaceCatalogue:
    space_id = parse_id(Kind.SPACE, report.space_id)
    if space_id is None:
        raise NotFound(f"The space {report.space_id!r} was not found.")
    return await load_catalogue(conn, space_id=space_id)
