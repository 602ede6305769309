"""The Octopus data file (SPEC.md): writing a store out, and the names both directions share.

One JSON document; arrays in a fixed order, items ordered by id number, one item per line, every
timestamp in the seven-digit `Z` form: exporting the same store twice gives the same bytes.
Rows are streamed from the database, so exporting a large store holds one batch at a time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from sqlalchemy import Select, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.insights.ids import Kind, format_id
from gateway.insights.ticks import format_timestamp
from seed.writer import (
    CHANNEL,
    DEPLOYMENT,
    ENVIRONMENT,
    INSIGHTS_REPORT,
    PROJECT,
    PROJECT_GROUP,
    RELEASE,
    SPACE,
    TAG,
    TAG_SET,
    TENANT,
    TENANT_TAG,
)

FORMAT_VERSION = 1
ARRAYS = (
    "Spaces",
    "ProjectGroups",
    "Projects",
    "Channels",
    "Environments",
    "TagSets",
    "Tenants",
    "Releases",
    "Deployments",
    "InsightsReports",
)
"""The data file's arrays, in the order export writes them."""

REPORT_PROPERTIES = (
    "Id",
    "SpaceId",
    "Name",
    "Description",
    "ProjectGroupIds",
    "ProjectIds",
    "TenantIds",
    "TenantTags",
    "TenantMode",
    "EnvironmentGroups",
    "TimeZone",
    "IconId",
    "IconColor",
)
"""Every property of the REST report resource but Links, in its order."""

_BATCH = 10_000

Item = dict[str, Any]


class TextOut(Protocol):
    def write(self, text: str, /) -> object: ...


def _space(number: int) -> str:
    return format_id(Kind.SPACE, number)


def _optional(kind: Kind, number: int | None) -> str | None:
    return None if number is None else format_id(kind, number)


def _timestamp(ticks: int | None) -> str | None:
    return None if ticks is None else format_timestamp(ticks)


async def export_store(engine: AsyncEngine, out: TextOut) -> dict[str, int]:
    """Write the store as a data file to `out`; returns the number of items per array."""
    counts: dict[str, int] = {}
    out.write("{\n")
    out.write(f'  "FormatVersion": {FORMAT_VERSION}')
    async with engine.connect() as connection:
        for name in ARRAYS:
            out.write(f',\n  "{name}": [')
            count = 0
            async for item in _items(connection, name):
                out.write(",\n    " if count else "\n    ")
                out.write(json.dumps(item, ensure_ascii=False, separators=(", ", ": ")))
                count += 1
            out.write("\n  ]" if count else "]")
            counts[name] = count
    out.write("\n}\n")
    return counts


async def _rows(connection: AsyncConnection, query: Select[Any]) -> AsyncIterator[Any]:
    result = await connection.stream(query.execution_options(yield_per=_BATCH))
    async for row in result:
        yield row


def _ordered(table: Table, *columns: str) -> Select[Any]:
    return select(*(table.c[column] for column in columns)).order_by(table.c.id)


async def _grouped(
    connection: AsyncConnection, table: Table, owner: str, value: str
) -> dict[int, list[str]]:
    rows = await connection.execute(
        select(table.c[owner], table.c[value]).order_by(table.c[owner], table.c.position)
    )
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, text in rows:
        grouped[key].append(text)
    return grouped


async def _items(connection: AsyncConnection, name: str) -> AsyncIterator[Item]:
    if name == "TagSets":
        names = await _grouped(connection, TAG, "tag_set_id", "name")
        canonical = await _grouped(connection, TAG, "tag_set_id", "canonical_name")
        query = _ordered(TAG_SET, "id", "space_id", "name")
        async for number, space, set_name in _rows(connection, query):
            yield {
                "Id": format_id(Kind.TAG_SET, number),
                "SpaceId": _space(space),
                "Name": set_name,
                "Tags": [
                    {"Name": tag, "CanonicalTagName": full}
                    for tag, full in zip(
                        names.get(number, []), canonical.get(number, []), strict=True
                    )
                ],
            }
        return
    if name == "Tenants":
        tags = await _grouped(connection, TENANT_TAG, "tenant_id", "canonical_name")
        async for number, space, tenant in _rows(
            connection, _ordered(TENANT, "id", "space_id", "name")
        ):
            yield {
                "Id": format_id(Kind.TENANT, number),
                "SpaceId": _space(space),
                "Name": tenant,
                "TenantTags": tags.get(number, []),
            }
        return
    table, columns, shape = _SIMPLE[name]
    async for row in _rows(connection, _ordered(table, *columns)):
        yield shape(row)


