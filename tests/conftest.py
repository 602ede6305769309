"""Fixtures shared by every test package: a fresh, empty store per test.

The store is a SQLite file under the test's tmp_path, or, when INSIGHTS_TEST_DATABASE_URL names a
PostgreSQL database (`make test-postgres`), that database emptied before each test.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.engine import create_engine, prepare_store

TEST_DATABASE_URL = "INSIGHTS_TEST_DATABASE_URL"


async def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """The URL of an empty database for this test."""
    configured = os.environ.get(TEST_DATABASE_URL)
    if configured and make_url(configured).get_backend_name() == "postgresql":
        await _empty_postgres(configured)
        return configured
    return f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a prepared, empty store."""
    store = create_engine(database_url)
    await prepare_store(store)
    yield store
    await store.dispose()
