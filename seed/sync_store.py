"""The store's side of a sync: its cursor, and batches that write rows together with it.

The cursor (`CURSOR_KEY` in the store's info) says how far each space's releases and
deployments are known, and which projects' facts are stale; every batch that writes
deployments saves it in the same transaction and raises the store's generation, naming the
streams it changed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.insights.ids import Kind, format_id
from gateway.octopus.resources import DEPLOYMENT_COLUMNS, RELEASE_COLUMNS, ResourceError
from gateway.store.bulk import insert_many
from gateway.store.engine import (
    COMPLETE,
    STATE_KEY,
    StoreError,
    prepare_store,
    read_info,
    reset_store,
)
from gateway.store.generation import StreamIds, bump_generation, deployments_changed
from gateway.store.models import Project, StoreInfo
from seed.lifecycle import ORIGIN_KEY, SeedError, describe, describe_counts
from seed.writer import DATA_TABLES, DEPLOYMENT, RELEASE

CURSOR_KEY = "octopus_sync"
ORIGIN_PREFIX = "seed sync "
"""The store's origin after a sync: this, then the server's URL."""
COLUMN = {name: index for index, name in enumerate(DEPLOYMENT_COLUMNS)}
_STREAM = ("project_id", "channel_id", "environment_id", "tenant_id")
_info: Table = StoreInfo.__table__  # type: ignore[attr-defined]
_project: Table = Project.__table__  # type: ignore[attr-defined]

Rows = Sequence[tuple[Any, ...]]


class SyncError(SeedError):
    """The sync cannot go on; nothing of the batch under way was written."""


@dataclass
class Cursor:
    """How far each space is known (`{"Spaces-1": {"Releases": 10, "Deployments": 12}}`), and
    the projects whose facts wait to be worked out."""

    marks: dict[str, dict[str, int]] = field(default_factory=dict)
    stale: set[int] = field(default_factory=set)

    def text(self) -> str:
        return json.dumps({"Spaces": self.marks, "StaleProjects": sorted(self.stale)})

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        found = json.loads(text)
        return cls(dict(found.get("Spaces", {})), set(found.get("StaleProjects", [])))

    def mark(self, space: str, kind: str) -> int:
        return int(self.marks.get(space, {}).get(kind, 0))


def origin_of(url: str) -> str:
    return ORIGIN_PREFIX + url.rstrip("/")


class batch:
    """One transaction (on SQLite taken for writing at once, so that it never waits to
    upgrade its lock)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def __aenter__(self) -> AsyncConnection:
        self.connection = await self.engine.connect()
        self.transaction = await self.connection.begin()
        if self.connection.dialect.name == "sqlite":
            await self.connection.exec_driver_sql("BEGIN IMMEDIATE")
        return self.connection

    async def __aexit__(self, kind: object, *_rest: object) -> None:
        try:
            if kind is None:
                await self.transaction.commit()
            else:
                await self.transaction.rollback()
        finally:
            await self.connection.close()


async def prepare(engine: AsyncEngine, *, reset: bool) -> None:
    """Create or migrate the store; with `reset`, one this version cannot migrate is made
    again."""
    try:
        await prepare_store(engine, allow_incomplete=reset)
    except StoreError:
        if not reset:
            raise
        await reset_store(engine)
        await prepare_store(engine, allow_incomplete=True)


async def start(engine: AsyncEngine, origin: str, *, reset: bool) -> Cursor:
    """The cursor of this server's earlier syncs; a store holding anything else is refused
    (or, with `reset`, emptied)."""
    async with batch(engine) as connection:
        info = await read_info(connection)
        counts = {
            table.name: (
                await connection.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in DATA_TABLES
        }
        ours = info.get(ORIGIN_KEY) == origin and info.get(STATE_KEY, COMPLETE) == COMPLETE
        if reset:
            for table in reversed(DATA_TABLES):
                await connection.execute(table.delete())
            await connection.execute(_info.delete().where(_info.c.key == CURSOR_KEY))
        elif any(counts.values()) and not ours:
            what = info.get(ORIGIN_KEY, "data")
            raise SyncError(
                f"the store at {describe(engine)} holds {describe_counts(counts)} from "
                f"{what}, not from this server; run again with --reset to replace it"
            )
        await connection.execute(_info.delete().where(_info.c.key == ORIGIN_KEY))
        await connection.execute(_info.insert().values(key=ORIGIN_KEY, value=origin))
        if reset or any(counts.values()):
            await bump_generation(connection)
        return Cursor.parse((await read_info(connection)).get(CURSOR_KEY))


async def save_cursor(connection: AsyncConnection, cursor: Cursor) -> None:
    await connection.execute(_info.delete().where(_info.c.key == CURSOR_KEY))
    await connection.execute(_info.insert().values(key=CURSOR_KEY, value=cursor.text()))


async def existing_ids(connection: AsyncConnection, table: Table, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    found = await connection.execute(select(table.c.id).where(table.c.id.in_(sorted(set(ids)))))
    return {int(value) for value in found.scalars()}


async def add_releases(connection: AsyncConnection, rows: Rows) -> int:
    """Add the releases the store lacks; how many were new."""
    have = await existing_ids(connection, RELEASE, [row[0] for row in rows])
    fresh = [row for row in rows if row[0] not in have]
    if fresh:
        await connection.run_sync(lambda sync: insert_many(sync, RELEASE, RELEASE_COLUMNS, fresh))
    return len(fresh)


async def add_deployments(connection: AsyncConnection, rows: Rows, cursor: Cursor) -> None:
    """Add new deployments (their releases must be in the store), noting them in the cursor."""
    if not rows:
        return
    releases = {row[COLUMN["release_id"]] for row in rows}
    missing = releases - await existing_ids(connection, RELEASE, sorted(releases))
    if missing:
        shown = ", ".join(format_id(Kind.RELEASE, id_) for id_ in sorted(missing)[:5])
        raise ResourceError(f"deployments of releases the server did not list: {shown}")
    await connection.run_sync(lambda sync: insert_many(sync, DEPLOYMENT, DEPLOYMENT_COLUMNS, rows))
    await note_changed(connection, rows, cursor)


async def note_changed(connection: AsyncConnection, rows: Rows, cursor: Cursor) -> None:
    """Note the rows' projects as stale in the cursor, save it, and name their streams."""
    cursor.stale |= {row[COLUMN["project_id"]] for row in rows}
    await save_cursor(connection, cursor)
    await bump_generation(
        connection,
        deployments_changed(
            (row[COLUMN["space_id"]], StreamIds(*(row[COLUMN[name]] for name in _STREAM)))
            for row in rows
        ),
    )


async def spaces_of(connection: AsyncConnection, projects: set[int]) -> dict[int, int]:
    rows = await connection.execute(
        select(_project.c.id, _project.c.space_id).where(_project.c.id.in_(sorted(projects)))
    )
    return {int(row[0]): int(row[1]) for row in rows}
