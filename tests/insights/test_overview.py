"""A series over its whole window: totals, levels and trends, computed by hand."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from gateway.insights.aggregation import DeploymentColumns
from gateway.insights.levels import Benchmark, Level, Levels
from gateway.insights.metrics import MetricsQuery, SeriesKey, SeriesKind, Split, TimeRange
from gateway.insights.overview import compute_overview, overview_range
from gateway.insights.report import Report
from gateway.insights.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, parse_timestamp
from gateway.insights.trends import BLOCK, Block, Direction
from tests.insights.sample import API, CATALOGUE, MINUTE, NOW, PRODUCTION, SHOP, S, columns

REPORT = Report(id="InsightsReports-1", space_id="Spaces-1", name="Everything")
LAST_MONTH = MetricsQuery(time_range=TimeRange.LastMonth)


def test_totals_and_levels_over_the_whole_window() -> None:
    # The window runs from 2024-02-11T00:00Z (Sunday) to NOW, 2024-03-13T12:00Z: 31.5 days.
    # Counted inside: j a c e g successful, b h failed, d successful after a guided failure.
    overview = compute_overview(
        columns(), report=REPORT, catalogue=CATALOGUE, query=LAST_MONTH, now=NOW
    )
    (all_,) = overview.series
    assert (all_.name, all_.key) == ("All", SeriesKey(SeriesKind.ALL))
    totals = all_.totals
    assert (totals.start, totals.end) == (parse_timestamp("2024-02-11T00:00:00Z"), NOW)
    window = totals.window
    assert window.successful_deployments == 5
    rate = window.failure_rate
    assert (rate.failed, rate.total, rate.rate) == (3, 8, 0.375)
    # Lead times 20, 30, 45, 60, 90 minutes; one recovery of 10 minutes.
    assert (window.lead_time.count, window.lead_time.median) == (5, 45 * MINUTE)
    assert window.time_to_recovery.median == 10 * MINUTE
    assert totals.days == Fraction(63 * 12 * TICKS_PER_HOUR + 1, TICKS_PER_DAY)
    assert totals.deployments_per_day == 5 / totals.days
    # 5 in 31.5 days is more than weekly: HIGH; 37.5% failed: LOW, so LOW overall.
    levels = totals.levels(Benchmark.DORA_2024)
    assert levels == Levels(Level.HIGH, Level.ELITE, Level.LOW, Level.ELITE)
    assert levels.overall is Level.LOW


def _deployments(times: list[int], project: int, lead_minutes: int) -> list[tuple[object, ...]]:
    return [
        (at, int(S), project, PRODUCTION, None, lead_minutes * MINUTE, None, None, None)
        for at in times
    ]


def test_trends_compare_the_last_28_days_with_the_28_before() -> None:
    # Shop: 10 deployments in each block, the last of the previous block exactly 28 days
    # before the end; lead time 60 minutes before, 63 after: exactly 5% up (worse).
    # api: 9 in the previous block only: too few, NONE.
    previous = [NOW - BLOCK - n * TICKS_PER_DAY for n in range(10)]
    current = [NOW - n * TICKS_PER_DAY for n in range(10)]
    rows = (
        _deployments(previous, SHOP, 60)
        + _deployments(current, SHOP, 63)
        + _deployments(previous[:9], API, 60)
    )
    query = replace(LAST_MONTH, split=Split.Project)
    start, end = overview_range(query, REPORT, NOW)
    assert (start, end) == (NOW - 2 * BLOCK + 1, NOW)
    overview = compute_overview(
        DeploymentColumns.from_rows(rows),
        report=REPORT,
        catalogue=CATALOGUE,
        query=query,
        now=NOW,
    )
    shop, api = overview.of("Shop"), overview.of("api")
    assert shop is not None
    assert api is not None
    frequency = shop.trends.deployment_frequency
    assert (frequency.direction, frequency.previous, frequency.current) == (
        Direction.STEADY,
        Block(Fraction(10, 4), 10),
        Block(Fraction(10, 4), 10),
    )
    lead = shop.trends.lead_time
    assert (lead.direction, lead.improving, lead.change) == (
        Direction.UP,
        False,
        Fraction(5, 100),
    )
    assert (lead.previous.value, lead.current.value) == (60 * MINUTE, 63 * MINUTE)
    assert shop.trends.change_failure_rate.direction is Direction.STEADY
    assert shop.trends.recovery_time.direction is Direction.NONE
    assert api.trends.deployment_frequency.direction is Direction.NONE
    assert api.trends.deployment_frequency.previous == Block(Fraction(9, 4), 9)


def test_trends_end_at_an_explicit_window_end() -> None:
    end = NOW - 10 * TICKS_PER_DAY
    query = replace(LAST_MONTH, end=end)
    assert overview_range(query, REPORT, NOW)[1] == end
    overview = compute_overview(columns(), report=REPORT, catalogue=CATALOGUE, query=query, now=NOW)
    assert overview.trend_end == end
