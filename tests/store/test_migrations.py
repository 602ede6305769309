"""The migrations make exactly the models' schema, and the servers' check refuses what they
cannot serve, on SQLite and (under `make test-postgres`) PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from gateway.settings import Settings
from gateway.store import migrations
from gateway.store.engine import (
    IncompleteStoreError,
    Migration,
    NewerStoreError,
    StoreError,
    UnmigratedStoreError,
    check_store,
    create_engine,
    mark_state,
    migrate,
    opened_store,
    prepare_store,
    reset_store,
)


@pytest.fixture
async def empty(database_url: str) -> AsyncEngine:
    """An empty database: on SQLite a file with no tables (a missing file is no database)."""
    engine = create_engine(database_url)
    async with engine.connect():
        pass
    yield engine  # type: ignore[misc]
    await engine.dispose()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_make_the_models_schema(empty: AsyncEngine, database_url: str) -> None:
    assert await migrate(database_url) == Migration(before=None, after=migrations.head())
    async with empty.connect() as connection:
        assert await connection.run_sync(migrations.differences) == []
        assert await connection.run_sync(_tables) == {
            *SQLModel.metadata.tables,
            migrations.VERSION_TABLE,
        }


async def test_a_schema_unlike_the_models_shows_differences(engine: AsyncEngine) -> None:
    # The comparison above could pass by comparing nothing: show that it sees a change.
    async with engine.begin() as connection:
        await connection.execute(text("DROP INDEX ix_deployment_stream"))
        await connection.execute(text("ALTER TABLE tenant ADD COLUMN extra INTEGER"))
        found = await connection.run_sync(migrations.differences)
    kinds = sorted(difference[0] for difference in found)
    assert kinds == ["add_index", "remove_column"]


async def test_migrating_a_store_at_head_changes_nothing(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO space (id, name) VALUES (1, 'Default')"))
    result = await migrate(engine.url.render_as_string(hide_password=False))
    assert result == Migration(before=migrations.head(), after=migrations.head())
    assert not result.changed
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT name FROM space"))).scalar_one() == "Default"


async def test_downgrade_to_base_and_back(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(migrations.downgrade, "base")
        assert await connection.run_sync(_tables) <= {migrations.VERSION_TABLE}
    with pytest.raises(UnmigratedStoreError, match="holds no insights store yet"):
        await check_store(engine)
    await prepare_store(engine)
    await check_store(engine)


async def test_servers_refuse_an_empty_database_and_name_the_command(
    empty: AsyncEngine, database_url: str
) -> None:
    with pytest.raises(UnmigratedStoreError, match=r"run `python -m seed migrate"):
        await check_store(empty)
    async with empty.connect() as connection:
        assert await connection.run_sync(_tables) == set(), "the check must write nothing"
    with pytest.raises(UnmigratedStoreError):
        async with opened_store(database_url):
            pass
    async with opened_store(database_url, migrate=True):
        pass
    await check_store(empty)


async def test_the_gateway_refuses_to_open_an_unmigrated_store(
    empty: AsyncEngine, database_url: str
) -> None:
    from gateway.app import create_app

    app = create_app(Settings(database_url=database_url, api_keys=("key",)))
    with pytest.raises(UnmigratedStoreError, match="seed migrate"):
        await app.store.open()
    assert app.store.engine is None


async def test_a_store_at_an_unknown_revision_is_refused(
    engine: AsyncEngine, database_url: str
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    for attempt in (check_store(engine), prepare_store(engine), migrate(database_url)):
        with pytest.raises(NewerStoreError, match="revision 9999, which this version"):
            await attempt
    async with engine.connect() as connection:
        version = await connection.execute(text("SELECT version_num FROM alembic_version"))
        assert version.scalar_one() == "9999"


async def test_a_database_of_other_tables_is_left_alone(empty: AsyncEngine) -> None:
    async with empty.begin() as connection:
        await connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    for attempt in (check_store(empty), prepare_store(empty)):
        with pytest.raises(StoreError, match="not an insights store"):
            await attempt
    async with empty.connect() as connection:
        assert await connection.run_sync(_tables) == {"invoices"}


async def test_tables_without_a_revision_are_refused(empty: AsyncEngine) -> None:
    async with empty.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    for attempt in (check_store(empty), prepare_store(empty)):
        with pytest.raises(StoreError, match="no schema revision"):
            await attempt


async def test_an_incomplete_store_is_refused_unless_allowed(engine: AsyncEngine) -> None:
    await mark_state(engine, "seed generate started at 2026-11-26T10:00:00Z did not finish")
    with pytest.raises(IncompleteStoreError, match="did not finish"):
        await check_store(engine)
    await check_store(engine, allow_incomplete=True)


async def test_concurrent_migrations_of_one_database_both_succeed(
    empty: AsyncEngine, database_url: str
) -> None:
    results = await asyncio.gather(migrate(database_url), migrate(database_url))
    assert sorted(results, key=lambda result: result.changed) == [
        Migration(before=migrations.head(), after=migrations.head()),
        Migration(before=None, after=migrations.head()),
    ]
    await check_store(empty)


async def test_reset_replaces_a_store_of_an_unknown_revision(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        await connection.execute(text("INSERT INTO space (id, name) VALUES (1, 'Old')"))
        await connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    assert await reset_store(engine) == Migration(before="9999", after=migrations.head())
    await check_store(engine)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM space"))).scalar_one() == 0
        assert "invoices" in await connection.run_sync(_tables)


async def test_reset_refuses_a_database_of_other_tables(empty: AsyncEngine) -> None:
    async with empty.begin() as connection:
        await connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StoreError, match="not an insights store"):
        await reset_store(empty)
    async with empty.connect() as connection:
        assert await connection.run_sync(_tables) == {"invoices"}


async def test_concurrent_migrations_of_a_new_sqlite_file_all_succeed(tmp_path: Path) -> None:
    # Connections opening a new file together race to switch it to WAL, and SQLite refuses the
    # losers without waiting out the busy timeout.
    for attempt in range(10):
        url = f"sqlite+aiosqlite:///{tmp_path}/new-{attempt}.db"
        results = await asyncio.gather(*(migrate(url) for _ in range(3)))
        assert sorted(result.changed for result in results) == [False, False, True]
        engine = create_engine(url)
        try:
            await check_store(engine)
        finally:
            await engine.dispose()
