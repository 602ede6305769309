"""`/metrics`: counted deployments of a report's scope, by series and interval, vectorised.

Deployments arrive as columns (`DeploymentColumns`); series and intervals become one group
number per row, counts come from `np.bincount`, and statistics from one sort by (group, value).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.deployments import Outcome
from gateway.insights.metrics import (
    CountStats,
    DurationStats,
    FailureRate,
    Interval,
    Metrics,
    MetricsQuery,
    Series,
)
from gateway.insights.report import Report
from gateway.insights.scope import NO_TENANT, resolve_scope
from gateway.insights.series import SeriesLabels, series_labels
from gateway.insights.ticks import TICKS_PER_SECOND
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import Window, metrics_window

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DeploymentColumns:
    """Finished deployments as parallel columns. Untenanted rows carry tenant `NO_TENANT` (0);
    a fact that is null is NaN (exact in float64 for any duration under 28 years)."""

    completed: Ints
    outcome: npt.NDArray[np.int8]
    project_id: Ints
    environment_id: Ints
    tenant_id: Ints
    lead_time: Floats
    time_since_previous_success: Floats
    time_to_recovery: Floats
    deployments_until_recovery: Floats

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Any, ...]]) -> DeploymentColumns:
        """Columns from rows of values in `METRICS_COLUMNS` order (tenant None: untenanted,
        a fact None: null)."""
        listed = list(rows)
        columns: list[tuple[Any, ...]] = (
            list(zip(*listed, strict=True)) if listed else [()] * len(METRICS_COLUMNS)
        )
        by_name = dict(zip(METRICS_COLUMNS, columns, strict=True))
        tenants = [NO_TENANT if t is None else t for t in by_name["tenant_id"]]
        return cls(
            completed=np.array(by_name["completed"], dtype=np.int64),
            outcome=np.array(by_name["outcome"], dtype=np.int8),
            project_id=np.array(by_name["project_id"], dtype=np.int64),
            environment_id=np.array(by_name["environment_id"], dtype=np.int64),
            tenant_id=np.array(tenants, dtype=np.int64),
            # numpy turns None into NaN for float arrays.
            **{name: np.array(by_name[name], dtype=np.float64) for name in FACT_COLUMNS},
        )

    def rows(self, chosen: slice) -> DeploymentColumns:
        """The columns of some rows (a slice: views, not copies)."""
        return DeploymentColumns(**{name: getattr(self, name)[chosen] for name in METRICS_COLUMNS})

    @classmethod
    def from_integers(cls, table: Ints, *, null: int) -> DeploymentColumns:
        """Columns from an (n, 9) integer table in `METRICS_COLUMNS` order, where untenanted
        rows carry `NO_TENANT` and `null` stands for a fact that is null."""
        at = {name: index for index, name in enumerate(METRICS_COLUMNS)}

        def fact(name: str) -> Floats:
            column = table[:, at[name]]
            return np.where(column == null, np.nan, column.astype(np.float64))

        return cls(
            completed=np.ascontiguousarray(table[:, at["completed"]]),
            outcome=table[:, at["outcome"]].astype(np.int8),
            project_id=np.ascontiguousarray(table[:, at["project_id"]]),
            environment_id=np.ascontiguousarray(table[:, at["environment_id"]]),
            tenant_id=np.ascontiguousarray(table[:, at["tenant_id"]]),
            **{name: fact(name) for name in FACT_COLUMNS},
        )


FACT_COLUMNS = (
    "lead_time",
    "time_since_previous_success",
    "time_to_recovery",
    "deployments_until_recovery",
)
"""The facts among the columns: durations in ticks and a count, NaN when null."""
METRICS_COLUMNS = tuple(field.name for field in fields(DeploymentColumns))
"""The columns in their one order: of `from_rows`' rows, `from_integers`' table and the store's
query (`gateway.store.columns`)."""


def compute_metrics(
    columns: DeploymentColumns,
    *,
    report: Report,
    catalogue: SpaceCatalogue,
    query: MetricsQuery,
    now: int,
) -> Metrics:
    """The report's metrics over the window of `query` (see `metrics_window`) in its time zone.

    Per series and interval, over counted deployments (Success, Failed) in scope:
    NumberOfSuccessfulDeployments = successful; failure counts and Rate = Failed / Total;
    LeadTime, TimeSincePreviousDeployment, MeanTimeToRecovery, DeploymentsUntilRecovery =
    Count/Mean/Median/Min/Max/NinetyFifth (linear interpolation) of the field over the
    interval's successful deployments that have it set.
    """
    zone = resolve_time_zone(report.time_zone)
    window = metrics_window(query, zone, now)
    rows, labels = labelled_rows(
        columns, report=report, catalogue=catalogue, query=query, start=window.start, end=window.end
    )
    return aggregate(columns, rows, labels, window)


def labelled_rows(
    columns: DeploymentColumns,
    *,
    report: Report,
    catalogue: SpaceCatalogue,
    query: MetricsQuery,
    start: int,
    end: int,
) -> tuple[npt.NDArray[np.intp], SeriesLabels]:
    """The counted deployments in the query's scope completed in [start, end], each repeated
    once per series it counts in, and their series: `rows[i]` counts in `labels.series[i]`."""
    scope = resolve_scope(report, catalogue).narrowed(
        project_ids=query.project_ids,
        environment_ids=query.environment_ids,
        tenant_ids=query.tenant_ids,
    )
    keep = (
        (columns.outcome != Outcome.NOT_COUNTED)
        & (columns.completed >= start)
        & (columns.completed <= end)
        & scope.mask(columns.project_id, columns.environment_id, columns.tenant_id)
    )
    rows = np.flatnonzero(keep)
    labels = series_labels(
        query,
        catalogue,
        scope.environment_groups,
        project_ids=columns.project_id[rows],
        environment_ids=columns.environment_id[rows],
        tenant_ids=columns.tenant_id[rows],
    )
    return rows[labels.rows], labels


def aggregate(
    columns: DeploymentColumns,
    rows: npt.NDArray[np.intp],
    labels: SeriesLabels,
    window: Window,
) -> Metrics:
    """Every series' intervals over `window`; `rows[i]` counts in series `labels.series[i]`."""
    series, names, always = labels.series, labels.names, labels.always
    intervals = len(window.starts)
    groups = len(names) * intervals
    group = series * intervals + window.interval_of(columns.completed[rows])
    outcome = columns.outcome[rows]
    counts = {kind: np.bincount(group[outcome == kind], minlength=groups) for kind in Outcome}
    successful = outcome == Outcome.SUCCESSFUL
    stats = [
        _statistics(group, successful, values[rows], groups)
        for values in (
            columns.lead_time,
            columns.time_since_previous_success,
            columns.time_to_recovery,
        )
    ]
    recoveries = _statistics(group, successful, columns.deployments_until_recovery[rows], groups)
    failure_rates = _failure_rates(
        counts[Outcome.SUCCESSFUL],
        counts[Outcome.FAILED],
        counts[Outcome.SUCCESS_WITH_GUIDED_FAILURE],
    )
    lead_time, since_previous, to_recovery = (_duration_stats(stat) for stat in stats)
    until_recovery = _count_stats(recoveries)
    successful_counts = counts[Outcome.SUCCESSFUL].tolist()
    counted = (
        counts[Outcome.SUCCESSFUL]
        + counts[Outcome.FAILED]
        + counts[Outcome.SUCCESS_WITH_GUIDED_FAILURE]
    ).reshape(len(names), intervals)
    firsts = np.maximum(window.edges, window.start).tolist()
    lasts = np.minimum(np.append(window.edges[1:] - 1, window.end), window.end).tolist()
    result: list[Series] = []
    for index, name in enumerate(names):
        if not always and not counted[index].any():
            continue
        first = index * intervals
        result.append(
            Series(
                name=name,
                key=labels.keys[index],
                intervals=tuple(
                    Interval(
                        start=start,
                        successful_deployments=successful_counts[g],
                        lead_time=lead_time[g],
                        failure_rate=failure_rates[g],
                        time_since_previous_deployment=since_previous[g],
                        time_to_recovery=to_recovery[g],
                        deployments_until_recovery=until_recovery[g],
                        first=firsts[g - first],
                        last=lasts[g - first],
                    )
                    for g, start in enumerate(window.starts, start=first)
                ),
            )
        )
    return Metrics(series=tuple(result))


