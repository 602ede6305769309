"""The async engine: SQLite through aiosqlite by default, PostgreSQL through asyncpg by URL alone.

The schema is Alembic's (`gateway.store.migrations`). `prepare_store` (tests, the seeder,
`migrate`) brings an empty or older store to the current revision; `check_store` (the servers)
changes nothing and refuses a store that is not at the current revision, or that an interrupted
seed or import left incomplete.

    StoreError                the store cannot be used as it is; the message says what to do
     +-- UnmigratedStoreError  empty, or at an older revision: `python -m seed migrate` fixes it
     +-- NewerStoreError       written by a newer version of Insights Gateway
     +-- IncompleteStoreError  a seed or import stopped part way; the store must be reset
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.ext.asyncio import async_sessionmaker as _async_sessionmaker

from gateway.settings import DEFAULT_DATABASE_URL
from gateway.store import migrations
from gateway.store.generation import GENERATION_KEY, bump_generation
from gateway.store.health import DAMAGED_ADVICE, damage_of
from gateway.store.models import StoreInfo

STATE_KEY = "state"
COMPLETE = "complete"

# Serializes migrations of one PostgreSQL database started by several processes at once.
_MIGRATION_LOCK = 0x1A51_6475


class StoreError(Exception):
    """The store cannot be used as it is; the message says why and what to do."""


class UnmigratedStoreError(StoreError):
    """The database holds no store yet, or one at an older revision: migrating fixes it."""


class NewerStoreError(StoreError):
    """The store was written by a newer version of Insights Gateway."""


class IncompleteStoreError(StoreError):
    """An earlier seed or import stopped part way; the store must be reset."""


@dataclass(frozen=True)
class Migration:
    """What `migrate` did: the revision before (None: no store) and after."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


_URL_HINT = "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST/DATABASE"


def create_engine(database_url: str = DEFAULT_DATABASE_URL, **options: Any) -> AsyncEngine:
    """An async engine for the URL (SQLite: WAL and foreign keys on); nothing is created until a
    store is made (`migrate_store`, `reset_store`). Raises `StoreError` for a URL it cannot use
    (not a URL, an unknown or synchronous driver)."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise StoreError(f"the database URL is not a URL; {_URL_HINT}") from None
    try:
        if url.get_backend_name() == "sqlite":
            engine = create_async_engine(url, **options)
            event.listen(engine.sync_engine, "connect", _configure_sqlite)
            return engine
        return create_async_engine(url, pool_pre_ping=True, **options)
    except (ArgumentError, InvalidRequestError, ImportError) as error:
        shown = url.render_as_string(hide_password=True)
        raise StoreError(f"cannot use the database URL {shown} ({error}); {_URL_HINT}") from None


_BUSY_TIMEOUT_MS = 30_000


def _use_wal(cursor: Any) -> None:
    """Switch a new database to WAL (a store stays in it once switched). Connections opening a
    new file together race for the switch, and SQLite answers the losers "database is locked"
    at once, without waiting out the busy timeout: they try again until it is done."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as error:  # the driver's OperationalError, as the dialect adapts it
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


async def use_wal(connection: AsyncConnection) -> None:
    """Switch the SQLite store of `connection` back to WAL (outside a transaction), as every new
    connection does (`_configure_sqlite`)."""

    def switch(synchronous: Connection) -> None:
        cursor = synchronous.connection.cursor()
        try:
            _use_wal(cursor)
        finally:
            cursor.close()

    await connection.run_sync(switch)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    # WAL lets readers go on while a writer commits; NORMAL is durable at every checkpoint in WAL.
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: AsyncEngine) -> _async_sessionmaker[AsyncSession]:
    """One `AsyncSession` per unit of work; objects stay readable after commit."""
    return _async_sessionmaker(engine, expire_on_commit=False)


