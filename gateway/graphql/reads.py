"""A report's reads through the insights core: metrics, summary, streams and the drill-down.

Every argument problem is listed in one BAD_USER_INPUT error. Each read tells the answer cache
how it depends on now: metrics and summaries by their query (`Reading.metrics`), streams
and default windows by the exact reading (`Reading.exact_now`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from gateway.graphql.arguments import check_filters
from gateway.graphql.context import Info
from gateway.graphql.enums import Granularity, Outcome, SeriesKind, SeriesOrder, Split, TimeRange
from gateway.graphql.enums import text as enum_text
from gateway.graphql.paging import Connection, PageRequest
from gateway.graphql.performance import OverviewSource, Summary
from gateway.graphql.problems import bad_input
from gateway.graphql.series import Series
from gateway.graphql.streams import Deployment, Stream
from gateway.insights.drilldown import COUNTED, choose_series
from gateway.insights.errors import Invalid
from gateway.insights.metrics import MetricsQuery, parse_metrics_query
from gateway.insights.problems import Problem
from gateway.insights.report import Report
from gateway.insights.scope import resolve_scope
from gateway.insights.series import in_lifecycle_order
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import metrics_window
from gateway.store.catalogue import report_catalogue
from gateway.store.metrics import report_metrics
from gateway.store.overview import report_series_deployments
from gateway.store.streams import report_streams


async def metrics_query(
    info: Info,
    report: Report,
    *,
    split: Split = Split.NONE,
    tenant_tag_set_id: str | None = None,
    time_range: TimeRange = TimeRange.LAST_QUARTER,
    granularity: Granularity = Granularity.WEEKLY,
    start: int | None = None,
    end: int | None = None,
    projects: Sequence[str] | None = None,
    environments: Sequence[str] | None = None,
    tenants: Sequence[str] | None = None,
) -> MetricsQuery:
    """The core's query for these arguments; a BAD_USER_INPUT error listing every problem."""
    problems: list[Problem] = []
    filters = await check_filters(
        info,
        report,
        projects=projects,
        environments=environments,
        tenants=tenants,
        problems=problems,
    )
    query = MetricsQuery()
    try:
        query = parse_metrics_query(
            split=enum_text(split),
            tenant_tag_set_id=tenant_tag_set_id,
            time_range=enum_text(time_range),
            granularity=enum_text(granularity),
        )
    except Invalid as error:
        problems.extend(error.details)
    if problems:
        raise bad_input(problems)
    return replace(
        query,
        start=start,
        end=end,
        project_ids=filters.project_ids,
        environment_ids=filters.environment_ids,
        tenant_ids=filters.tenant_ids,
    )


async def read_metrics(
    info: Info, report: Report, query: MetricsQuery, order: SeriesOrder
) -> list[Series]:
    info.context.reading.metrics.append((report, query))
    async with info.context.sessions() as session:
        try:
            metrics = await report_metrics(
                session,
                report=report,
                query=query,
                now=info.context.now,
                columns=info.context.columns,
            )
        except Invalid as error:
            raise bad_input(error.details) from error
        listed = list(metrics.series)
        if order is SeriesOrder.LIFECYCLE:
            catalogue = await report_catalogue(session, report)
            groups = resolve_scope(report, catalogue).environment_groups
            keys = [series.key for series in listed]
            listed = [listed[index] for index in in_lifecycle_order(keys, catalogue, groups)]
    source = OverviewSource(report, query)
    return [Series.from_core(series, source) for series in listed]


async def read_summary(info: Info, report: Report, query: MetricsQuery) -> Summary:
    info.context.reading.metrics.append((report, query))
    try:
        # The window is checked now, so that a bad one is an error of `summary` itself.
        metrics_window(query, resolve_time_zone(report.time_zone), info.context.now)
    except Invalid as error:
        raise bad_input(error.details) from error
    return Summary(name="All", source=OverviewSource(report, query))


async def read_streams(
    info: Info,
    report: Report,
    page: PageRequest,
    *,
    time_range: TimeRange | None,
    granularity: Granularity,
    start: int | None,
    end: int | None,
    projects: Sequence[str] | None,
    environments: Sequence[str] | None,
    tenants: Sequence[str] | None,
) -> Connection[Stream]:
    """Streams over an explicit window, the window `metrics` has for `time_range` and
    `granularity`, or the default window (twelve months and this one)."""
    query = await metrics_query(
        info,
        report,
        time_range=time_range or TimeRange.LAST_QUARTER,
        granularity=granularity,
        end=end,
        projects=projects,
        environments=environments,
        tenants=tenants,
    )
    info.context.reading.exact_now = True
    try:
        if start is None and time_range is not None:
            start = metrics_window(
                query, resolve_time_zone(report.time_zone), info.context.now
            ).start
        async with info.context.sessions() as session:
            views = await report_streams(
                session,
                report=report,
                now=info.context.now,
                start=start,
                end=end,
                project_ids=query.project_ids,
                environment_ids=query.environment_ids,
                tenant_ids=query.tenant_ids,
            )
    except Invalid as error:
        raise bad_input(error.details) from error
    chosen = views[page.offset : page.offset + page.limit]
    return Connection[Stream].of(
        [Stream.from_core(view) for view in chosen], total=len(views), page=page
    )


async def read_series_deployments(
    info: Info,
    report: Report,
    page: PageRequest,
    *,
    kind: SeriesKind,
    id: str | None,
    outcomes: Sequence[Outcome] | None,
    start: int | None,
    end: int | None,
    projects: Sequence[str] | None,
    environments: Sequence[str] | None,
    tenants: Sequence[str] | None,
) -> Connection[Deployment]:
    """The deployments counted in one series between `start` and `end`."""
    query = await metrics_query(
        info,
        report,
        start=start,
        end=end,
        projects=projects,
        environments=environments,
        tenants=tenants,
    )
    if start is None or end is None:
        info.context.reading.exact_now = True
    wanted = COUNTED if outcomes is None else {outcome.to_core() for outcome in outcomes}
    async with info.context.sessions() as session:
        try:
            catalogue = await report_catalogue(session, report)
            choice = choose_series(kind.to_core(), id, report=report, catalogue=catalogue)
            found = await report_series_deployments(
                session,
                report=report,
                query=query,
                choice=choice,
                now=info.context.now,
                outcomes=wanted,
            )
        except Invalid as error:
            raise bad_input(error.details) from error
    chosen = found[page.offset : page.offset + page.limit]
    return Connection[Deployment].of(
        [Deployment.from_core(item.deployment, stream=item.stream) for item in chosen],
        total=len(found),
        page=page,
    )
