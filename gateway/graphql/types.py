"""Reports and spaces: built from the core's `Report` and the store's rows, never from ORM
report rows; streams and metric series are resolved through the insights core."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.entities import Environment, Project, ProjectGroup, TagSet, Tenant
from gateway.graphql.enums import Granularity, Split, TenantMode, TimeRange, text
from gateway.graphql.errors import bad_input
from gateway.graphql.metrics import Series
from gateway.graphql.paging import DEFAULT_PAGE_SIZE, Connection, page_request
from gateway.graphql.scalars import Timestamp
from gateway.graphql.streams import Stream
from gateway.insights import report as core
from gateway.insights.errors import Invalid, NotFound
from gateway.insights.ids import Kind, format_id, parse_id, parse_ids
from gateway.insights.metrics import parse_metrics_query
from gateway.store import models
from gateway.store.insights import report_metrics, report_streams
from gateway.store.reports import get_report, list_reports

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


def _ids(kind: Kind, numbers: list[int]) -> list[strawberry.ID]:
    return [strawberry.ID(format_id(kind, number)) for number in numbers]


def _numbers(kind: Kind, ids: tuple[str, ...]) -> list[int]:
    """The numbers of a report's stored ids (valid ids, as validation guaranteed)."""
    return [number for text in ids if (number := parse_id(kind, text)) is not None]


def _filters(
    projects: list[strawberry.ID] | None,
    environments: list[strawberry.ID] | None,
    tenants: list[strawberry.ID] | None,
    problems: list[str],
) -> dict[str, frozenset[int] | None]:
    return {
        "project_ids": parse_ids(Kind.PROJECT, projects, argument="projectIds", problems=problems),
        "environment_ids": parse_ids(
            Kind.ENVIRONMENT, environments, argument="environmentIds", problems=problems
        ),
        "tenant_ids": parse_ids(Kind.TENANT, tenants, argument="tenantIds", problems=problems),
    }


@strawberry.type(description="A named group of environments of a report; a metrics split value.")
class EnvironmentGroup:
    name: str = strawberry.field(description="The group's name, unique within its report.")
    environment_ids: list[strawberry.ID] = strawberry.field(
        description="The ids of the group's environments, as the report lists them."
    )

    @strawberry.field(description="The group's environments.")
    async def environments(self, info: Info) -> list[Environment]:
        numbers = _numbers(Kind.ENVIRONMENT, tuple(self.environment_ids))
        rows = await info.context.loaders.environments.load_many(numbers)
        return [Environment.from_model(row) for row in rows if row is not None]


