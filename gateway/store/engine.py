"""The async engine: SQLite through aiosqlite by default, PostgreSQL through asyncpg by URL alone.

`open_store` creates the tables of an empty database, refuses a store written by another schema
version, and says when a store was left incomplete by an interrupted seed or import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.ext.asyncio import async_sessionmaker as _async_sessionmaker
from sqlmodel import SQLModel

from gateway.store.models import SCHEMA_VERSION, StoreInfo

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/insights.db"

SCHEMA_VERSION_KEY = "schema_version"
STATE_KEY = "state"
COMPLETE = "complete"


class StoreError(Exception):
    """The store cannot be used as it is; the message says why and what to do."""


class IncompleteStoreError(StoreError):
    """An earlier seed or import stopped part way; the store must be reset."""


def create_engine(database_url: str = DEFAULT_DATABASE_URL, **options: Any) -> AsyncEngine:
    """An async engine for the URL; a SQLite file's folder is created, WAL and foreign keys on."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **options)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a writer commits; NORMAL is durable at every checkpoint in WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> _async_sessionmaker[AsyncSession]:
    """One `AsyncSession` per unit of work; objects stay readable after commit."""
    return _async_sessionmaker(engine, expire_on_commit=False)


async def prepare_store(engine: AsyncEngine, *, allow_incomplete: bool = False) -> None:
    """Create the tables of an empty database; refuse a store of another schema version, and
    (unless `allow_incomplete`) one that an interrupted seed or import left incomplete."""
    async with engine.begin() as connection:
        existing = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        if not existing:
            await connection.run_sync(SQLModel.metadata.create_all)
            await _write_info(connection, SCHEMA_VERSION_KEY, str(SCHEMA_VERSION))
            await _write_info(connection, STATE_KEY, COMPLETE)
            return
        if StoreInfo.__tablename__ not in existing:
            raise StoreError(
                f"the database at {_describe(engine)} holds tables that are not an insights store; "
                "point --database-url at an empty database or an insights store"
            )
        info = await read_info(connection)
        version = info.get(SCHEMA_VERSION_KEY)
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"the store at {_describe(engine)} was written with schema version {version}, "
                f"and this version of Insights Gateway reads version {SCHEMA_VERSION}; "
                "export it with the version that wrote it, or start again with `python -m seed "
                "generate --reset`"
            )
        await connection.run_sync(SQLModel.metadata.create_all)
        state = info.get(STATE_KEY, COMPLETE)
        if state != COMPLETE and not allow_incomplete:
            raise IncompleteStoreError(
                f"the store at {_describe(engine)} is incomplete: {state}. "
                "Run `python -m seed generate --reset` (or `import FILE --reset`) to start again"
            )


async def read_info(connection: AsyncConnection) -> dict[str, str]:
    rows = await connection.execute(select(StoreInfo.key, StoreInfo.value))  # type: ignore[call-overload]
    return dict(rows.all())


async def _write_info(connection: AsyncConnection, key: str, value: str) -> None:
    table = StoreInfo.__table__  # type: ignore[attr-defined]
    await connection.execute(table.delete().where(table.c.key == key))
    await connection.execute(table.insert().values(key=key, value=value))


async def mark_state(engine: AsyncEngine, state: str) -> None:
    """Record the store's state in a committed transaction of its own (COMPLETE, or the work
    under way)."""
    async with engine.begin() as connection:
        await _write_info(connection, STATE_KEY, state)


async def store_state(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        return (await read_info(connection)).get(STATE_KEY, COMPLETE)


def _describe(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=True)


@asynccontextmanager
async def opened_store(
    database_url: str, *, allow_incomplete: bool = False, **options: Any
) -> AsyncIterator[AsyncEngine]:
    """An engine on a prepared store, disposed of on exit."""
    engine = create_engine(database_url, **options)
    try:
        await prepare_store(engine, allow_incomplete=allow_incomplete)
        yield engine
    finally:
        await engine.dispose()
