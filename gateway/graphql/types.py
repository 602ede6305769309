"""Reports and spaces: built from the core's `Report` and the store's rows, never from ORM
report rows; streams and metric series are resolved through the insights core."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.graphql.arguments import (
    After,
    EnvironmentFilter,
    First,
    From,
    IntervalLength,
    ProjectFilter,
    Range,
    ReportId,
    TenantFilter,
    To,
)
from gateway.graphql.context import Info
from gateway.graphql.entities import Environment, Node, Project, ProjectGroup, TagSet, Tenant
from gateway.graphql.enums import Granularity, SeriesOrder, Split, TenantMode, TimeRange
from gateway.graphql.paging import DEFAULT_PAGE_SIZE, Connection, page_request
from gateway.graphql.performance import Summary
from gateway.graphql.reads import metrics_query, read_metrics, read_streams, read_summary
from gateway.graphql.series import Series
from gateway.graphql.streams import Stream
from gateway.insights import report as core
from gateway.insights.errors import NotFound
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.store import models
from gateway.store.reports import get_report, list_reports


def _numbers(kind: Kind, ids: tuple[str, ...]) -> list[int]:
    """The numbers of a report's stored ids (valid ids, as validation guaranteed)."""
    return [number for text in ids if (number := parse_id(kind, text)) is not None]


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
class Report(Node):
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
        "to now, in the report's time zone; with `timeRange` it is the window `metrics` has "
        "for that time range and `granularity`."
    )
    async def streams(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        time_range: Annotated[
            TimeRange | None,
            strawberry.argument(
                description="The window `metrics` has for this time range (ignored with `from`)."
            ),
        ] = None,
        granularity: Annotated[
            Granularity,
            strawberry.argument(description="With `timeRange`: where its window starts."),
        ] = Granularity.WEEKLY,
        start: From = None,
        to: To = None,
        project_ids: ProjectFilter = None,
        environment_ids: EnvironmentFilter = None,
        tenant_ids: TenantFilter = None,
    ) -> Connection[Stream]:
        return await read_streams(
            info,
            self.report,
            page_request(first, after),
            time_range=time_range,
            granularity=granularity,
            start=start,
            end=to,
            projects=project_ids,
            environments=environment_ids,
            tenants=tenant_ids,
        )

    @strawberry.field(
        description="Metric series (DORA metrics per interval), one per value of the split, "
        "each with its window totals, levels and trends."
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
        time_range: Range = TimeRange.LAST_QUARTER,
        granularity: IntervalLength = Granularity.WEEKLY,
        start: From = None,
        to: To = None,
        project_ids: ProjectFilter = None,
        environment_ids: EnvironmentFilter = None,
        tenant_ids: TenantFilter = None,
        order_by: Annotated[
            SeriesOrder, strawberry.argument(description="The order of the series.")
        ] = SeriesOrder.NAME,
    ) -> list[Series]:
        query = await metrics_query(
            info,
            self.report,
            split=split,
            tenant_tag_set_id=tenant_tag_set_id,
            time_range=time_range,
            granularity=granularity,
            start=start,
            end=to,
            projects=project_ids,
            environments=environment_ids,
            tenants=tenant_ids,
        )
        return await read_metrics(info, self.report, query, order_by)

    @strawberry.field(
        description="The report over a window: the four keys over the whole window (not per "
        "interval) with their DORA levels and 28-day trends."
    )
    async def summary(
        self,
        info: Info,
        time_range: Range = TimeRange.LAST_QUARTER,
        start: From = None,
        to: To = None,
        project_ids: ProjectFilter = None,
        environment_ids: EnvironmentFilter = None,
        tenant_ids: TenantFilter = None,
    ) -> Summary:
        query = await metrics_query(
            info,
            self.report,
            time_range=time_range,
            start=start,
            end=to,
            projects=project_ids,
            environments=environment_ids,
            tenants=tenant_ids,
        )
        return await read_summary(info, self.report, query)


ReportConnection = Connection[Report]


@strawberry.type(description="An Octopus space: a separate set of projects, tenants and reports.")
class Space(Node):
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