@strawberry.type(
    description="An insights report: which deployments count (projects, environments, tenants) "
    "and the time zone its dates are taken in."
)
class Report:
    report: strawberry.Private[core.Report]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like InsightsReports-1.")
    space_id: strawberry.ID = strawberry.field(description="The id of the report's space.")
    name: str = strawberry.field(description="The report's name, unique within its space.")
    description: str | None = strawberry.field(description="The report's description.")
    project_group_ids: list[strawberry.ID] = strawberry.field(
        description="Project groups whose projects the report includes."
    )
    project_ids: list[strawberry.ID] = strawberry.field(
        description="Projects the report includes (besides those of `projectGroupIds`); "
        "with both empty, every project of the space."
    )
    tenant_ids: list[strawberry.ID] = strawberry.field(description="Tenants the report selects.")
    tenant_tags: list[str] = strawberry.field(
        description="Tenant tags (`Tag Set/Tag`) whose tenants the report selects: tags of one "
        "set are OR'd, sets are AND'd; with no tenants and no tags, every tenant."
    )
    tenant_mode: TenantMode = strawberry.field(description="Which deployments count, by tenant.")
    environment_groups: list[EnvironmentGroup] = strawberry.field(
        description="The report's environment groups; none means every environment."
    )
    time_zone: str = strawberry.field(
        description="The time zone dates are taken in, as it was given (Windows or IANA name)."
    )
    icon_id: str | None = strawberry.field(description="A Font Awesome icon name, if set.")
    icon_color: str | None = strawberry.field(description="The icon's color (#RRGGBB), if set.")

    @classmethod
    def from_core(cls, report: core.Report) -> Report:
        return cls(
            report=report,
            id=strawberry.ID(report.id),
            space_id=strawberry.ID(report.space_id),
            name=report.name,
            description=report.description,
            project_group_ids=[strawberry.ID(text) for text in report.project_group_ids],
            project_ids=[strawberry.ID(text) for text in report.project_ids],
            tenant_ids=[strawberry.ID(text) for text in report.tenant_ids],
            tenant_tags=list(report.tenant_tags),
            tenant_mode=TenantMode(report.tenant_mode.value),
            environment_groups=[
                EnvironmentGroup(
                    name=group.name,
                    environment_ids=[strawberry.ID(text) for text in group.environments],
                )
                for group in report.environment_groups
            ],
            time_zone=report.time_zone,
            icon_id=report.icon_id,
            icon_color=report.icon_color,
        )

    @strawberry.field(description="The report's space.")
    async def space(self, info: Info) -> Space:
        number = parse_id(Kind.SPACE, self.report.space_id)
        row = None if number is None else await info.context.loaders.spaces.load(number)
        assert row is not None  # a stored report's space exists
        return Space.from_model(row)

    @strawberry.field(description="The project groups of `projectGroupIds`.")
    async def project_groups(self, info: Info) -> list[ProjectGroup]:
        numbers = _numbers(Kind.PROJECT_GROUP, self.report.project_group_ids)
        rows = await info.context.loaders.project_groups.load_many(numbers)
        return [ProjectGroup.from_model(row) for row in rows if row is not None]

    @strawberry.field(description="The projects of `projectIds`.")
    async def projects(self, info: Info) -> list[Project]:
        numbers = _numbers(Kind.PROJECT, self.report.project_ids)
        rows = await info.context.loaders.projects.load_many(numbers)
        return [Project.from_model(row) for row in rows if row is not None]

    @strawberry.field(description="The tenants of `tenantIds`.")
    async def tenants(self, info: Info) -> list[Tenant]:
        numbers = _numbers(Kind.TENANT, self.report.tenant_ids)
        rows = await info.context.loaders.tenants.load_many(numbers)
        return [Tenant.from_model(row) for row in rows if row is not None]

    @strawberry.field(
        description="The report's streams with at least one finished deployment in the window, "
        "by project, channel, environment and tenant name (untenanted first). The default "
        "window runs from the local midnight of the 1st of the month twelve months before now "
        "to now, in the report's time zone."
    )
    async def streams(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        start: From = None,
        to: To = None,
        project_ids: ProjectFilter = None,
        environment_ids: EnvironmentFilter = None,
        tenant_ids: TenantFilter = None,
    ) -> Connection[Stream]:
        page = page_request(first, after)
        problems: list[str] = []
        filters = _filters(project_ids, environment_ids, tenant_ids, problems)
        if problems:
            raise bad_input(problems)
        info.context.exact_now = True
        try:
            async with info.context.sessions() as session:
                views = await report_streams(
                    session,
                    report=self.report,
                    now=info.context.now,
                    start=start,
                    end=to,
                    **filters,
                )
        except Invalid as error:
            raise bad_input(error.problems) from error
        chosen = views[page.offset : page.offset + page.limit]
        return Connection[Stream].of(
            [Stream.from_core(view) for view in chosen], total=len(views), page=page
        )

    @strawberry.field(
        description="Metric series (DORA metrics per interval), one per value of the split."
    )
    async def metrics(
        self,
        info: Info,
        split: Annotated[
            Split, strawberry.argument(description="How to split the deployments into series.")
        ] = Split.NONE,
        tenant_tag_set_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The tag set to split on; required by TENANT_TAG_SET."),
        ] = None,
        time_range: Annotated[
            TimeRange,
            strawberry.argument(description="How far back from now (ignored with `from`)."),
        ] = TimeRange.LAST_QUARTER,
        granularity: Annotated[
            Granularity, strawberry.argument(description="The length of each interval.")
        ] = Granularity.WEEKLY,
        start: From = None,
        to: To = None,
        project_ids: ProjectFilter = None,
        environment_ids: EnvironmentFilter = None,
        tenant_ids: TenantFilter = None,
    ) -> list[Series]:
        problems: list[str] = []
        filters = _filters(project_ids, environment_ids, tenant_ids, problems)
        try:
            query = parse_metrics_query(
                split=text(split),
                tenant_tag_set_id=tenant_tag_set_id,
                time_range=text(time_range),
                granularity=text(granularity),
            )
        except Invalid as error:
            problems.extend(error.problems)
        if problems:
            raise bad_input(problems)
        query = replace(
            query,
            start=start,
            end=to,
            project_ids=filters["project_ids"],
            environment_ids=filters["environment_ids"],
            tenant_ids=filters["tenant_ids"],
        )
        info.context.metrics_read.append((self.report, query))
        try:
            async with info.context.sessions() as session:
                metrics = await report_metrics(
                    session,
                    report=self.report,
                    query=query,
                    now=info.context.now,
                    columns=info.context.columns,
                )
        except Invalid as error:
            raise bad_input(error.problems) from error
        return [Series.from_core(series) for series in metrics.series]


