"""The event index: every event the store's deployments imply, in time order, as numpy columns.

Which events a deployment has (`mock_server.derivation` says when each occurred):
- `DeploymentQueued`, always; `DeploymentStarted` once it has started;
- with a guided failure, `GuidedFailureInterruptionRaised`, and `DeploymentResumed` when the
  deployment then succeeded;
- once completed: `DeploymentSucceeded`, `DeploymentFailed` (Failed, TimedOut) or
  `TaskCanceled`.

Events are ordered by when they occurred, then deployment id, then that order; an event's auto
id (`Events-N`) is its place in that order, from 1, across every space. Nothing happens after
the history's end, so events that `POST /admin/advance` adds come after every earlier one, and
the earlier ones keep their ids. The index is built once per store generation (about 20 bytes
an event: a million deployments make about 3.3 million events).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.insights.deployments import TaskState
from gateway.store.cache import AnswerCache, Sized
from gateway.store.models import Deployment
from mock_server.derivation import EventKind, raised_at, resumed_at, terminal_kind
from mock_server.listing import IdArray

_deployment = Deployment.__table__  # type: ignore[attr-defined]
_NULL = -(1 << 62)
_CHUNK = 65_536
_NO_KIND = -1


@dataclass(frozen=True)
class EventIndex:
    """Event columns in auto id order: position p holds `Events-(p + 1)`."""

    occurred: IdArray
    deployment: IdArray
    kind: npt.NDArray[np.int8]
    space: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.occurred)

    @property
    def size(self) -> int:
        columns = (self.occurred, self.deployment, self.kind, self.space)
        return sum(int(column.nbytes) for column in columns)


async def event_index(
    connection: AsyncConnection, indexes: AnswerCache, generation: int
) -> EventIndex:
    async def build() -> Sized:
        index = await _read_index(connection)
        return Sized(index, index.size + 64)

    index: EventIndex = await indexes.get_or_build(generation, "events", build)
    return index


def _terminal_code() -> Any:
    """The terminal event kind of a task state, in SQL, from the one rule (`terminal_kind`)."""
    d = _deployment.c
    whens = [
        (d.task_state == state.value, int(kind))
        for state in TaskState
        if (kind := terminal_kind(state.value)) is not None
    ]
    return case(*whens, else_=_NO_KIND)


async def _read_index(connection: AsyncConnection) -> EventIndex:
    d = _deployment.c
    columns: list[list[IdArray]] = [[] for _ in range(4)]
    after = -1
    while True:
        statement = (
            select(
                d.id,
                d.space_id,
                d.queue_time,
                func.coalesce(d.start_time, _NULL),
                func.coalesce(d.completed_time, _NULL),
                _terminal_code(),
                d.had_guided_failure,
            )
            .where(d.id > after)
            .order_by(d.id)
            .limit(_CHUNK)
        )
        result = await connection.execute(statement)
        cursor = getattr(result, "cursor", None)
        rows = cursor.fetchall() if cursor is not None else result.all()
        result.close()
        if not rows:
            break
        table = np.array(rows, dtype=np.int64).reshape(len(rows), 7)
        for column, part in zip(columns, _chunk_events(table), strict=True):
            column.append(part)
        if len(rows) < _CHUNK:
            break
        after = int(table[-1, 0])
    if not columns[0]:
        empty = np.zeros(0, dtype=np.int64)
        return EventIndex(empty, empty, np.zeros(0, dtype=np.int8), empty)
    occurred, deployment, kind, space = (np.concatenate(column) for column in columns)
    order = np.lexsort((kind, deployment, occurred))
    return EventIndex(
        occurred=occurred[order],
        deployment=deployment[order],
        kind=kind[order].astype(np.int8),
        space=space[order],
    )


def _chunk_events(table: npt.NDArray[np.int64]) -> tuple[IdArray, IdArray, IdArray, IdArray]:
    """The events of a chunk of deployments in id order (columns: id, space, queue, start,
    completed, terminal kind, guided), unordered: occurred, deployment, kind, space."""
    ids, spaces, queued, started, completed, terminal, guided = table.T
    has_start = started != _NULL
    done = (completed != _NULL) & (terminal != _NO_KIND)
    moments, numbers, kinds = [], [], []
    # Guided failures are a few in a hundred: their two times come from the scalar rules.
    for row in table[guided != 0].tolist():
        number, _, queue, start, end, kind = row[:6]
        start_or_none = None if start == _NULL else start
        end_or_none = None if end == _NULL else end
        moments.append(raised_at(queue, start_or_none, end_or_none))
        numbers.append(number)
        kinds.append(int(EventKind.GUIDED_FAILURE))
        if end_or_none is not None and kind == EventKind.SUCCEEDED:
            moments.append(resumed_at(queue, start_or_none, end_or_none))
            numbers.append(number)
            kinds.append(int(EventKind.RESUMED))
    occurred = np.concatenate(
        [queued, started[has_start], completed[done], np.array(moments, dtype=np.int64)]
    )
    deployment = np.concatenate([ids, ids[has_start], ids[done], np.array(numbers, dtype=np.int64)])
    kind_column = np.concatenate(
        [
            np.full(len(ids), int(EventKind.QUEUED), dtype=np.int64),
            np.full(int(has_start.sum()), int(EventKind.STARTED), dtype=np.int64),
            terminal[done],
            np.array(kinds, dtype=np.int64),
        ]
    )
    space = spaces[np.searchsorted(ids, deployment)]
    return occurred, deployment, kind_column, space


@dataclass(frozen=True)
class EventSelection:
    """Which events a request asks for; every part given narrows it."""

    ids: frozenset[int] | None = None
    """Auto ids."""
    spaces: frozenset[int] | None = None
    kinds: frozenset[int] | None = None
    deployments: IdArray | None = None
    """Only the events of these deployments (what `regarding` names)."""
    occurred: tuple[int, int] | None = None
    auto_ids: tuple[int | None, int | None] | None = None
    """An inclusive range of auto ids; either end may be open."""

    def positions(self, index: EventIndex) -> IdArray | None:
        """The positions of the chosen events in auto id order; None when every event is."""
        total = len(index)
        chosen: npt.NDArray[np.bool_] | None = None

        def narrow(mask: npt.NDArray[np.bool_]) -> None:
            nonlocal chosen
            chosen = mask if chosen is None else chosen & mask

        if self.ids is not None:
            wanted = np.array(sorted(number - 1 for number in self.ids if 0 < number <= total))
            mask = np.zeros(total, dtype=np.bool_)
            mask[wanted.astype(np.int64)] = True
            narrow(mask)
        if self.auto_ids is not None:
            low, high = self.auto_ids
            numbers = np.arange(1, total + 1)
            narrow((numbers >= (low or 0)) & (numbers <= (high if high is not None else total)))
        if self.spaces is not None:
            narrow(np.isin(index.space, np.array(sorted(self.spaces), dtype=np.int64)))
        if self.kinds is not None:
            narrow(np.isin(index.kind, np.array(sorted(self.kinds), dtype=np.int8)))
        if self.deployments is not None:
            narrow(np.isin(index.deployment, self.deployments))
        if self.occurred is not None:
            low, high = self.occurred
            narrow((index.occurred >= low) & (index.occurred <= high))
        return None if chosen is None else np.flatnonzero(chosen)
