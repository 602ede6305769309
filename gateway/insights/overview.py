"""What a dashboard shows first: per series, the four keys over the whole window (not per
interval), their DORA levels (`levels`) and their trends (`trends`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from gateway.insights.aggregation import DeploymentColumns, aggregate, labelled_rows
from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.deployments import Outcome
from gateway.insights.levels import Benchmark, Levels, place_levels
from gateway.insights.metrics import Interval, MetricsQuery, SeriesKey
from gateway.insights.report import Report
from gateway.insights.ticks import TICKS_PER_DAY
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.trends import BLOCK, BlockColumns, Trends, block_of, series_trends
from gateway.insights.windows import Window, metrics_window


@dataclass(frozen=True, slots=True)
class Totals:
    """A series over its whole window [start, end] as one interval, by the rules of every
    interval (SPEC.md): counts, failure rate, and statistics rounded as `/metrics` rounds them."""

    start: int
    end: int
    window: Interval

    @property
    def days(self) -> Fraction:
        """The window's length in days (24 hours each; both ends are included)."""
        return Fraction(self.end - self.start + 1, TICKS_PER_DAY)

    @property
    def deployments_per_day(self) -> Fraction:
        return self.window.successful_deployments / self.days

    def levels(self, benchmark: Benchmark) -> Levels:
        """Placed by successful deployments per day, median lead time, failure rate and median
        time to recovery: the statistics as this API shows them (durations in whole seconds,
        the rate to 5 places)."""
        rate = self.window.failure_rate
        return place_levels(
            benchmark,
            deployments_per_day=self.deployments_per_day,
            median_lead_time=self.window.lead_time.median,
            failure_rate=Fraction(round(rate.rate * 100_000), 100_000) if rate.total else None,
            median_recovery_time=self.window.time_to_recovery.median,
        )


@dataclass(frozen=True, slots=True)
class SeriesOverview:
    name: str
    key: SeriesKey
    totals: Totals
    trends: Trends


@dataclass(frozen=True, slots=True)
class Overview:
    series: tuple[SeriesOverview, ...]
    trend_end: int
    """Where the current trend block ends: the window's end."""

    def of(self, name: str) -> SeriesOverview | None:
        return next((series for series in self.series if series.name == name), None)


def overview_range(query: MetricsQuery, report: Report, now: int) -> tuple[int, int]:
    """The completion times an overview reads: the window and both trend blocks."""
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    return min(window.start, window.end - 2 * BLOCK + 1), window.end


def compute_overview(
    columns: DeploymentColumns,
    *,
    report: Report,
    catalogue: SpaceCatalogue,
    query: MetricsQuery,
    now: int,
) -> Overview:
    """Every series of `query` (as `compute_metrics` lists them) with its totals over the
    window and its trends over the 56 days up to the window's end. `columns` must hold the
    deployments of `overview_range`."""
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    start, end = overview_range(query, report, now)
    rows, labels = labelled_rows(
        columns, report=report, catalogue=catalogue, query=query, start=start, end=end
    )
    completed = columns.completed[rows]
    inside = completed >= window.start
    whole = Window(
        start=window.start, end=window.end, starts=window.starts[:1], edges=window.edges[:1]
    )
    totals = aggregate(
        columns,
        rows[inside],
        replace(labels, rows=labels.rows[inside], series=labels.series[inside]),
        whole,
    )
    outcome = columns.outcome[rows]
    trends = series_trends(
        BlockColumns(
            series=labels.series,
            block=block_of(completed, end),
            successful=outcome == Outcome.SUCCESSFUL,
            failed=(outcome == Outcome.FAILED) | (outcome == Outcome.SUCCESS_WITH_GUIDED_FAILURE),
            lead_time=columns.lead_time[rows],
            time_to_recovery=columns.time_to_recovery[rows],
        ),
        len(labels.names),
    )
    by_name = {name: index for index, name in enumerate(labels.names)}
    return Overview(
        series=tuple(
            SeriesOverview(
                name=series.name,
                key=series.key,
                totals=Totals(window.start, window.end, series.intervals[0]),
                trends=trends[by_name[series.name]],
            )
            for series in totals.series
        ),
        trend_end=end,
    )
