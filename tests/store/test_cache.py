"""The per-process answer cache and the generation it is keyed by."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.store.cache import AnswerCache, GenerationReader, Sized, uncached
from gateway.store.engine import create_engine, prepare_store, reset_store
from gateway.store.generation import bump_generation, read_generation


def test_an_answer_is_kept_for_its_generation_only() -> None:
    cache = AnswerCache()
    cache.put(3, "list", b"three", 5)
    assert cache.get(3, "list") == b"three"
    assert cache.get(4, "list") is None
    # Seeing another generation emptied the cache: back at 3, nothing is left.
    assert cache.get(3, "list") is None


def test_least_recently_used_answers_go_first_past_the_byte_bound() -> None:
    cache = AnswerCache(max_bytes=10)
    cache.put(1, "a", "A", 4)
    cache.put(1, "b", "B", 4)
    assert cache.get(1, "a") == "A"
    cache.put(1, "c", "C", 4)
    assert cache.get(1, "b") is None
    assert (cache.get(1, "a"), cache.get(1, "c")) == ("A", "C")
    cache.put(1, "huge", "H", 11)
    assert cache.get(1, "huge") is None


def test_the_entry_bound_holds_too() -> None:
    cache = AnswerCache(max_entries=2)
    for key in "abc":
        cache.put(1, key, key, 1)
    assert len(cache) == 2
    assert cache.get(1, "a") is None


async def test_identical_concurrent_misses_build_once() -> None:
    cache = AnswerCache()
    builds = 0
    release = asyncio.Event()

    async def build() -> Sized:
        nonlocal builds
        builds += 1
        await release.wait()
        return Sized("answer", 6)

    waiting = [asyncio.create_task(cache.get_or_build(1, "k", build)) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == ["answer"] * 5
    assert builds == 1
    assert await cache.get_or_build(1, "k", build) == "answer"
    assert builds == 1


async def test_an_uncached_answer_or_a_failure_is_not_kept() -> None:
    cache = AnswerCache()
    calls = 0

    async def error_answer() -> Sized:
        nonlocal calls
        calls += 1
        return uncached("not found")

    assert await cache.get_or_build(1, "k", error_answer) == "not found"
    assert await cache.get_or_build(1, "k", error_answer) == "not found"
    assert calls == 2

    async def failing() -> Sized:
        raise LookupError("gone")

    with pytest.raises(LookupError):
        await cache.get_or_build(1, "f", failing)
    assert cache.get(1, "f") is None


async def test_the_reader_sees_another_engines_commit_at_once(
    engine: AsyncEngine, database_url: str
) -> None:
    reader = GenerationReader(engine)
    other = create_engine(database_url)
    try:
        before = await reader.read()
        async with other.begin() as connection:
            await bump_generation(connection)
        assert await reader.read() == before + 1
        async with engine.connect() as connection:
            assert await read_generation(connection) == before + 1
    finally:
        reader.close()
        await other.dispose()


async def test_a_reset_store_goes_on_from_the_old_generation(engine: AsyncEngine) -> None:
    for _ in range(3):
        async with engine.begin() as connection:
            await bump_generation(connection)
    async with engine.connect() as connection:
        before = await read_generation(connection)
    await reset_store(engine)
    async with engine.connect() as connection:
        assert await read_generation(connection) > before


def _bump_with_sqlite3(path: Path) -> None:
    """A commit raising the generation, through a connection of its own (as another process's
    would be): the row exists already."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute(
            "UPDATE store_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'generation'"
        )


async def _sqlite_store(tmp_path: Path) -> tuple[Path, AsyncEngine]:
    path = tmp_path / "store.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await prepare_store(engine)
    async with engine.begin() as connection:
        await bump_generation(connection)  # the row exists from here on
    return path, engine


async def test_on_a_wal_store_an_unchanged_generation_is_read_without_a_query(
    tmp_path: Path,
) -> None:
    path, engine = await _sqlite_store(tmp_path)
    reader = GenerationReader(engine)
    try:
        assert await reader.read() == 1
        assert await reader.read() == 1
        queries = reader.queries
        for _ in range(50):
            assert await reader.read() == 1
        assert reader.queries == queries
        _bump_with_sqlite3(path)
        assert await reader.read() == 2
        assert reader.queries == queries + 1
    finally:
        reader.close()
        await engine.dispose()


@pytest.mark.parametrize("checkpoint", ["PASSIVE", "RESTART", "TRUNCATE"])
async def test_every_commit_is_seen_through_checkpoints(tmp_path: Path, checkpoint: str) -> None:
    """Checkpoints move the WAL back to its start (RESTART, TRUNCATE): the next commit writes
    frames where older ones were, and must still be seen."""
    path, engine = await _sqlite_store(tmp_path)
    reader = GenerationReader(engine)
    expected = 1
    try:
        assert await reader.read() == expected
        for round_number in range(40):
            _bump_with_sqlite3(path)
            expected += 1
            if round_number % 3 == 0:
                with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
                    other.execute(f"PRAGMA wal_checkpoint({checkpoint})")
            assert await reader.read() == expected
            assert await reader.read() == expected
    finally:
        reader.close()
        await engine.dispose()


async def test_a_commit_by_another_process_is_seen_at_once(tmp_path: Path) -> None:
    path, engine = await _sqlite_store(tmp_path)
    reader = GenerationReader(engine)
    try:
        assert await reader.read() == 1
        assert await reader.read() == 1
        for expected in (2, 3):
            bump = await asyncio.create_subprocess_exec(
                sys.executable, "-c", _BUMP_IN_ANOTHER_PROCESS, str(path)
            )
            assert await bump.wait() == 0
            assert await reader.read() == expected
    finally:
        reader.close()
        await engine.dispose()


_BUMP_IN_ANOTHER_PROCESS = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute(
    "UPDATE store_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
    "WHERE key = 'generation'"
)
connection.close()
"""


async def test_without_a_wal_every_read_queries(tmp_path: Path) -> None:
    path, engine = await _sqlite_store(tmp_path)
    await engine.dispose()
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        assert connection.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    # An engine that leaves the journal mode alone, as a reader of someone else's file would.
    plain = create_async_engine(f"sqlite+aiosqlite:///{path}")
    reader = GenerationReader(plain)
    try:
        assert await reader.read() == 1
        assert await reader.read() == 1
        _bump_with_sqlite3(path)
        assert await reader.read() == 2
        assert reader.queries == 3
    finally:
        reader.close()
        await plain.dispose()
