"""Bulk inserts put every row in, whatever the count, many rows to a statement (on SQLite, and on
PostgreSQL under `make test-postgres`)."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.bulk import insert_many, insert_statement, rows_per_insert
from gateway.store.models import Space

SPACE = Space.__table__  # type: ignore[attr-defined]


def test_a_statement_of_several_rows_numbers_every_value() -> None:
    sql = insert_statement(postgresql.asyncpg.dialect(), SPACE, ["id", "name"], rows=3)
    assert sql == "INSERT INTO space (id, name) VALUES ($1, $2), ($3, $4), ($5, $6)"
    sql = insert_statement(sqlite.dialect(), SPACE, ["id", "name"], rows=2)
    assert sql == "INSERT INTO space (id, name) VALUES (?, ?), (?, ?)"


def test_rows_per_statement_stay_under_the_variable_limit() -> None:
    assert rows_per_insert(sqlite.dialect(), 2) == 100
    assert rows_per_insert(postgresql.asyncpg.dialect(), 1_000) == 32
    assert rows_per_insert(postgresql.asyncpg.dialect(), 40_000) == 1


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 257])
async def test_every_row_goes_in_once(engine: AsyncEngine, count: int) -> None:
    rows = [(number, f"Space {number}") for number in range(1, count + 1)]

    def insert(connection: Connection) -> None:
        insert_many(connection, SPACE, ("id", "name"), rows)

    async with engine.begin() as connection:
        await connection.run_sync(insert)
        stored = (await connection.execute(select(SPACE.c.id, SPACE.c.name))).all()
    assert sorted(tuple(row) for row in stored) == rows