@dataclass(frozen=True)
class _Found:
    """What a database holds, as far as telling its store's revision goes."""

    tables: frozenset[str]
    revision: str | None

    @property
    def empty(self) -> bool:
        return not (self.tables - {migrations.VERSION_TABLE})

    @property
    def is_store(self) -> bool:
        return migrations.VERSION_TABLE in self.tables or StoreInfo.__tablename__ in self.tables


def _inspect(connection: Connection) -> _Found:
    tables = frozenset(inspect(connection).get_table_names())
    return _Found(tables, migrations.current_revision(connection))


def _refuse_unreadable(found: _Found, where: str) -> None:
    """Raise for a database that no migration can bring to this version's schema."""
    if found.revision is None and not found.empty and not found.is_store:
        raise StoreError(
            f"the database at {where} holds tables that are not an insights store; "
            "point --database-url at an empty database or an insights store"
        )
    if found.revision is not None and found.revision not in migrations.known_revisions():
        raise NewerStoreError(
            f"the store at {where} is at schema revision {found.revision}, which this version "
            f"of Insights Gateway does not know (it reads revision {migrations.head()}): "
            "it was written by a newer version; run that version, or start again with "
            "`python -m seed generate --reset`"
        )
    if found.revision is None and not found.empty:
        raise StoreError(
            f"the store at {where} has no schema revision, so this version of Insights Gateway "
            "cannot migrate it; start again with `python -m seed generate --reset`"
        )


def _migrate(connection: Connection, where: str) -> Migration:
    found = _inspect(connection)
    _refuse_unreadable(found, where)
    migrations.upgrade(connection)
    return Migration(before=found.revision, after=migrations.head())


def sqlite_file(engine: AsyncEngine) -> Path | None:
    """The file of a SQLite store (None for PostgreSQL or an in-memory database)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database)


def _make_folder(engine: AsyncEngine) -> None:
    path = sqlite_file(engine)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


async def migrate_store(engine: AsyncEngine) -> Migration:
    """Bring an empty or older store to the current revision, in one transaction; refuse a
    database that is not an insights store or a store written by a newer version. A SQLite
    store's file (and its folder) is made when missing."""
    where = _describe(engine)
    _make_folder(engine)
    async with engine.begin() as connection:
        await _lock_for_migration(connection)
        return await connection.run_sync(_migrate, where)


async def _lock_for_migration(connection: AsyncConnection) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
        )
    elif connection.dialect.name == "sqlite":
        # The driver would leave DDL outside any transaction; take the write lock up front.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


async def migrate(database_url: str) -> Migration:
    """`python -m seed migrate`: create the store's tables, or bring them to this version."""
    engine = create_engine(database_url)
    try:
        return await migrate_store(engine)
    finally:
        await engine.dispose()


def _drop_and_migrate(connection: Connection, where: str) -> Migration:
    found = _inspect(connection)
    if not found.empty and not found.is_store:
        _refuse_unreadable(found, where)
    ours = {*migrations.TARGET_METADATA.tables, migrations.VERSION_TABLE}
    present = MetaData()
    present.reflect(connection, only=lambda name, _: name in ours)
    generation = _generation_of(connection, present)
    present.drop_all(connection)
    migrations.upgrade(connection)
    # The new store goes on from the old one's generation, so that a cache that saw the old
    # store can never take the new one for it.
    info = StoreInfo.__table__  # type: ignore[attr-defined]
    connection.execute(info.insert().values(key=GENERATION_KEY, value=str(generation + 1)))
    return Migration(before=found.revision, after=migrations.head())


def _generation_of(connection: Connection, present: MetaData) -> int:
    table = present.tables.get(StoreInfo.__tablename__)
    if table is None or "key" not in table.c:
        return 0
    value = connection.scalar(select(table.c.value).where(table.c.key == GENERATION_KEY))
    try:
        return int(value or 0)
    except ValueError:
        return 0


async def reset_store(engine: AsyncEngine) -> Migration:
    """Drop the store's tables (its revision too, even one this version does not know) and
    create them afresh, in one transaction: for `--reset`. Other tables are left alone, and a
    database that is not an insights store is refused."""
    where = _describe(engine)
    _make_folder(engine)
    async with engine.begin() as connection:
        await _lock_for_migration(connection)
        return await connection.run_sync(_drop_and_migrate, where)