ReportConnection = Connection[Report]


@strawberry.type(description="An Octopus space: a separate set of projects, tenants and reports.")
class Space:
    number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Spaces-1.")
    name: str = strawberry.field(description="The space's name.")

    @classmethod
    def from_model(cls, row: models.Space) -> Space:
        return cls(number=row.id, id=strawberry.ID(format_id(Kind.SPACE, row.id)), name=row.name)

    @strawberry.field(description="The space's reports by name (ignoring case), then id.")
    async def reports(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Report]:
        return await reports_page(info, space_id=self.number, first=first, after=after)

    @strawberry.field(description="One report of the space; null when there is none by that id.")
    async def report(self, info: Info, id: ReportId) -> Report | None:
        return await find_report(info, space_id=self.number, id=id)

    @strawberry.field(description="The space's project groups, by name.")
    async def project_groups(self, info: Info) -> list[ProjectGroup]:
        rows = await info.context.loaders.of_space(models.ProjectGroup, self.number)
        return [ProjectGroup.from_model(row) for row in rows]

    @strawberry.field(description="The space's projects, by name.")
    async def projects(self, info: Info) -> list[Project]:
        rows = await info.context.loaders.of_space(models.Project, self.number)
        return [Project.from_model(row) for row in rows]

    @strawberry.field(description="The space's environments, in lifecycle order.")
    async def environments(self, info: Info) -> list[Environment]:
        rows = await info.context.loaders.of_space(models.Environment, self.number)
        return [Environment.from_model(row) for row in rows]

    @strawberry.field(description="The space's tenants, by name.")
    async def tenants(self, info: Info) -> list[Tenant]:
        rows = await info.context.loaders.of_space(models.Tenant, self.number)
        return [Tenant.from_model(row) for row in rows]

    @strawberry.field(description="The space's tenant tag sets, by name.")
    async def tag_sets(self, info: Info) -> list[TagSet]:
        rows = await info.context.loaders.of_space(models.TagSet, self.number)
        return [TagSet.from_model(row) for row in rows]


async def reports_page(
    info: Info, *, space_id: int, first: int, after: str | None
) -> Connection[Report]:
    """A page of a space's reports; NotFound when there is no such space."""
    page = page_request(first, after)
    async with info.context.sessions() as session:
        total, reports = await list_reports(
            session, space_id=space_id, skip=page.offset, take=page.limit
        )
    return Connection[Report].of(
        [Report.from_core(report) for report in reports], total=total, page=page
    )


async def find_report(info: Info, *, space_id: int, id: str) -> Report | None:
    """A report of a space, or None."""
    number = parse_id(Kind.INSIGHTS_REPORT, id)
    if number is None:
        return None
    async with info.context.sessions() as session:
        try:
            report = await get_report(session, space_id=space_id, report_id=number)
        except NotFound:
            return None
    return Report.from_core(report)
