"""A report's `/metrics` from the store: its counted deployments in the window, from the space's
held columns (`gateway.store.columns`) or, without them, from one query narrowed by project."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from gateway.insights.aggregation import METRICS_COLUMNS, DeploymentColumns, compute_metrics
from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.metrics import Metrics, MetricsQuery
from gateway.insights.report import Report
from gateway.insights.scope import resolve_scope
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import metrics_window
from gateway.store.catalogue import Executor, report_catalogue
from gateway.store.columns import NULL, QUERIED, SpaceColumns, columns_select, integers
from gateway.store.streams import in_window


def metrics_moment(
    report: Report, query: MetricsQuery, now: int, columns: DeploymentColumns
) -> Hashable:
    """What of `now` the report's metrics depend on, given its space's counted deployments: the
    window's start, its last interval, and which deployments completed by now. Once now has
    passed the newest, that is all of them, so later readings the same day share the answer."""
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    newest = int(columns.completed[-1]) if len(columns.completed) else None
    return (window.start, window.starts[-1], None if newest is None else min(now, newest))


async def report_metrics(
    conn: Executor,
    *,
    report: Report,
    query: MetricsQuery,
    now: int,
    columns: SpaceColumns | None = None,
) -> Metrics:
    """The report's `/metrics` answer (see `compute_metrics`): from the space's cached columns
    when `columns` is given, else from one query over the window."""
    catalogue = await report_catalogue(conn, report)
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    chosen = await window_columns(
        conn,
        catalogue=catalogue,
        report=report,
        query=query,
        start=window.start,
        end=window.end,
        columns=columns,
    )
    return compute_metrics(chosen, report=report, catalogue=catalogue, query=query, now=now)


async def window_columns(
    conn: Executor,
    *,
    catalogue: SpaceCatalogue,
    report: Report,
    query: MetricsQuery,
    start: int,
    end: int,
    columns: SpaceColumns | None,
) -> DeploymentColumns:
    """The counted deployments of the report's space completed in [start, end]: a slice of the
    space's cached columns when `columns` is given, else one query (narrowed by project)."""
    if columns is not None:
        held = await columns.of_space(conn, space_id=catalogue.space_id)
        first = np.searchsorted(held.completed, start, side="left")
        last = np.searchsorted(held.completed, end, side="right")
        return held.rows(slice(int(first), int(last)))
    scope = resolve_scope(report, catalogue).narrowed(project_ids=query.project_ids)
    statement = in_window(columns_select(), scope, catalogue, start, end)
    table = await integers(conn, statement, width=len(QUERIED))
    return DeploymentColumns.from_integers(table[:, : len(METRICS_COLUMNS)], null=NULL)
