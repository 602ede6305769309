"""The store prepares itself on first use and refuses stores it cannot read."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.engine import (
    COMPLETE,
    IncompleteStoreError,
    StoreError,
    create_engine,
    mark_state,
    prepare_store,
    store_state,
)


async def test_new_store_is_complete_and_reopens(engine: AsyncEngine, database_url: str) -> None:
    assert await store_state(engine) == COMPLETE
    again = create_engine(database_url)
    try:
        await prepare_store(again)
    finally:
        await again.dispose()


async def test_store_of_another_schema_revision_is_refused(
    engine: AsyncEngine, database_url: str
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    again = create_engine(database_url)
    try:
        with pytest.raises(StoreError, match="schema revision 0999"):
            await prepare_store(again)
    finally:
        await again.dispose()


async def test_incomplete_store_is_named_until_reset(
    engine: AsyncEngine, database_url: str
) -> None:
    await mark_state(engine, "seed generate started at 2026-11-26T10:00:00Z did not finish")
    again = create_engine(database_url)
    try:
        with pytest.raises(IncompleteStoreError, match="did not finish"):
            await prepare_store(again)
        await prepare_store(again, allow_incomplete=True)
    finally:
        await again.dispose()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "is not a URL"),
        ("nosuch://host/db", "cannot use the database URL nosuch://host/db"),
        ("sqlite:///store.db", "not async"),
        ("postgresql+nosuchdriver://user:secret@host/db", "user:***@host"),
    ],
)
def test_an_unusable_url_is_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(StoreError, match=re.escape(reason)) as refused:
        create_engine(url)
    assert "secret" not in str(refused.value)
    assert "sqlite+aiosqlite:///PATH" in str(refused.value)
