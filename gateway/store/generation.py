"""The store's generation, and what each write changed.

Every write raises the generation in its own transaction and logs, under the new number, the
parts of the store it changed (`bump_generation`). A process that holds answers or columns reads
the generation before it answers; when it moved, it reads the log since the number it last saw
(`changes_since`) and drops only what those writes made stale (`gateway.store.watch`). That holds
for every process, on any machine, sharing the database.

    Part(kind, number)  a part of the store an answer reads: a space's list of `reports`, its
                        `deployments` or `catalogue`, by the space's number, or one `report`
                        by its own; number None: that kind everywhere (for the catalogue, the
                        list of spaces too)
    Change              the parts a write changed, and the streams whose deployments (or their
                        facts) it changed; `EVERYTHING` when it cannot say

A writer that tells nothing particular (a seed, an import, a migration, a tool writing behind
the servers' back) changes everything: still correct, only slower for the readers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import BigInteger, String, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gateway.store.models import StoreChange, StoreInfo

REPORTS = "reports"
REPORT = "report"
DEPLOYMENTS = "deployments"
CATALOGUE = "catalogue"

GENERATION_KEY = "generation"
KEPT_CHANGES = 10_000
"""Changes kept in the log; a process further behind than that drops everything it holds."""

Executor = AsyncConnection | AsyncSession

_info = StoreInfo.__table__  # type: ignore[attr-defined]
_change = StoreChange.__table__  # type: ignore[attr-defined]


class StreamIds(NamedTuple):
    """A stream: the deployments of one project, channel, environment and tenant (or none)."""

    project: int
    channel: int
    environment: int
    tenant: int | None


class Part(NamedTuple):
    kind: str
    number: int | None

    def meets(self, other: Part) -> bool:
        """Whether a change of one is a change of the other (None stands for every number)."""
        return self.kind == other.kind and (
            self.number is None or other.number is None or self.number == other.number
        )


@dataclass(frozen=True, slots=True)
class Change:
    """The parts a write changed (None: everything), and the streams of each space whose
    deployments it changed (their space's `deployments` part is among `parts`)."""

    parts: frozenset[Part] | None = None
    streams: frozenset[tuple[int, StreamIds]] = field(default_factory=frozenset)

    @property
    def everything(self) -> bool:
        return self.parts is None

    def touches(self, parts: frozenset[Part] | None) -> bool:
        """Whether an answer that read `parts` (None: it cannot say) is stale after this."""
        if self.parts is None or parts is None:
            return True
        return any(changed.meets(read) for changed in self.parts for read in parts)

    def to_json(self) -> str:
        if self.parts is None:
            return json.dumps({"everything": True})
        return json.dumps(
            {
                "parts": sorted([part.kind, part.number] for part in self.parts),
                "streams": sorted([space, *stream] for space, stream in self.streams),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Change:
        data = json.loads(text)
        if data.get("everything"):
            return EVERYTHING
        return cls(
            frozenset(Part(kind, number) for kind, number in data["parts"]),
            frozenset((row[0], StreamIds(*row[1:])) for row in data["streams"]),
        )


EVERYTHING = Change()


def reports_changed(space_id: int, report_id: int) -> Change:
    """A report of the space was made, changed or deleted."""
    return Change(frozenset({Part(REPORTS, space_id), Part(REPORT, report_id)}))


def catalogue_changed(space_ids: Iterable[int]) -> Change:
    """Names or tags of spaces' entities changed, or entities were added (the list of spaces
    too, when one of them is new or renamed)."""
    return Change(frozenset({Part(CATALOGUE, space) for space in space_ids}))


def deployments_changed(streams: Iterable[tuple[int, StreamIds]]) -> Change:
    """Deployments of these streams (space, stream) were added or changed, or their facts."""
    chosen = frozenset(streams)
    return Change(frozenset(Part(DEPLOYMENTS, space) for space, _ in chosen), chosen)


async def read_generation(executor: Executor) -> int:
    """The current generation (0 for a store never written since it was made)."""
    value = await executor.scalar(select(_info.c.value).where(_info.c.key == GENERATION_KEY))
    return int(value or 0)


async def bump_generation(executor: Executor, change: Change = EVERYTHING) -> int:
    """Raise the generation inside the caller's transaction and log `change` under the new one,
    which is returned: readers see both exactly when they see the written data."""
    raised = await executor.execute(
        update(_info)
        .where(_info.c.key == GENERATION_KEY)
        .values(value=cast(cast(_info.c.value, BigInteger) + 1, String))
    )
    if raised.rowcount == 0:  # type: ignore[attr-defined]
        await executor.execute(_info.insert().values(key=GENERATION_KEY, value="1"))
    generation = await read_generation(executor)
    await executor.execute(_change.insert().values(generation=generation, change=change.to_json()))
    if generation % 100 == 0:
        await executor.execute(
            delete(_change).where(_change.c.generation <= generation - KEPT_CHANGES)
        )
    return generation


async def changes_since(executor: Executor, seen: int, now: int) -> Change | None:
    """What changed after generation `seen` up to `now` (and perhaps after it), all together;
    None when the log lacks some of it (pruned, or a store replaced whole)."""
    rows = (
        await executor.execute(
            select(_change.c.generation, _change.c.change)
            .where(_change.c.generation > seen)
            .order_by(_change.c.generation)
        )
    ).all()
    numbers = [number for number, _ in rows]
    if numbers[: now - seen] != list(range(seen + 1, now + 1)):
        return None
    changes = [Change.from_json(text) for _, text in rows]
    if any(change.parts is None for change in changes):
        return EVERYTHING
    parts = frozenset[Part]().union(*(change.parts or () for change in changes))
    streams = frozenset[tuple[int, StreamIds]]().union(*(change.streams for change in changes))
    return Change(parts, streams)
