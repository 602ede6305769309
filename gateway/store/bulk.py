"""Bulk statements for large loads: plain tuples straight to the driver's executemany.

SQLAlchemy's compiled executemany costs microseconds per row in parameter processing; a load of a
million deployments spends more time there than in the database. These statements skip it, so
they suit only columns whose Python values the driver takes as they are (integers, text,
booleans, None): not JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Index, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection


def _placeholders(dialect: Dialect, count: int) -> list[str]:
    style = dialect.paramstyle
    if style == "qmark":
        return ["?"] * count
    if style == "numeric_dollar":
        return [f"${number}" for number in range(1, count + 1)]
    if style == "numeric":
        return [f":{number}" for number in range(1, count + 1)]
    if style == "format":
        return ["%s"] * count
    raise NotImplementedError(f"bulk statements do not support the {style} parameter style")


def insert_statement(dialect: Dialect, table: Table, columns: Sequence[str]) -> str:
    """`INSERT INTO table (columns) VALUES (...)` for rows given as tuples in `columns` order."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column) for column in columns)
    values = ", ".join(_placeholders(dialect, len(columns)))
    return f"INSERT INTO {quote(table.name)} ({names}) VALUES ({values})"


def update_statement(dialect: Dialect, table: Table, columns: Sequence[str], key: str) -> str:
    """`UPDATE table SET columns WHERE key = ...` for tuples of the columns' values, then key."""
    quote = dialect.identifier_preparer.quote
    marks = _placeholders(dialect, len(columns) + 1)
    assignments = ", ".join(
        f"{quote(column)} = {mark}" for column, mark in zip(columns, marks, strict=False)
    )
    return f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key)} = {marks[-1]}"


def execute_many(connection: Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run a bulk statement for every row, through a synchronous connection."""
    if rows:
        connection.exec_driver_sql(statement, rows)


async def execute_many_async(
    connection: AsyncConnection, statement: str, rows: list[tuple[Any, ...]]
) -> None:
    """Run a bulk statement for every row, through an async connection."""
    if rows:
        await connection.exec_driver_sql(statement, rows)


def secondary_indexes(tables: Sequence[Table]) -> list[Index]:
    """The indexes of `tables` other than their primary keys, in a stable order."""
    return [index for table in tables for index in sorted(table.indexes, key=_index_name)]


def _index_name(index: Index) -> str:
    return str(index.name)


def drop_indexes(connection: Connection, indexes: Sequence[Index]) -> None:
    """Drop `indexes` inside the connection's transaction (DDL is transactional in SQLite and
    PostgreSQL: a rollback brings them back). A load then appends rows without keeping random
    keys in order, and `create_indexes` sorts each key once."""
    for index in indexes:
        index.drop(connection)


def create_indexes(connection: Connection, indexes: Sequence[Index]) -> None:
    for index in indexes:
        index.create(connection)
