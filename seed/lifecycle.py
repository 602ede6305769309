"""Filling a store safely: refuse a store that has data unless told to reset, and never leave a
silently half-written one.

A load marks the store incomplete (committed on its own), then clears and writes everything,
facts included, in one transaction, and marks the store complete. Stopped by an error (or by
`Interrupted` from a progress callback, which is how Ctrl-C stops it), the transaction rolls
back and the old mark is put back: the old data stays. Killed outright, the database still rolls
the transaction back, and the mark names the run that did not finish until a run with `--reset`
replaces the store. (Ctrl-C does not cancel the asyncio task: a cancelled aiosqlite connection
can leave the next statement waiting forever.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.insights.ticks import format_timestamp
from gateway.store.bulk import create_indexes, drop_indexes, secondary_indexes
from gateway.store.engine import (
    COMPLETE,
    STATE_KEY,
    StoreError,
    mark_state,
    prepare_store,
    read_info,
    reset_store,
    use_wal,
)
from gateway.store.facts import refresh_facts
from gateway.store.models import StoreInfo
from seed.writer import DATA_TABLES, DEPLOYMENT, RELEASE

ORIGIN_KEY = "origin"
"""What wrote the store's data: `seed demo`, `seed generate --seed 1 ...`, `seed import ...`."""
HISTORY_KEY = "generated_history"
"""For a generated store, the generation's settings and where its history ends, as JSON
(`seed.continuation`); every load replaces it, so an imported store has none."""

BULK_INDEXES = secondary_indexes([RELEASE, DEPLOYMENT])
"""Made again after the rows are in: one sort per index instead of a random insert per row."""
_LOAD_CACHE_KIB = -65_536
"""64 MiB of SQLite page cache during a load (a negative cache_size counts KiB)."""
_SORT_THREADS = 2
"""SQLite's helper threads for sorting the index keys (its build caps them at 8)."""

Fill = Callable[[Connection], int | None]
"""Writes the data through a synchronous connection inside the load's transaction; returns how
many deployments it wrote with their facts, or None when the load must work the facts out."""


class SeedError(Exception):
    """An expected refusal: the message says what is wrong and what to do."""


class Interrupted(Exception):
    """Raised by a progress callback to stop a load at a batch boundary; the load rolls back."""


@dataclass(frozen=True)
class LoadSummary:
    counts: dict[str, int]
    """Rows per table after the load."""
    seconds: float
    facts: int = 0
    notes: list[str] = field(default_factory=list)


async def load_store(
    engine: AsyncEngine,
    *,
    origin: str,
    fill: Fill,
    reset: bool,
    may_replace: Callable[[dict[str, str]], bool] | None = None,
    facts_progress: Callable[[int], None] | None = None,
    refusal_hint: str = "run again with --reset to replace it",
    trusted: bool = False,
    history: str | None = None,
) -> LoadSummary:
    """Fill the store with `fill`; refuse a store that has data (or is incomplete) unless
    `reset`, or unless `may_replace(store_info)` says the data may go; a refusal ends with
    `refusal_hint`.

    A `trusted` fill writes rows whose references hold by construction (the generator's): on
    SQLite the load then skips checking foreign keys row by row, which costs a bulk load about
    as much as writing the rows. `history` is recorded under `HISTORY_KEY` (a load without one
    leaves the store with none)."""
    started = time.monotonic()
    await _prepare(engine, reset=reset)
    async with engine.connect() as connection:
        info = await read_info(connection)
        counts = await _counts(connection)
    replaceable = reset or (may_replace is not None and may_replace(info))
    state = info.get(STATE_KEY, COMPLETE)
    where = describe(engine)
    if state != COMPLETE and not replaceable:
        raise SeedError(f"the store at {where} is incomplete: {state}; {refusal_hint}")
    if any(counts.values()) and not replaceable:
        raise SeedError(
            f"the store at {where} already holds data ({describe_counts(counts)}); {refusal_hint}"
        )
    await mark_state(engine, f"{origin} started at {_now()} did not finish")
    facts = 0
    try:
        async with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            unchecked = trusted and sqlite
            if unchecked:
                # Only outside a transaction does SQLite take this.
                await _foreign_keys(connection, on=False)
            journaled = sqlite and await _rollback_journal(connection)
            try:
                async with connection.begin():
                    if sqlite:
                        # The driver would run DDL (the index drops) outside any transaction.
                        await connection.exec_driver_sql("BEGIN IMMEDIATE")
                    if any(counts.values()):
                        await connection.run_sync(_clear)
                    previous_cache = await connection.run_sync(_begin_bulk_load)
                    try:
                        given = await connection.run_sync(fill)
                        await connection.run_sync(_build_indexes, previous_cache)
                        if given is None:
                            facts = await refresh_facts(connection, progress=facts_progress)
                        else:
                            facts = given
                    finally:
                        await connection.run_sync(_end_bulk_load, previous_cache)
                    await _set_origin(connection, origin, history)
            finally:
                if unchecked:
                    await _foreign_keys(connection, on=True)
                if journaled:
                    # Every new connection switches a store back to WAL too (see `use_wal`).
                    await use_wal(connection)
    except Exception:
        # The transaction rolled back: the old data is whole again, and so is its old mark.
        await mark_state(engine, state)
        raise
    await mark_state(engine, COMPLETE)
    async with engine.connect() as connection:
        final = await _counts(connection)
    return LoadSummary(counts=final, seconds=time.monotonic() - started, facts=facts)