def _report(row: Any) -> Item:
    (number, space, name, description, groups, projects, tenants, tags, mode, environments,
     zone, icon, color) = row  # fmt: skip
    return dict(
        zip(
            REPORT_PROPERTIES,
            (
                format_id(Kind.INSIGHTS_REPORT, number),
                _space(space),
                name,
                description,
                list(groups or []),
                list(projects or []),
                list(tenants or []),
                list(tags or []),
                mode,
                [
                    {"Name": group["Name"], "Environments": list(group["Environments"])}
                    for group in environments or []
                ],
                zone,
                icon,
                color,
            ),
            strict=True,
        )
    )


_SIMPLE: dict[str, tuple[Table, tuple[str, ...], Callable[[Any], Item]]] = {
    "Spaces": (SPACE, ("id", "name"), lambda r: {"Id": _space(r[0]), "Name": r[1]}),
    "ProjectGroups": (
        PROJECT_GROUP,
        ("id", "space_id", "name"),
        lambda r: {
            "Id": format_id(Kind.PROJECT_GROUP, r[0]),
            "SpaceId": _space(r[1]),
            "Name": r[2],
        },
    ),
    "Projects": (
        PROJECT,
        ("id", "space_id", "name", "project_group_id"),
        lambda r: {
            "Id": format_id(Kind.PROJECT, r[0]),
            "SpaceId": _space(r[1]),
            "Name": r[2],
            "ProjectGroupId": format_id(Kind.PROJECT_GROUP, r[3]),
        },
    ),
    "Channels": (
        CHANNEL,
        ("id", "space_id", "project_id", "name", "is_default"),
        lambda r: {
            "Id": format_id(Kind.CHANNEL, r[0]),
            "SpaceId": _space(r[1]),
            "ProjectId": format_id(Kind.PROJECT, r[2]),
            "Name": r[3],
            "IsDefault": bool(r[4]),
        },
    ),
    "Environments": (
        ENVIRONMENT,
        ("id", "space_id", "name", "sort_order"),
        lambda r: {
            "Id": format_id(Kind.ENVIRONMENT, r[0]),
            "SpaceId": _space(r[1]),
            "Name": r[2],
            "SortOrder": r[3],
        },
    ),
    "Releases": (
        RELEASE,
        ("id", "space_id", "project_id", "channel_id", "version", "assembled"),
        lambda r: {
            "Id": format_id(Kind.RELEASE, r[0]),
            "SpaceId": _space(r[1]),
            "ProjectId": format_id(Kind.PROJECT, r[2]),
            "ChannelId": format_id(Kind.CHANNEL, r[3]),
            "Version": r[4],
            "Assembled": format_timestamp(r[5]),
        },
    ),
    "Deployments": (
        DEPLOYMENT,
        (
            "id",
            "space_id",
            "release_id",
            "environment_id",
            "tenant_id",
            "task_state",
            "had_guided_failure",
            "queue_time",
            "start_time",
            "completed_time",
        ),
        lambda r: {
            "Id": format_id(Kind.DEPLOYMENT, r[0]),
            "SpaceId": _space(r[1]),
            "ReleaseId": format_id(Kind.RELEASE, r[2]),
            "EnvironmentId": format_id(Kind.ENVIRONMENT, r[3]),
            "TenantId": _optional(Kind.TENANT, r[4]),
            "TaskState": r[5],
            "HadGuidedFailure": bool(r[6]),
            "QueueTime": format_timestamp(r[7]),
            "StartTime": _timestamp(r[8]),
            "CompletedTime": _timestamp(r[9]),
        },
    ),
    "InsightsReports": (
        INSIGHTS_REPORT,
        (
            "id",
            "space_id",
            "name",
            "description",
            "project_group_ids",
            "project_ids",
            "tenant_ids",
            "tenant_tags",
            "tenant_mode",
            "environment_groups",
            "time_zone",
            "icon_id",
            "icon_color",
        ),
        _report,
    ),
}
