"""DataLoaders, new for every request: each batches the lookups of one kind into one query.

Each batch opens a session of its own, because loaders of different kinds run concurrently.
They return store rows (detached, read only); the GraphQL types are built from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from strawberry.dataloader import DataLoader

from gateway.store.models import (
    Channel,
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

Key = TypeVar("Key", bound=Hashable)
Row = TypeVar("Row")

Sessions = async_sessionmaker[AsyncSession]


def _by_id(sessions: Sessions, table: Any) -> DataLoader[int, Any]:
    """Rows of `table` by id; None for an id that is not there."""

    async def load(ids: Sequence[int]) -> list[Any]:
        async with sessions() as session:
            rows = (await session.scalars(select(table).where(table.id.in_(ids)))).all()
        found = {row.id: row for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _grouped(
    sessions: Sessions,
    query: Callable[[Sequence[Key]], Any],
    key_of: Callable[[Any], Key],
) -> DataLoader[Key, list[Any]]:
    """Lists of rows by a key (rows in the query's order); an empty list for a key with none."""

    async def load(keys: Sequence[Key]) -> list[list[Any]]:
        async with sessions() as session:
            rows = (await session.scalars(query(keys))).all()
        grouped: defaultdict[Key, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[key_of(row)].append(row)
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """The request's DataLoaders."""

    def __init__(self, sessions: Sessions) -> None:
        self.spaces: DataLoader[int, Space | None] = _by_id(sessions, Space)
        self.project_groups: DataLoader[int, ProjectGroup | None] = _by_id(sessions, ProjectGroup)
        self.projects: DataLoader[int, Project | None] = _by_id(sessions, Project)
        self.channels: DataLoader[int, Channel | None] = _by_id(sessions, Channel)
        self.environments: DataLoader[int, Environment | None] = _by_id(sessions, Environment)
        self.tenants: DataLoader[int, Tenant | None] = _by_id(sessions, Tenant)
        self.tag_sets: DataLoader[int, TagSet | None] = _by_id(sessions, TagSet)
        self.releases: DataLoader[tuple[int, str], Release | None] = _releases(sessions)
        self.tenant_tags: DataLoader[int, list[TenantTag]] = _grouped(
            sessions,
            lambda ids: (
                select(TenantTag)
                .where(col(TenantTag.tenant_id).in_(ids))
                .order_by(col(TenantTag.tenant_id), col(TenantTag.position))
            ),
            lambda row: row.tenant_id,
        )
        self.tags: DataLoader[int, list[Tag]] = _grouped(
            sessions,
            lambda ids: (
                select(Tag)
                .where(col(Tag.tag_set_id).in_(ids))
                .order_by(col(Tag.tag_set_id), col(Tag.position))
            ),
            lambda row: row.tag_set_id,
        )
        self.projects_of_group: DataLoader[int, list[Project]] = _grouped(
            sessions,
            lambda ids: (
                select(Project)
                .where(col(Project.project_group_id).in_(ids))
                .order_by(col(Project.name), col(Project.id))
            ),
            lambda row: row.project_group_id,
        )
        self.channels_of_project: DataLoader[int, list[Channel]] = _grouped(
            sessions,
            lambda ids: (
                select(Channel)
                .where(col(Channel.project_id).in_(ids))
                .order_by(col(Channel.name), col(Channel.id))
            ),
            lambda row: row.project_id,
        )
        self.space_items: dict[type[Any], DataLoader[int, list[Any]]] = {
            table: _grouped(
                sessions,
                _space_query(table),
                lambda row: row.space_id,
            )
            for table in (ProjectGroup, Project, Environment, Tenant, TagSet)
        }

    def of_space(self, table: type[Row], space_id: int) -> Awaitable[list[Row]]:
        """The rows of `table` in a space, by name (environments by their sort order)."""
        return self.space_items[table].load(space_id)


def _space_query(table: Any) -> Callable[[Sequence[int]], Any]:
    order = (
        (table.sort_order, table.name, table.id) if table is Environment else (table.name, table.id)
    )
    return lambda ids: select(table).where(table.space_id.in_(ids)).order_by(*order)


def _releases(sessions: Sessions) -> DataLoader[tuple[int, str], Release | None]:
    """Releases by (project id, version): what a deployment view names them by."""

    async def load(keys: Sequence[tuple[int, str]]) -> list[Release | None]:
        async with sessions() as session:
            rows = (
                await session.scalars(
                    select(Release).where(
                        tuple_(col(Release.project_id), col(Release.version)).in_(keys)
                    )
                )
            ).all()
        found = {(row.project_id, row.version): row for row in rows}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)
