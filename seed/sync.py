"""`python -m seed sync`: copy an Octopus Server's deployment history into the store.

A run reads, for each space: the catalogue (project groups, projects, channels, environments,
tag sets, tenants) and the Insights reports, whole, through the data file's checks; the
releases and deployments newer than the last run's, newest first, stopping at what is known;
again the deployments whose task was unfinished last time; and the guided failures (every
`GuidedFailure` interruption of the space). A deployment's state and times are its task's.

Each batch is written in one transaction together with the sync's cursor (`CURSOR_KEY`): how
far each space's releases and deployments are known, and which projects' facts are stale. A
run killed at any moment leaves batches that are whole, and the next run goes on from the
cursor; the facts of the stale projects are worked out at the end of a run, with the marks
moved on, in one transaction. So any number of interrupted runs, then one that finishes, reach
the state of one uninterrupted run. Each batch raises the store's generation, naming what it
changed, so that running servers drop only the answers it touches.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.deployments import FINISHED_STATES
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.octopus.client import OctopusClient, OctopusError, Resource
from gateway.octopus.resources import (
    DEPLOYMENT_COLUMNS,
    TASK_COLUMNS,
    ResourceError,
    deployment_row,
    interrupted,
    is_guided_failure,
    release_row,
    task_id,
)
from gateway.store.bulk import execute_many_async, update_statement
from gateway.store.facts import refresh_facts
from gateway.store.generation import (
    StreamIds,
    bump_generation,
    catalogue_changed,
    deployments_changed,
)
from seed.datafile import FORMAT_VERSION
from seed.importing import DataFileError, parse_document
from seed.sync_catalogue import write_catalogue
from seed.sync_store import (
    COLUMN,
    Cursor,
    SyncError,
    add_deployments,
    add_releases,
    batch,
    existing_ids,
    note_changed,
    origin_of,
    prepare,
    save_cursor,
    spaces_of,
    start,
)
from seed.writer import DEPLOYMENT, RELEASE

_FINISHED = frozenset(state.value for state in FINISHED_STATES)

Progress = Callable[[int], None]


@dataclass
class SyncSummary:
    new: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    retries: int = 0
    facts: int = 0
    seconds: float = 0.0
    spaces: list[str] = field(default_factory=list)
    store: str = ""


async def sync_store(
    engine: AsyncEngine,
    client: OctopusClient,
    *,
    spaces: Sequence[str] = (),
    reset: bool = False,
    progress: Progress | None = None,
) -> SyncSummary:
    """Bring the store up to date with the server `client` reads."""
    started = time.monotonic()
    summary = SyncSummary()
    await client.check_server()
    chosen = await _spaces(client, spaces)
    catalogues = [await _catalogue(client, space) for space in chosen]
    document: dict[str, Any] = {"FormatVersion": FORMAT_VERSION, "Spaces": chosen}
    for catalogue in catalogues:
        for name, items in catalogue.items():
            document.setdefault(name, []).extend(items)
    try:
        data = parse_document(document, source=f"what {client.url} answered")
    except DataFileError as error:
        raise SyncError(f"{error}:\n  " + "\n  ".join(error.problems)) from None
    space_ids = [int(parse_id(Kind.SPACE, space["Id"]) or 0) for space in chosen]
    await prepare(engine, reset=reset)
    cursor = await start(engine, origin_of(client.url), reset=reset)
    async with batch(engine) as connection:
        new, updated = await write_catalogue(connection, data.rows)
        summary.new.update(new)
        summary.updated.update(updated)
        if new or updated:
            await bump_generation(connection, catalogue_changed(space_ids))
    for space in chosen:
        await _sync_space(engine, client, space["Id"], cursor, summary, progress)
    async with batch(engine) as connection:
        written: set[StreamIds] = set()
        if cursor.stale:
            summary.facts = await refresh_facts(
                connection, project_ids=cursor.stale, changed_streams=written
            )
        owners = await spaces_of(connection, {stream.project for stream in written})
        cursor.stale = set()
        await save_cursor(connection, cursor)
        if written:
            await bump_generation(
                connection, deployments_changed((owners[s.project], s) for s in written)
            )
    summary.requests, summary.retries = client.tally.requests, client.tally.retries
    summary.seconds = time.monotonic() - started
    summary.spaces = [space["Id"] for space in chosen]
    return summary


async def _spaces(client: OctopusClient, wanted: Sequence[str]) -> list[Resource]:
    every = await client.all("api/spaces")
    if not wanted:
        return sorted(every, key=lambda space: parse_id(Kind.SPACE, space.get("Id")) or 0)
    known = {str(space.get("Id")).lower(): space for space in every}
    missing = [name for name in wanted if name.lower() not in known]
    if missing:
        have = ", ".join(str(space.get("Id")) for space in every) or "none"
        raise SyncError(f"{client.url} has no space {', '.join(missing)} (it has {have})")
    return [known[name.lower()] for name in dict.fromkeys(wanted)]


async def _catalogue(client: OctopusClient, space: Resource) -> dict[str, list[Resource]]:
    s = space["Id"]
    catalogue = {
        "ProjectGroups": await client.all(f"api/{s}/projectgroups"),
        "Projects": await client.all(f"api/{s}/projects"),
        "Channels": await client.all(f"api/{s}/channels"),
        "Environments": await client.all(f"api/{s}/environments"),
        "TagSets": await client.all(f"api/{s}/tagsets"),
        "Tenants": await client.all(f"api/{s}/tenants"),
        "InsightsReports": [],
    }
    try:
        async with aclosing(client.pages(f"api/{s}/insights/reports")) as pages:
            async for page in pages:
                catalogue["InsightsReports"].extend(page)
    except OctopusError as error:
        if error.status != 404:
            raise
        # A server without Insights (before 2022.3, or without its licence) has no reports.
    return catalogue


async def _sync_space(
    engine: AsyncEngine,
    client: OctopusClient,
    space: str,
    cursor: Cursor,
    summary: SyncSummary,
    progress: Progress | None,
) -> None:
    releases_known = cursor.mark(space, "Releases")
    top_release = releases_known
    async with aclosing(client.pages(f"api/{space}/releases")) as pages:
        async for page in pages:
            rows = [release_row(item) for item in page]
            top_release = max([top_release, *(row[0] for row in rows)])
            async with batch(engine) as connection:
                summary.new["release"] += await add_releases(connection, rows)
            if all(row[0] <= releases_known for row in rows):
                break
    guided = await _guided_failures(client, space)
    known = cursor.mark(space, "Deployments")
    top = known
    # A page is written while the next one's tasks are read: the server and the store work
    # side by side. Writes stay in order, one at a time.
    writing: asyncio.Task[None] | None = None
    try:
        async with aclosing(client.pages(f"api/{space}/deployments")) as pages:
            async for page in pages:
                ids = [int(parse_id(Kind.DEPLOYMENT, item.get("Id")) or 0) for item in page]
                top = max([top, *ids])
                async with engine.connect() as connection:
                    have = await existing_ids(connection, DEPLOYMENT, ids)
                fresh = [item for item, id_ in zip(page, ids, strict=True) if id_ not in have]
                rows = await _deployment_rows(client, space, fresh, guided)
                if writing is not None:
                    await writing
                await _fetch_missing_releases(engine, client, space, rows, summary)
                writing = asyncio.ensure_future(_write_page(engine, rows, cursor, summary))
                if progress is not None:
                    progress(len(page))
                if all(id_ <= known for id_ in ids):
                    break
    finally:
        if writing is not None:
            await writing
    await _refresh_unfinished(engine, client, space, cursor, summary, guided)
    async with batch(engine) as connection:
        cursor.marks[space] = {"Releases": top_release, "Deployments": top}
        await save_cursor(connection, cursor)


async def _write_page(
    engine: AsyncEngine, rows: list[tuple[Any, ...]], cursor: Cursor, summary: SyncSummary
) -> None:
    async with batch(engine) as connection:
        await add_deployments(connection, rows, cursor)
    summary.new["deployment"] += len(rows)


async def _guided_failures(client: OctopusClient, space: str) -> tuple[set[str], set[str]]:
    """The deployments and tasks that raised a guided failure, by id."""
    deployments: set[str] = set()
    tasks: set[str] = set()
    async with aclosing(client.pages(f"api/{space}/interruptions")) as pages:
        async for page in pages:
            for interruption in page:
                if is_guided_failure(interruption):
                    named, by_task = interrupted(interruption)
                    deployments |= named
                    tasks |= by_task
    return deployments, tasks


async def _deployment_rows(
    client: OctopusClient,
    space: str,
    deployments: list[Resource],
    guided: tuple[set[str], set[str]],
) -> list[tuple[Any, ...]]:
    if not deployments:
        return []
    task_ids = [task_id(deployment) for deployment in deployments]
    tasks = {task.get("Id"): task for task in await client.by_ids("api/tasks", task_ids)}
    rows = []
    for deployment, task in zip(deployments, task_ids, strict=True):
        if task not in tasks:
            raise ResourceError(f"{deployment.get('Id')}: its task {task} was not found")
        had = deployment.get("Id") in guided[0] or task in guided[1]
        rows.append(deployment_row(deployment, tasks[task], guided=had))
    return rows


async def _fetch_missing_releases(
    engine: AsyncEngine,
    client: OctopusClient,
    space: str,
    rows: list[tuple[Any, ...]],
    summary: SyncSummary,
) -> None:
    """Releases made after the releases were read, which new deployments use."""
    releases = {row[COLUMN["release_id"]] for row in rows}
    async with engine.connect() as connection:
        missing = releases - await existing_ids(connection, RELEASE, sorted(releases))
    if not missing:
        return
    ids = [format_id(Kind.RELEASE, id_) for id_ in sorted(missing)]
    found = [release_row(item) for item in await client.by_ids(f"api/{space}/releases", ids)]
    async with batch(engine) as connection:
        summary.new["release"] += await add_releases(connection, found)


async def _refresh_unfinished(
    engine: AsyncEngine,
    client: OctopusClient,
    space: str,
    cursor: Cursor,
    summary: SyncSummary,
    guided: tuple[set[str], set[str]],
) -> None:
    """Read again the deployments the store holds unfinished (this run's too: a few requests,
    and a run that goes on from an interrupted one then reads them as late as one that was
    not interrupted)."""
    space_id = parse_id(Kind.SPACE, space)
    d = DEPLOYMENT.c
    async with engine.connect() as connection:
        found = await connection.execute(
            select(*(d[name] for name in DEPLOYMENT_COLUMNS)).where(
                d.space_id == space_id, d.task_state.not_in(sorted(_FINISHED))
            )
        )
        unfinished = {row[0]: tuple(row) for row in found}
    if not unfinished:
        return
    ids = [format_id(Kind.DEPLOYMENT, id_) for id_ in sorted(unfinished)]
    deployments = await client.by_ids(f"api/{space}/deployments", ids)
    rows = await _deployment_rows(client, space, deployments, guided)
    positions = [COLUMN[name] for name in TASK_COLUMNS]
    moved = [
        row
        for row in rows
        if row[0] in unfinished
        and tuple(row[i] for i in positions) != tuple(unfinished[row[0]][i] for i in positions)
    ]
    if not moved:
        return
    async with batch(engine) as connection:
        statement = update_statement(connection.dialect, DEPLOYMENT, TASK_COLUMNS, "id")
        await execute_many_async(
            connection, statement, [(*(row[i] for i in positions), row[0]) for row in moved]
        )
        summary.updated["deployment"] += len(moved)
        await note_changed(connection, moved, cursor)
