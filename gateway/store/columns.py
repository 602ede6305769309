"""Each space's counted deployments as columns, held in memory for metrics, and kept current as
the store changes rather than read again.

- `read_space_columns` reads a space from the store: one query of integers, in chunks, in id
  order (the table's own order), sorted by completion time. The facts are already materialized
  in `deployment` (`gateway.store.facts`), so no history older than a window is needed.
- `SpaceColumns` holds spaces up to a number of bytes, least recently used dropped first. When
  deployments of some streams change (`changed`, told by `gateway.store.watch`), the next read of
  the space replaces those streams' rows with the store's, and leaves the rest as it was.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.insights.aggregation import FACT_COLUMNS, METRICS_COLUMNS, DeploymentColumns, Ints
from gateway.insights.deployments import COUNTED_STATES, Outcome, TaskState
from gateway.insights.scope import NO_TENANT
from gateway.store.catalogue import Executor
from gateway.store.generation import StreamIds
from gateway.store.models import Deployment

_deployment = Deployment.__table__  # type: ignore[attr-defined]

HELD_BYTES = 1024 * 1024 * 1024
"""What the held columns may take: about thirteen million deployments (81 bytes each)."""

_COUNTED = sorted(state.value for state in COUNTED_STATES)
NULL = 1 << 62
"""Stands for a null fact in the query: no duration in ticks (14,000 years) or count reaches it."""
_CHUNK = 65_536
_FEW_STREAMS = 64
"""Up to this many changed streams are read again by their own conditions; more, the whole
space."""


@dataclass(frozen=True, slots=True)
class HeldColumns:
    """A space's columns for metrics, and what identifies each row's stream and deployment."""

    metrics: DeploymentColumns
    channel_id: Ints
    id: Ints

    @property
    def nbytes(self) -> int:
        arrays = [getattr(self.metrics, field.name) for field in fields(self.metrics)]
        return sum(int(array.nbytes) for array in [*arrays, self.channel_id, self.id])

    def arrays(self) -> dict[str, Any]:
        found = {field.name: getattr(self.metrics, field.name) for field in fields(self.metrics)}
        return {**found, "channel_id": self.channel_id, "id": self.id}

    @classmethod
    def of_arrays(cls, arrays: Any) -> HeldColumns:
        metrics = DeploymentColumns(
            **{field.name: np.asarray(arrays[field.name]) for field in fields(DeploymentColumns)}
        )
        return cls(metrics, np.asarray(arrays["channel_id"]), np.asarray(arrays["id"]))

    def in_streams(self, streams: Iterable[StreamIds]) -> Any:
        """A mask of the rows of these streams."""
        mask = np.zeros(len(self.id), dtype=bool)
        columns = self.metrics
        for stream in streams:
            tenant = NO_TENANT if stream.tenant is None else stream.tenant
            mask |= (
                (columns.project_id == stream.project)
                & (self.channel_id == stream.channel)
                & (columns.environment_id == stream.environment)
                & (columns.tenant_id == tenant)
            )
        return mask

    def replaced(self, mask: Any, fresh: HeldColumns) -> HeldColumns:
        """These columns without the masked rows, with `fresh` (sorted by completion) in their
        places by completion time."""
        kept = {name: array[~mask] for name, array in self.arrays().items()}
        at = np.searchsorted(kept["completed"], fresh.metrics.completed, side="right")
        merged = {name: np.insert(array, at, fresh.arrays()[name]) for name, array in kept.items()}
        return HeldColumns.of_arrays(merged)


QUERIED = (*METRICS_COLUMNS, "channel_id", "id")
"""The columns `columns_select` answers, in order: the metrics' own, then each row's stream
channel and deployment id."""


def columns_select() -> Select[Any]:
    """Counted deployments as integers in `QUERIED` order (nulls as `NULL`)."""
    d = _deployment.c
    outcome = case(
        (d.task_state == TaskState.FAILED.value, int(Outcome.FAILED)),
        (d.had_guided_failure.is_(True), int(Outcome.SUCCESS_WITH_GUIDED_FAILURE)),
        else_=int(Outcome.SUCCESSFUL),
    )
    chosen = {
        "completed": d.completed_time,
        "outcome": outcome,
        "project_id": d.project_id,
        "environment_id": d.environment_id,
        "tenant_id": func.coalesce(d.tenant_id, NO_TENANT),
        **{name: func.coalesce(d[name], NULL) for name in FACT_COLUMNS},
        "channel_id": d.channel_id,
        "id": d.id,
    }
    return select(*(chosen[name] for name in QUERIED)).where(d.task_state.in_(_COUNTED))


def held_columns(table: Any) -> HeldColumns:
    """Columns of an integer table in `QUERIED` order, sorted by completion time, then id."""
    table = table[np.lexsort((table[:, -1], table[:, 0]))]
    width = len(METRICS_COLUMNS)
    return HeldColumns(
        DeploymentColumns.from_integers(table[:, :width], null=NULL),
        np.ascontiguousarray(table[:, width]),
        np.ascontiguousarray(table[:, width + 1]),
    )


async def read_space_columns(
    conn: Executor, space_id: int, streams: Iterable[StreamIds] | None = None
) -> HeldColumns:
    """The space's counted deployments (only those of `streams` when given), sorted by
    completion time, then id. Read in chunks of `_CHUNK` rows in id order, so that no more
    than a chunk is ever held as Python objects."""
    d = _deployment.c
    statement = columns_select().where(d.space_id + 0 == space_id)  # `+ 0`: in id order
    if streams is not None:
        statement = statement.where(or_(*(_stream_condition(stream) for stream in streams)))
    chunks = []
    after = -1
    while True:
        chunk = statement.where(d.id > after).order_by(d.id).limit(_CHUNK)
        table = await integers(conn, chunk, width=len(QUERIED))
        chunks.append(table)
        if len(table) < _CHUNK:
            break
        after = int(table[-1, -1])
    return held_columns(np.concatenate(chunks))


def _stream_condition(stream: StreamIds) -> Any:
    d = _deployment.c
    tenant = d.tenant_id.is_(None) if stream.tenant is None else d.tenant_id == stream.tenant
    return (
        (d.project_id == stream.project)
        & (d.channel_id == stream.channel)
        & (d.environment_id == stream.environment)
        & tenant
    )


async def integers(conn: Executor, statement: Select[Any], *, width: int) -> Any:
    """The rows of an all-integer query as an (n, width) int64 array, read from the driver's
    cursor: building SQLAlchemy rows would cost more than the query."""
    connection = await conn.connection() if isinstance(conn, AsyncSession) else conn
    result = await connection.execute(statement)
    cursor = getattr(result, "cursor", None)
    rows = cursor.fetchall() if cursor is not None else result.all()
    result.close()
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


class SpaceColumns:
    """Spaces' columns held for metrics, at most `max_bytes`, least recently used dropped
    first; a space's changed streams are read again on its next use."""

    def __init__(self, *, max_bytes: int = HELD_BYTES) -> None:
        self.max_bytes = max_bytes
        self._held: OrderedDict[int, HeldColumns] = OrderedDict()
        self._stale: dict[int, set[StreamIds] | None] = {}
        """Space -> the streams changed since it was read (None: all of it)."""
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.reads = 0
        """Whole spaces read from the store (not a few of their streams)."""
        self.patches = 0
        """Reads of a few changed streams into columns held."""

    def clear(self) -> None:
        self._held.clear()
        self._stale.clear()

    def changed(self, space_id: int | None, streams: Iterable[StreamIds] | None = None) -> None:
        """Deployments of these streams of the space changed (all of it when `streams` is None;
        every space when `space_id` is None)."""
        if space_id is None:
            # Marked rather than dropped: a read under way must not keep what it read.
            for space in {*self._held, *self._locks}:
                self._stale[space] = None
            return
        # Marked even when not held: a read under way may have missed the change.
        pending = self._stale.get(space_id, set())
        if streams is None or pending is None:
            self._stale[space_id] = None
        else:
            self._stale[space_id] = pending | set(streams)

    def held(self, space_id: int) -> DeploymentColumns | None:
        """The space's columns when they are held and current (no I/O)."""
        found = self._held.get(space_id)
        return None if found is None or space_id in self._stale else found.metrics

    async def of_space(self, conn: Executor, *, space_id: int) -> DeploymentColumns:
        async with self._locks[space_id]:
            held = self._held.get(space_id)
            if held is not None and space_id in self._stale:
                held = await self._patched(conn, space_id, held, self._stale.pop(space_id))
            if held is None:
                self._stale.pop(space_id, None)  # what the read will see
                held = await self._load(conn, space_id)
            self._keep(space_id, held)
            return held.metrics

    async def _patched(
        self, conn: Executor, space_id: int, held: HeldColumns, streams: set[StreamIds] | None
    ) -> HeldColumns | None:
        if streams is None or len(streams) > _FEW_STREAMS:
            return None
        self.patches += 1
        if not streams:
            return held
        fresh = await read_space_columns(conn, space_id, streams)
        return held.replaced(held.in_streams(streams), fresh)

    async def _load(self, conn: Executor, space_id: int) -> HeldColumns:
        self.reads += 1
        return await read_space_columns(conn, space_id)

    def _keep(self, space_id: int, held: HeldColumns) -> None:
        self._held[space_id] = held
        self._held.move_to_end(space_id)
        total = sum(columns.nbytes for columns in self._held.values())
        while total > self.max_bytes and len(self._held) > 1:
            _, dropped = self._held.popitem(last=False)
            total -= dropped.nbytes
