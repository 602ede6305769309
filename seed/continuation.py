"""Going on with a generated history, as if time had passed (`POST /admin/advance`).

A generated store records its generation's settings and where its history ends (`HISTORY_KEY`).
Advancing it by some days simulates the same company again, from the start, to the new end
(`seed.history` goes on past its now without changing anything before it): the releases and
deployments after the old end are added, the tasks that were unfinished at the old end take
the state the simulation gives them at the new end, and the facts of every project touched are
worked out again. Everything is one transaction, which also raises the store's generation.
Before writing, the simulation is checked against the store: the releases and deployments it
gives up to the old end must be the store's, else the store is refused (it was changed by hand).
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.insights.deployments import FINISHED_STATES
from gateway.insights.ticks import TICKS_PER_DAY
from gateway.store.bulk import execute_many_async, insert_many, update_statement
from gateway.store.engine import read_info
from gateway.store.facts import refresh_facts
from gateway.store.generation import StreamIds, bump_generation, deployments_changed
from gateway.store.models import Project, StoreInfo
from seed.events import (
    DEPLOYMENT_OWN_COLUMNS,
    EVENT_BATCH,
    RELEASE_COLUMNS,
    Values,
    event_batches,
    numbered_rows,
    plan,
)
from seed.lifecycle import HISTORY_KEY, ORIGIN_KEY
from seed.writer import DEPLOYMENT, RELEASE

_info = StoreInfo.__table__  # type: ignore[attr-defined]
_FINISHED = sorted(state.value for state in FINISHED_STATES)
_TASK_COLUMNS = ("task_state", "had_guided_failure", "start_time", "completed_time")
"""What of an unfinished deployment the simulation may change."""
_project = Project.__table__  # type: ignore[attr-defined]
_COLUMN = {name: index for index, name in enumerate(DEPLOYMENT_OWN_COLUMNS)}


class ContinuationError(Exception):
    """The store's history cannot be advanced; the message says why."""


@dataclass(frozen=True)
class GeneratedHistory:
    """A generation's settings, and where its history ends now (ticks)."""

    seed: int
    deployments: int
    now: int
    end: int

    def text(self) -> str:
        return json.dumps(
            {"Seed": self.seed, "Deployments": self.deployments, "Now": self.now, "End": self.end}
        )

    @classmethod
    def parse(cls, text: str | None) -> GeneratedHistory | None:
        try:
            found = json.loads(text or "")
            return cls(
                int(found["Seed"]), int(found["Deployments"]), int(found["Now"]), int(found["End"])
            )
        except (ValueError, TypeError, KeyError):
            return None


@dataclass
class _Replay:
    """The simulation to the new end, split at the old end."""

    releases_before: int = 0
    deployments_before: int = 0
    new_releases: list[Values] = field(default_factory=list)
    new_deployments: list[Values] = field(default_factory=list)
    watched: dict[int, Values] = field(default_factory=dict)
    """The rows of the deployments unfinished in the store, as the simulation now has them."""


@dataclass(frozen=True)
class Advance:
    history: GeneratedHistory
    releases: int
    """Releases added."""
    deployments: int
    """Deployments added."""
    finished: int
    """Deployments that were unfinished and have moved on (finished, or started)."""
    seconds: float


async def generated_history(engine: AsyncEngine) -> GeneratedHistory:
    async with engine.connect() as connection:
        info = await read_info(connection)
    history = GeneratedHistory.parse(info.get(HISTORY_KEY))
    if history is None:
        origin = info.get(ORIGIN_KEY, "nothing")
        raise ContinuationError(
            f"only a generated history can be advanced, and this store holds {origin}; "
            'replace it with a generated one first (POST /admin/reset {"Seed": 1})'
        )
    return history


async def advance_store(engine: AsyncEngine, *, days: int, latest: int | None = None) -> Advance:
    """Advance the store's generated history by `days`; refuse to end it after `latest`."""
    started = time.monotonic()
    history = await generated_history(engine)
    end = history.end + days * TICKS_PER_DAY
    if latest is not None and end > latest:
        raise ContinuationError(
            f"the history would end {days} days after its end, after the server's clock: "
            "with a real clock the history can only be advanced up to now"
        )
    async with engine.connect() as connection:
        unfinished = await _unfinished(connection)
    replay = await asyncio.to_thread(_simulate, history, end, frozenset(unfinished))
    async with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
        await _check(connection, history, replay, unfinished)
        moved, changed_streams = await _write(connection, replay, unfinished)
        advanced = GeneratedHistory(history.seed, history.deployments, history.now, end)
        await connection.execute(
            _info.update().where(_info.c.key == HISTORY_KEY).values(value=advanced.text())
        )
        await bump_generation(connection, deployments_changed(changed_streams))
    return Advance(
        history=advanced,
        releases=len(replay.new_releases),
        deployments=len(replay.new_deployments),
        finished=moved,
        seconds=time.monotonic() - started,
    )


