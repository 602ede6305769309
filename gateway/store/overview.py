"""The queries behind a dashboard's first screen and its drill-down: window totals and trends per
series (`gateway.insights.overview`), and the deployments behind one series over a window."""

from __future__ import annotations

from collections.abc import Collection

from gateway.insights.deployments import Outcome
from gateway.insights.drilldown import (
    COUNTED,
    SeriesChoice,
    SeriesDeployment,
    series_deployments,
)
from gateway.insights.metrics import MetricsQuery
from gateway.insights.overview import Overview, compute_overview, overview_range
from gateway.insights.report import Report
from gateway.store.catalogue import Executor, report_catalogue
from gateway.store.columns import SpaceColumns
from gateway.store.metrics import window_columns
from gateway.store.streams import report_streams


async def report_overview(
    conn: Executor,
    *,
    report: Report,
    query: MetricsQuery,
    now: int,
    columns: SpaceColumns | None = None,
) -> Overview:
    """Every series of the report's metrics with its window totals and trends (see
    `compute_overview`), from the space's cached columns when `columns` is given."""
    catalogue = await report_catalogue(conn, report)
    start, end = overview_range(query, report, now)
    chosen = await window_columns(
        conn,
        catalogue=catalogue,
        report=report,
        query=query,
        start=start,
        end=end,
        columns=columns,
    )
    return compute_overview(chosen, report=report, catalogue=catalogue, query=query, now=now)


async def report_series_deployments(
    conn: Executor,
    *,
    report: Report,
    query: MetricsQuery,
    choice: SeriesChoice,
    now: int,
    outcomes: Collection[Outcome] = COUNTED,
) -> list[SeriesDeployment]:
    """The deployments counted in one series between `query.start` and `query.end` (the
    streams' default window when absent), narrowed by the query's filters."""
    catalogue = await report_catalogue(conn, report)
    streams = await report_streams(
        conn,
        report=report,
        now=now,
        start=query.start,
        end=query.end,
        project_ids=query.project_ids,
        environment_ids=query.environment_ids,
        tenant_ids=query.tenant_ids,
    )
    return series_deployments(
        streams,
        report=report,
        catalogue=catalogue,
        query=query,
        choice=choice,
        outcomes=outcomes,
    )
