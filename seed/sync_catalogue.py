"""Writing a server's catalogue over the store's: new entries added, changed ones updated.

The rows are the data file reader's (`seed.importing.parse_document`), so a catalogue is
checked by the same rules as a file. An entry the server no longer lists stays in the store,
as the deployments that refer to it do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from seed.writer import (
    CHANNEL,
    ENVIRONMENT,
    INSIGHTS_REPORT,
    PROJECT,
    PROJECT_GROUP,
    SPACE,
    TAG,
    TAG_SET,
    TENANT,
    TENANT_TAG,
    Row,
)

_ENTRIES = (SPACE, PROJECT_GROUP, ENVIRONMENT, TAG_SET, TENANT, PROJECT, CHANNEL, INSIGHTS_REPORT)
"""Tables keyed by an Octopus id, parents before children."""
_LISTS = {TAG.name: (TAG, "tag_set_id"), TENANT_TAG.name: (TENANT_TAG, "tenant_id")}
"""Tables of a parent's ordered list (a tag set's tags, a tenant's tags)."""


async def write_catalogue(
    connection: AsyncConnection, rows: dict[str, list[Row]]
) -> tuple[Counter[str], Counter[str]]:
    """Add and update the catalogue's rows; the counts of new and of updated rows per table."""
    new: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    for table in _ENTRIES:
        given = rows.get(table.name, [])
        stored = await _stored(connection, table, "id", [row["id"] for row in given])
        for row in given:
            before = stored.get(row["id"])
            if before is None:
                await connection.execute(table.insert().values(**row))
                new[table.name] += 1
            elif any(before.get(column) != value for column, value in row.items()):
                await connection.execute(
                    table.update().where(table.c.id == row["id"]).values(**row)
                )
                updated[table.name] += 1
        if table is TAG_SET:
            await _lists(connection, TAG, "tag_set_id", rows.get(TAG.name, []), new, updated)
        if table is TENANT:
            await _lists(
                connection, TENANT_TAG, "tenant_id", rows.get(TENANT_TAG.name, []), new, updated
            )
    return new, updated


async def _lists(
    connection: AsyncConnection,
    table: Table,
    parent: str,
    given: list[Row],
    new: Counter[str],
    updated: Counter[str],
) -> None:
    """Replace a parent's list where it differs from the server's."""
    wanted: dict[int, list[Row]] = defaultdict(list)
    for row in given:
        wanted[row[parent]].append(row)
    found = await connection.execute(
        select(table).where(table.c[parent].in_(sorted(wanted))).order_by(table.c.position)
    )
    held: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mapping in found.mappings():
        held[mapping[parent]].append(dict(mapping))
    for owner, rows in wanted.items():
        before = held.get(owner, [])
        if [_comparable(row) for row in before] == [_comparable(row) for row in rows]:
            continue
        (updated if before else new)[table.name] += len(rows)
        await connection.execute(table.delete().where(table.c[parent] == owner))
        await connection.execute(table.insert(), rows)


def _comparable(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted(row.items()))


async def _stored(
    connection: AsyncConnection, table: Table, key: str, ids: list[int]
) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    found = await connection.execute(select(table).where(table.c[key].in_(sorted(set(ids)))))
    return {row[key]: dict(row) for row in found.mappings()}
