"""Arguments the report fields share: windows, filters, paging, ids; and the filters' check.

A filter id must be an id of its kind (`Projects-1`) of something in the report's space: a
malformed id or one the space does not hold is a problem, listed with the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, NamedTuple

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.enums import Granularity, TimeRange
from gateway.graphql.scalars import Timestamp
from gateway.insights.ids import Kind, format_id, id_numbers, parse_id
from gateway.insights.problems import Field, Problem, Rule
from gateway.insights.report import Report

From = Annotated[
    Timestamp | None,
    strawberry.argument(
        name="from",
        description="Start of an explicit window (inclusive), instead of the default window.",
    ),
]
To = Annotated[
    Timestamp | None,
    strawberry.argument(description="End of an explicit window (inclusive); default now."),
]
ProjectFilter = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(description="Only these projects (within the report's scope)."),
]
EnvironmentFilter = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(description="Only these environments (within the report's scope)."),
]
TenantFilter = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(
        description="Only these tenants (within the report's scope); leaves untenanted "
        "deployments out."
    ),
]
ReportId = Annotated[
    strawberry.ID, strawberry.argument(description="The report's id, like InsightsReports-1.")
]
SpaceId = Annotated[
    strawberry.ID, strawberry.argument(description="The space's id, like Spaces-1.")
]
First = Annotated[int, strawberry.argument(description="How many items to return (0 to 100).")]
After = Annotated[
    str | None,
    strawberry.argument(description="Return the items after this cursor (an edge's `cursor`)."),
]
Range = Annotated[
    TimeRange,
    strawberry.argument(description="How far back from now (ignored with `from`)."),
]
IntervalLength = Annotated[
    Granularity, strawberry.argument(description="The length of each interval.")
]


class Filters(NamedTuple):
    """The filters' id numbers as the core's query takes them; None for an absent filter."""

    project_ids: frozenset[int] | None
    environment_ids: frozenset[int] | None
    tenant_ids: frozenset[int] | None


async def check_filters(
    info: Info,
    report: Report,
    *,
    projects: Sequence[str] | None,
    environments: Sequence[str] | None,
    tenants: Sequence[str] | None,
    problems: list[Problem],
) -> Filters:
    """The filters' id numbers (None for an absent filter); each id that is malformed or not of
    the report's space adds a problem."""
    space = parse_id(Kind.SPACE, report.space_id)
    loaders = info.context.loaders
    checks = (
        (Field.FILTER_PROJECT_IDS, Kind.PROJECT, projects, loaders.projects),
        (Field.FILTER_ENVIRONMENT_IDS, Kind.ENVIRONMENT, environments, loaders.environments),
        (Field.FILTER_TENANT_IDS, Kind.TENANT, tenants, loaders.tenants),
    )
    filters: list[frozenset[int] | None] = []
    for field, kind, values, loader in checks:
        if values is None:
            filters.append(None)
            continue
        parsed = id_numbers(kind, values, argument=field, problems=problems)
        rows = await loader.load_many(sorted(parsed or ()))
        held = {row.id for row in rows if row is not None and row.space_id == space}
        numbers = [parse_id(kind, value) for value in values]
        for index, (value, number) in enumerate(zip(values, numbers, strict=True)):
            if number is not None and number not in held:
                problems.append(
                    Problem(
                        Rule.NOT_IN_SPACE,
                        (field, index),
                        value,
                        kind=kind,
                        space=format_id(Kind.SPACE, space or 0),
                    )
                )
        filters.append(parsed)
    return Filters(*filters)
