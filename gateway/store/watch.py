"""One place where a server learns that the store changed, and what of it.

`StoreWatch.read` is the generation a request answers at. When the generation moved since the
last read, it reads the log of changes in between (`changes_since`) and, before any request can
use the new number, tells each answer cache to drop what the changes touched and the held columns
which streams to read again. A log that lacks some of the changes (pruned, or a store replaced
whole) counts as a change of everything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.cache import AnswerCache, GenerationReader
from gateway.store.columns import SpaceColumns
from gateway.store.generation import DEPLOYMENTS, EVERYTHING, Change, StreamIds, changes_since


class StoreWatch:
    def __init__(
        self, engine: AsyncEngine, *, caches: Iterable[AnswerCache], columns: SpaceColumns
    ) -> None:
        self.engine = engine
        self.caches = tuple(caches)
        self.columns = columns
        self._reader = GenerationReader(engine)
        self._seen: int | None = None
        self._lock = asyncio.Lock()
        self.changes_read = 0

    async def read(self) -> int:
        generation = await self._reader.read()
        if generation == self._seen:
            return generation
        async with self._lock:
            seen = self._seen
            if generation != seen:
                change = await self._change(seen, generation)
                self._apply(generation, change)
                self._seen = generation
        return generation

    async def _change(self, seen: int | None, generation: int) -> Change:
        if seen is None or generation < seen:
            return EVERYTHING
        self.changes_read += 1
        async with self.engine.connect() as connection:
            change = await changes_since(connection, seen, generation)
        return EVERYTHING if change is None else change

    def _apply(self, generation: int, change: Change) -> None:
        for cache in self.caches:
            cache.advance(generation, change)
        if change.parts is None:
            self.columns.changed(None)
            return
        streams: dict[int, set[StreamIds]] = {}
        for space, stream in change.streams:
            streams.setdefault(space, set()).add(stream)
        for part in change.parts:
            if part.kind != DEPLOYMENTS:
                continue
            if part.number is None:
                self.columns.changed(None)
            elif part.number in streams:
                self.columns.changed(part.number, streams[part.number])
            else:
                self.columns.changed(part.number)

    def close(self) -> None:
        self._reader.close()
