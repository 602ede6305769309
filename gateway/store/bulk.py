"""Bulk statements for large loads: plain tuples straight to the driver's executemany.

SQLAlchemy's compiled executemany costs microseconds per row in parameter processing; a load of a
million deployments spends more time there than in the database. These statements skip it, so
they suit only columns whose Python values the driver takes as they are (integers, text,
booleans, None): not JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
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


def insert_statement(dialect: Dialect, table: Table, columns: Sequence[str], rows: int = 1) -> str:
    """`INSERT INTO table (columns) VALUES (...), ...` for `rows` rows, given as one tuple of
    their values in `columns` order, row after row."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column) for column in columns)
    marks = _placeholders(dialect, len(columns) * rows)
    width = len(columns)
    values = ", ".join(
        "(" + ", ".join(marks[start : start + width]) + ")" for start in range(0, len(marks), width)
    )
    return f"INSERT INTO {quote(table.name)} ({names}) VALUES {values}"


ROWS_PER_INSERT = 100
"""Rows one INSERT carries in `insert_many`. A driver runs an executemany statement by statement,
and each run costs about as much as binding a row's values: a hundred rows a statement make a
bulk load a fifth faster."""

_VARIABLES_PER_STATEMENT = {"sqlite": 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999}
"""Values a statement may bind, where the default is lower than our rows need: SQLite's default
cap (999 before 3.32); PostgreSQL takes 32,767."""


def rows_per_insert(dialect: Dialect, columns: int) -> int:
    """How many rows of `columns` values `insert_many` puts in one statement."""
    limit = _VARIABLES_PER_STATEMENT.get(dialect.name, 32_767)
    return max(1, min(ROWS_PER_INSERT, limit // columns))


def insert_many(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order) through a synchronous connection, many rows to
    a statement."""
    dialect = connection.dialect
    per = rows_per_insert(dialect, len(columns))
    whole = len(rows) - len(rows) % per
    if whole:
        flat = chain.from_iterable
        grouped = [tuple(flat(rows[start : start + per])) for start in range(0, whole, per)]
        connection.exec_driver_sql(_insert(dialect, table, tuple(columns), per), grouped)
    if whole < len(rows):
        connection.exec_driver_sql(_insert(dialect, table, tuple(columns), 1), list(rows[whole:]))


@lru_cache(maxsize=64)
def _insert(dialect: Dialect, table: Table, columns: tuple[str, ...], rows: int) -> str:
    return insert_statement(dialect, table, columns, rows)


def update_statement(dialect: Dialect, table: Table, columns: Sequence[str], key: str) -> str:
    """`UPDATE table SET columns WHERE key = ...` for tuples of the columns' values, then key."""
    quote = dialect.identifier_preparer.quote
    marks = _placeholders(dialect, len(columns) + 1)
    assignments = ", ".join(
        f"{quote(column)} = {mark}" for column, mark in zip(columns, marks, strict=False)
    )
    return f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key)} = {marks[-1]}"


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