async def _unfinished(connection: AsyncConnection) -> dict[int, Values]:
    d = DEPLOYMENT.c
    rows = await connection.execute(
        select(*(d[column] for column in DEPLOYMENT_OWN_COLUMNS)).where(
            d.task_state.not_in(_FINISHED)
        )
    )
    return {row[0]: tuple(row) for row in rows}


def _simulate(history: GeneratedHistory, end: int, watched: frozenset[int]) -> _Replay:
    # Millions of short-lived events and no reference cycle: see `seed.generator.write_company`.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _replayed(history, end, watched)
    finally:
        if collecting:
            gc.enable()


def _replayed(history: GeneratedHistory, end: int, watched: frozenset[int]) -> _Replay:
    company = plan(seed=history.seed, deployments=history.deployments, now=history.now)
    replay = _Replay()
    queued, assembled = _COLUMN["queue_time"], RELEASE_COLUMNS.index("assembled")
    batches = numbered_rows(company, event_batches(company, EVENT_BATCH, horizon=end))
    for _, releases, deployments in batches:
        for row in releases:
            if row[assembled] > history.end:
                replay.new_releases.append(row)
            else:
                replay.releases_before += 1
        for row in deployments:
            if row[queued] > history.end:
                replay.new_deployments.append(row)
                continue
            replay.deployments_before += 1
            if row[0] in watched:
                replay.watched[row[0]] = row
    return replay


async def _check(
    connection: AsyncConnection,
    history: GeneratedHistory,
    replay: _Replay,
    unfinished: dict[int, Values],
) -> None:
    """Refuse a store whose history is not the one its settings give up to its end."""
    info = await read_info(connection)
    current = GeneratedHistory.parse(info.get(HISTORY_KEY))
    if current != history:
        raise ContinuationError("the store changed while its history was being advanced; try again")
    counts = []
    for table in (RELEASE, DEPLOYMENT):
        counts.append(
            tuple((await connection.execute(select(func.count(), func.max(table.c.id)))).one())
        )
    expected = [
        (replay.releases_before, replay.releases_before or None),
        (replay.deployments_before, replay.deployments_before or None),
    ]
    same_rows = all(
        id_ in replay.watched and _identity(replay.watched[id_]) == _identity(row)
        for id_, row in unfinished.items()
    )
    if counts != expected or not same_rows or unfinished != await _unfinished(connection):
        raise ContinuationError(
            "the store's releases and deployments are not the history its generation settings "
            "give (were they changed?); regenerate it"
        )


def _identity(row: Values) -> tuple[Any, ...]:
    """What of a deployment never changes: all but its task's state and times."""
    return tuple(
        value
        for name, value in zip(DEPLOYMENT_OWN_COLUMNS, row, strict=True)
        if name not in _TASK_COLUMNS
    )


async def _write(
    connection: AsyncConnection, replay: _Replay, unfinished: dict[int, Values]
) -> tuple[int, set[tuple[int, StreamIds]]]:
    """Write the replay; return how many unfinished deployments moved on, and the streams
    (space, stream) whose deployments or facts changed."""

    def insert(sync: Connection) -> None:
        if replay.new_releases:
            insert_many(sync, RELEASE, RELEASE_COLUMNS, replay.new_releases)
        if replay.new_deployments:
            insert_many(sync, DEPLOYMENT, DEPLOYMENT_OWN_COLUMNS, replay.new_deployments)

    await connection.run_sync(insert)
    positions = [_COLUMN[name] for name in _TASK_COLUMNS]
    changes = []
    for id_, row in unfinished.items():
        now_row = replay.watched[id_]
        if tuple(now_row[i] for i in positions) != tuple(row[i] for i in positions):
            changes.append((*(now_row[i] for i in positions), id_))
    await execute_many_async(
        connection, update_statement(connection.dialect, DEPLOYMENT, _TASK_COLUMNS, "id"), changes
    )
    written = [*replay.new_deployments, *(unfinished[change[-1]] for change in changes)]
    changed_streams = {(row[_COLUMN["space_id"]], _stream_of(row)) for row in written}
    touched = {row[2] for row in replay.new_releases} | {s.project for _, s in changed_streams}
    if touched:
        facts_changed: set[StreamIds] = set()
        await refresh_facts(connection, project_ids=touched, changed_streams=facts_changed)
        space_of = await _spaces_of(connection, {stream.project for stream in facts_changed})
        changed_streams |= {(space_of[stream.project], stream) for stream in facts_changed}
    return len(changes), changed_streams


def _stream_of(row: Values) -> StreamIds:
    return StreamIds(
        *(
            row[_COLUMN[name]]
            for name in ("project_id", "channel_id", "environment_id", "tenant_id")
        )
    )


async def _spaces_of(connection: AsyncConnection, project_ids: set[int]) -> dict[int, int]:
    rows = await connection.execute(
        select(_project.c.id, _project.c.space_id).where(_project.c.id.in_(sorted(project_ids)))
    )
    return {int(row[0]): int(row[1]) for row in rows}
