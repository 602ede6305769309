"""The bulk writer: rows buffered per table and inserted in large executemany batches.

Rows are plain dicts of column values (no ORM objects). Buffers are flushed in the tables'
foreign-key order, so a deployment is never written before its release. Releases and
deployments, the bulk of any store, go straight to the driver (`gateway.store.bulk`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlmodel import SQLModel

from gateway.store.bulk import insert_many
from gateway.store.models import (
    Channel,
    Deployment,
    Environment,
    InsightsReport,
    Project,
    ProjectGroup,
    Release,
    Space,
    Tag,
    TagSet,
    Tenant,
    TenantTag,
)

Row = dict[str, Any]


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


SPACE = _table(Space)
PROJECT_GROUP = _table(ProjectGroup)
PROJECT = _table(Project)
CHANNEL = _table(Channel)
ENVIRONMENT = _table(Environment)
TAG_SET = _table(TagSet)
TAG = _table(Tag)
TENANT = _table(Tenant)
TENANT_TAG = _table(TenantTag)
RELEASE = _table(Release)
DEPLOYMENT = _table(Deployment)
INSIGHTS_REPORT = _table(InsightsReport)

DATA_TABLES = (
    SPACE,
    PROJECT_GROUP,
    PROJECT,
    CHANNEL,
    ENVIRONMENT,
    TAG_SET,
    TAG,
    TENANT,
    TENANT_TAG,
    RELEASE,
    DEPLOYMENT,
    INSIGHTS_REPORT,
)
"""Every table of Octopus data, parents before children."""

_PLAIN = (RELEASE.name, DEPLOYMENT.name)
"""Tables of plain values (no JSON), written through the driver directly."""


class BulkWriter:
    """Buffers rows and writes them in batches of `batch` rows through one connection.

    `progress` is told how many deployments each flush wrote.
    """

    def __init__(
        self,
        connection: Connection,
        *,
        batch: int = 20_000,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.connection = connection
        self.batch = batch
        self.progress = progress
        self.counts: dict[str, int] = {table.name: 0 for table in DATA_TABLES}
        self._buffers: dict[str, list[Any]] = {table.name: [] for table in DATA_TABLES}
        self._columns: dict[str, Sequence[str]] = {}
        self._pending = 0

    def add(self, table: Table, row: Row) -> None:
        self._buffers[table.name].append(row)
        self._pending += 1
        if self._pending >= self.batch:
            self.flush()

    def add_all(self, table: Table, rows: Iterable[Row]) -> None:
        for row in rows:
            self.add(table, row)

    def add_values(self, table: Table, columns: Sequence[str], values: Sequence[Any]) -> None:
        """A row of a table of plain values (releases, deployments) as values in `columns`
        order; every row of a table must come the same way, with the same columns."""
        self._columns[table.name] = columns
        self._buffers[table.name].append(values)
        self._pending += 1
        if self._pending >= self.batch:
            self.flush()

    def add_many(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Rows as `add_values` takes them, several at once."""
        if not rows:
            return
        self._columns[table.name] = columns
        self._buffers[table.name].extend(rows)
        self._pending += len(rows)
        if self._pending >= self.batch:
            self.flush()

    def flush(self) -> None:
        for table in DATA_TABLES:
            rows = self._buffers[table.name]
            if not rows:
                continue
            if table.name in _PLAIN:
                columns = self._columns.get(table.name)
                if columns is None:
                    columns = list(rows[0])
                    rows = [tuple(row[column] for column in columns) for row in rows]
                elif not isinstance(rows[0], tuple):
                    rows = [tuple(row) for row in rows]  # the driver layer takes only tuples
                insert_many(self.connection, table, columns, rows)
            else:
                self.connection.execute(table.insert(), rows)
            self.counts[table.name] += len(rows)
            if table is DEPLOYMENT and self.progress is not None:
                self.progress(len(rows))
            self._buffers[table.name] = []
        self._pending = 0
