"""Per-process caches of answers derived from the store.

Every write raises the store's generation in its own transaction and logs what it changed
(`gateway.store.generation`). A request reads the generation once (`GenerationReader`, one cheap
query); when it moved, `gateway.store.watch` tells each `AnswerCache` what changed, and the cache
drops the answers made from those parts only. Several processes on one database each keep their
own caches and stay consistent through the same log.

Concurrent requests for a missing key share one computation, so that a burst of identical
requests holds one copy of the work in memory, not one per connection.
"""

from __future__ import annotations

import asyncio
import mmap
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.generation import EVERYTHING, GENERATION_KEY, Change, Part, read_generation

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Enough for a dozen metrics answers of a million-deployment store (about 5 MB each)."""
DEFAULT_MAX_ENTRIES = 4096


class GenerationReader:
    """Reads the store's generation. On a SQLite file it uses a plain sqlite3 connection of its
    own on the calling thread: a trip through the async driver's thread costs more than the rest
    of a cached answer. WAL readers never wait for a writer, and outside a transaction every
    query sees the latest commit.

    Even so, a query costs a busy server 15-25 microseconds, as much as the rest of a cached
    answer. So in WAL mode the reader first looks at the WAL index's header in the `-shm` file,
    mapped into memory: every commit of any connection rewrites it (its frame count and change
    counter), in a format SQLite documents for sharing between processes and versions
    (https://sqlite.org/walformat.html, "The WAL-Index Header"). An unchanged header means no
    commit since the last query, so the generation read then still holds. SQLite writes the
    header's two copies one after the other; copies that differ mean a commit is under way, and
    the reader queries. The peek buys a fifth on benchmark bar 2, the cached report list
    (wrk -c8 on 2 cores: 11.5-13.0k requests a second with it, 9.2-9.6k without)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._connection: sqlite3.Connection | None = None
        self._file: Path | None = None
        self._index: mmap.mmap | None = None
        self._seen: tuple[bytes, int] | None = None
        """The WAL index header at the last query, and the generation that query read."""
        self._mapping_tried = False
        self.queries = 0
        database = engine.url.database
        if (
            engine.url.get_backend_name() == "sqlite"
            and database
            and database != ":memory:"
            and not database.startswith("file:")
        ):
            self._file = Path(database).resolve()

    async def read(self) -> int:
        if self._file is None:
            async with self.engine.connect() as connection:
                return await read_generation(connection)
        if self._connection is None:
            read_only = self._file.as_uri() + "?mode=ro"
            self._connection = sqlite3.connect(read_only, uri=True, isolation_level=None)
        header = self._wal_header()
        if header is not None and self._seen is not None and self._seen[0] == header:
            return self._seen[1]
        try:
            self.queries += 1
            row = self._connection.execute(
                "SELECT value FROM store_info WHERE key = ?", (GENERATION_KEY,)
            ).fetchone()
        except sqlite3.OperationalError:
            # A store being replaced (tables dropped and made again): not cacheable now.
            self.close()
            raise
        generation = int(row[0]) if row else 0
        # The header is read before the query: a commit between the two makes the pair look
        # stale, never a stale generation look current.
        self._seen = None if header is None else (header, generation)
        if not self._mapping_tried:
            self._map_wal_index()
        return generation

    def _wal_header(self) -> bytes | None:
        """The WAL index header when its two copies agree; None when there is none mapped."""
        index = self._index
        if index is None:
            return None
        first = index[:_WAL_HEADER]
        return first if first == index[_WAL_HEADER : 2 * _WAL_HEADER] else None

    def _map_wal_index(self) -> None:
        """Map the `-shm` file once the connection has read in WAL mode: from then on it holds
        the file open, so SQLite neither removes it nor leaves WAL mode while the reader lives.
        Without one (another journal mode), every read queries."""
        assert self._connection is not None
        self._mapping_tried = True
        (mode,) = self._connection.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() != "wal":
            return
        try:
            with open(f"{self._file}-shm", "rb") as shm:
                self._index = mmap.mmap(shm.fileno(), 2 * _WAL_HEADER, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self._index = None  # not there or not made yet: keep querying

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self._seen = None
        self._mapping_tried = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None


_WAL_HEADER = 48
"""Bytes in one copy of the WAL index header; the file starts with two copies."""


@dataclass(frozen=True, slots=True)
class Sized:
    """A cached value, roughly how many bytes it holds (for the cache's bound), and the parts of
    the store it was made from (None: it cannot say, so any change makes it stale)."""

    value: Any
    size: int
    parts: frozenset[Part] | None = None


class AnswerCache:
    """Answers made from the store, least recently used evicted past `max_bytes` or
    `max_entries`, each dropped when a change touches the parts it read.

    `generation` is the newest store generation whose changes the cache has been told of
    (`advance`, by `gateway.store.watch.StoreWatch`). An answer built from a generation older
    than that may have missed a change, so it is returned but not kept. A cache nobody
    advances drops everything when it sees a newer generation."""

    def __init__(
        self, *, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.generation: int | None = None
        self._entries: OrderedDict[Hashable, Sized] = OrderedDict()
        self._bytes = 0
        self._pending: dict[tuple[int, Hashable], asyncio.Future[Sized]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self.generation = None

    def advance(self, generation: int, change: Change) -> None:
        """The store moved to `generation` by `change`: drop what it made stale."""
        if change.everything:
            self._entries.clear()
            self._bytes = 0
        else:
            for key in [key for key, kept in self._entries.items() if change.touches(kept.parts)]:
                self._bytes -= self._entries.pop(key).size
        self.generation = generation

    def _at(self, generation: int) -> None:
        if self.generation is None or generation > self.generation:
            self.advance(generation, EVERYTHING)

    def get(self, generation: int, key: Hashable) -> Any | None:
        self._at(generation)
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found.value

    def put(
        self,
        generation: int,
        key: Hashable,
        value: Any,
        size: int,
        parts: frozenset[Part] | None = None,
    ) -> None:
        self._at(generation)
        if size > self.max_bytes or generation != self.generation:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._entries[key] = Sized(value, size, parts)
        self._bytes += size
        while self._bytes > self.max_bytes or len(self._entries) > self.max_entries:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size

    async def get_or_build(
        self,
        generation: int,
        key: Hashable,
        build: Callable[[], Awaitable[Sized]],
    ) -> Any:
        """The cached answer, or the value `build()` returns (kept unless built by
        `uncached`). Identical concurrent misses at one generation build once and share the
        result or error."""
        found = self.get(generation, key)
        if found is not None:
            return found
        self.misses += 1
        slot = (generation, key)
        pending = self._pending.get(slot)
        if pending is not None:
            return (await asyncio.shield(pending)).value
        future: asyncio.Future[Sized] = asyncio.get_running_loop().create_future()
        self._pending[slot] = future
        try:
            built = await build()
        except BaseException as error:
            future.set_exception(error)
            # Retrieved here, so that a failure nobody else awaited is not reported as lost.
            future.exception()
            raise
        finally:
            del self._pending[slot]
        future.set_result(built)
        if built.size >= 0:
            self.put(generation, key, built.value, built.size, built.parts)
        return built.value


def uncached(value: Any) -> Sized:
    """A built answer that must not be kept (an error, a write)."""
    return Sized(value, -1)