async def prepare_store(engine: AsyncEngine, *, allow_incomplete: bool = False) -> None:
    """Create or migrate the store (`migrate_store`), then refuse it (unless `allow_incomplete`)
    when an interrupted seed or import left it incomplete."""
    await migrate_store(engine)
    await _check_state(engine, allow_incomplete=allow_incomplete)


async def check_store(engine: AsyncEngine, *, allow_incomplete: bool = False) -> None:
    """Refuse, changing nothing, a store that is missing, unreadable, read-only or damaged, not
    at the current revision, or (unless `allow_incomplete`) one that an interrupted seed or
    import left incomplete. For servers."""
    where = _describe(engine)
    path = sqlite_file(engine)
    if path is not None and not path.is_file():
        raise StoreError(
            f"there is no store at {where}; make one with `python -m seed migrate` (empty), "
            "`generate`, `import FILE` or `demo`"
        )
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(_inspect)
            if path is not None:
                await _check_pages(connection, where)
    except DBAPIError as error:
        raise StoreError(_unusable(where, error)) from None
    _refuse_unreadable(found, where)
    head = migrations.head()
    if found.revision != head:
        what = (
            "holds no insights store yet"
            if found.empty
            else f"holds a store at schema revision "
            f"{found.revision}, "
            f"and this version of Insights Gateway reads revision {head}"
        )
        raise UnmigratedStoreError(
            f"the database at {where} {what}; run `python -m seed migrate --database-url URL` "
            "(or `python -m seed demo` for a demo store) first"
        )
    await _check_state(engine, allow_incomplete=allow_incomplete)


async def _check_pages(connection: AsyncConnection, where: str) -> None:
    """SQLite's quick check of every page (0.4 s for a million deployments)."""
    rows = (await connection.exec_driver_sql("PRAGMA quick_check(3)")).scalars().all()
    if list(rows) != ["ok"]:
        raise StoreError(f"the store at {where} is damaged ({'; '.join(rows)}); {DAMAGED_ADVICE}")


def _unusable(where: str, error: DBAPIError) -> str:
    damage = damage_of(error)
    if damage is not None:
        return f"the store at {where} is damaged ({damage}); {DAMAGED_ADVICE}"
    reason = str(error.orig)
    if getattr(error.orig, "sqlite_errorcode", None) in _CANNOT_WRITE:
        return (
            f"the store at {where} cannot be opened for writing ({reason}); a server writes to "
            "its store (reports, the cache generation): let this user write the file and its "
            "folder"
        )
    return f"the store at {where} cannot be opened: {reason}"


_CANNOT_WRITE = frozenset({8, 14})
"""SQLITE_READONLY, and SQLITE_CANTOPEN (of a file that exists: opening it to write failed)."""


async def _check_state(engine: AsyncEngine, *, allow_incomplete: bool) -> None:
    state = await store_state(engine)
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
        # Whatever the state changes around (a seed, an import) changes the data.
        await bump_generation(connection)


async def store_state(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        return (await read_info(connection)).get(STATE_KEY, COMPLETE)


def _describe(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=True)


@asynccontextmanager
async def opened_store(
    database_url: str, *, allow_incomplete: bool = False, migrate: bool = False, **options: Any
) -> AsyncIterator[AsyncEngine]:
    """An engine on a store at the current revision (`check_store`; with `migrate`, migrated
    first by `prepare_store`), disposed of on exit."""
    engine = create_engine(database_url, **options)
    try:
        if migrate:
            await prepare_store(engine, allow_incomplete=allow_incomplete)
        else:
            await check_store(engine, allow_incomplete=allow_incomplete)
        yield engine
    finally:
        await engine.dispose()


async def check_servable(database_url: str) -> None:
    """Open and close the store as a server does at start, raising `StoreError` with the store's
    own reason: a server runs it before it binds its port."""
    async with opened_store(database_url):
        pass