def _failure_rates(successful: Ints, failure: Ints, guided: Ints) -> list[FailureRate]:
    """Per group; Rate = failed / total to 5 places, halves away from zero, in integers so that
    halves are exact (0 when total is 0)."""
    failed = failure + guided
    total = successful + failed
    divisor = np.maximum(2 * total, 1)
    rate = ((2 * failed * 100_000 + total) // divisor) / 100_000
    return [
        FailureRate(s, f, g, t, d, r)
        for s, f, g, t, d, r in zip(
            successful.tolist(),
            failure.tolist(),
            guided.tolist(),
            total.tolist(),
            failed.tolist(),
            rate.tolist(),
            strict=True,
        )
    ]


def round_seconds(values: Floats) -> Ints:
    """`round_half_away(value, TICKS_PER_SECOND)` of every value, in the same float steps."""
    scaled = np.abs(values) / TICKS_PER_SECOND
    whole = np.trunc(scaled)
    whole += scaled - whole >= 0.5
    rounded = whole.astype(np.int64)
    return np.where(values >= 0, rounded, -rounded) * TICKS_PER_SECOND


_NO_DURATIONS = DurationStats(count=0)
_NO_COUNTS = CountStats(count=0)


def _duration_stats(stats: _Stats) -> list[DurationStats]:
    count = stats[0]
    present = count > 0
    columns = [round_seconds(np.where(present, column, 0.0)).tolist() for column in stats[1:]]
    return [
        DurationStats(n, *values) if n else _NO_DURATIONS
        for n, *values in zip(count.tolist(), *columns, strict=True)
    ]


def _count_stats(stats: _Stats) -> list[CountStats]:
    columns = [column.tolist() for column in stats[1:]]
    return [
        CountStats(n, *values) if n else _NO_COUNTS
        for n, *values in zip(stats[0].tolist(), *columns, strict=True)
    ]


_Stats = tuple[Ints, Floats, Floats, Floats, Floats, Floats]


def _statistics(
    group: npt.NDArray[np.intp], successful: npt.NDArray[np.bool_], values: Floats, groups: int
) -> _Stats:
    """Per group: count, mean, median, min, max, 95th percentile of the set values of successful
    rows (NaN where count is 0). One lexsort orders every group's values at once; the
    percentiles then interpolate between ranks exactly as numpy's default method does."""
    chosen = successful & ~np.isnan(values)
    keys, data = group[chosen], values[chosen]
    order = np.lexsort((data, keys))
    keys, data = keys[order], data[order]
    count = np.bincount(keys, minlength=groups).astype(np.int64)
    total = np.bincount(keys, weights=data, minlength=groups)
    offset = np.cumsum(count) - count
    present = count > 0
    nan = np.full(groups, np.nan)
    mean, low, high = nan.copy(), nan.copy(), nan.copy()
    mean[present] = total[present] / count[present]
    low[present] = data[offset[present]]
    high[present] = data[offset[present] + count[present] - 1]
    median = _percentile(data, offset, count, present, 0.5)
    ninety_fifth = _percentile(data, offset, count, present, 0.95)
    return count, mean, median, low, high, ninety_fifth


def _percentile(
    data: Floats, offset: Ints, count: Ints, present: npt.NDArray[np.bool_], quantile: float
) -> Floats:
    result = np.full(len(count), np.nan)
    position = (count[present] - 1) * quantile
    below = np.floor(position).astype(np.int64)
    fraction = position - below
    above = np.minimum(below + 1, count[present] - 1)
    a = data[offset[present] + below]
    b = data[offset[present] + above]
    # numpy's _lerp: from the nearer end, so that results are bit-for-bit np.percentile's.
    difference = b - a
    result[present] = np.where(
        fraction >= 0.5, b - difference * (1 - fraction), a + difference * fraction
    )
    return result