async def _prepare(engine: AsyncEngine, *, reset: bool) -> None:
    """Prepare the store; with `reset`, a store this version cannot migrate is dropped and made
    again (`reset_store` refuses a database that is not an insights store)."""
    try:
        await prepare_store(engine, allow_incomplete=True)
    except StoreError:
        if not reset:
            raise
        await reset_store(engine)
        await prepare_store(engine, allow_incomplete=True)


async def _foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    await connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    await connection.commit()


async def _rollback_journal(connection: AsyncConnection) -> bool:
    """Leave WAL for a rollback journal during the load, where this connection has the file to
    itself (SQLite refuses the switch while another has it open). A WAL holds each page the
    load writes until a checkpoint copies it into the database: a second write of the whole
    store. A rollback journal keeps only the old content of the pages the load changes, and
    rolls back as surely. True when switched; `use_wal` switches back."""
    try:
        mode = (await connection.exec_driver_sql("PRAGMA journal_mode=DELETE")).scalar_one()
    except OperationalError:  # "database is locked": another connection has the file open
        await connection.rollback()
        return False
    await connection.commit()
    return str(mode).lower() == "delete"


def _begin_bulk_load(connection: Connection) -> int | None:
    """Drop the bulk tables' secondary indexes for the load (after clearing, which needs them
    to find children); on SQLite, give the connection a page cache that holds the load's working
    set, so that it does not spill pages mid-transaction. Returns the cache size to restore."""
    drop_indexes(connection, BULK_INDEXES)
    if connection.dialect.name != "sqlite":
        return None
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {_LOAD_CACHE_KIB}")
    return previous


def _build_indexes(connection: Connection, previous_cache: int | None) -> None:
    """Make the dropped indexes again. On SQLite, with the connection's usual page cache and
    helper threads: with a small cache SQLite sorts each index in runs that its helper threads
    sort side by side, where one large cache makes it a single sort on one core (a quarter
    slower for a million deployments)."""
    if previous_cache is None:
        create_indexes(connection, BULK_INDEXES)
        return
    connection.exec_driver_sql(f"PRAGMA cache_size = {previous_cache}")
    connection.exec_driver_sql(f"PRAGMA threads = {_SORT_THREADS}")
    try:
        create_indexes(connection, BULK_INDEXES)
    finally:
        connection.exec_driver_sql("PRAGMA threads = 0")


def _end_bulk_load(connection: Connection, previous_cache: int | None) -> None:
    if previous_cache is not None:
        connection.exec_driver_sql(f"PRAGMA cache_size = {previous_cache}")


def _clear(connection: Connection) -> None:
    for table in reversed(DATA_TABLES):
        connection.execute(table.delete())


async def _counts(connection: AsyncConnection) -> dict[str, int]:
    counts = {}
    for table in DATA_TABLES:
        counts[table.name] = (
            await connection.execute(select(func.count()).select_from(table))
        ).scalar_one()
    return counts


async def _set_origin(connection: AsyncConnection, origin: str, history: str | None) -> None:
    table = StoreInfo.__table__  # type: ignore[attr-defined]
    await connection.execute(table.delete().where(table.c.key.in_([ORIGIN_KEY, HISTORY_KEY])))
    await connection.execute(table.insert().values(key=ORIGIN_KEY, value=origin))
    if history is not None:
        await connection.execute(table.insert().values(key=HISTORY_KEY, value=history))


def describe(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=True)


def describe_counts(counts: dict[str, int]) -> str:
    shown = [
        f"{counts.get(name, 0):,} {label}"
        for name, label in (
            ("space", "spaces"),
            ("project", "projects"),
            ("deployment", "deployments"),
        )
    ]
    return ", ".join(shown)


def _now() -> str:
    return format_timestamp(time.time_ns() // 100)
