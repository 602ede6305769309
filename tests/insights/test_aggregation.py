"""`/metrics` over the sample space (tests/insights/sample.py), with hand-computed answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from gateway.insights.aggregation import DeploymentColumns, compute_metrics
from gateway.insights.errors import Invalid
from gateway.insights.metrics import (
    CountStats,
    DurationStats,
    FailureRate,
    Granularity,
    Metrics,
    MetricsQuery,
    Split,
    TimeRange,
)
from gateway.insights.report import EnvironmentGroup, Report
from gateway.insights.ticks import TICKS_PER_SECOND, parse_timestamp
from tests.insights.sample import CATALOGUE, MINUTE, NOW, REGION, TIER, columns

REPORT = Report(id="InsightsReports-1", space_id="Spaces-1", name="Everything")
GROUPED = replace(
    REPORT,
    environment_groups=(
        EnvironmentGroup("Production", ("Environments-3",)),
        EnvironmentGroup("Pre-production", ("Environments-1", "Environments-2")),
        EnvironmentGroup("Staging", ("Environments-4",)),
    ),
)
WEEKS = (
    date(2024, 2, 11),
    date(2024, 2, 18),
    date(2024, 2, 25),
    date(2024, 3, 3),
    date(2024, 3, 10),
)
LAST_MONTH_WEEKLY = MetricsQuery(time_range=TimeRange.LastMonth, granularity=Granularity.Weekly)

Counts = dict[int, tuple[int, int, int]]


def summary(metrics: Metrics) -> list[tuple[str, Counts]]:
    """Each series' non-empty weeks as {week index: (successful, failed, guided)}."""
    result = []
    for series in metrics.series:
        assert tuple(interval.start for interval in series.intervals) == WEEKS
        result.append(
            (
                series.name,
                {
                    index: (
                        i.failure_rate.successful,
                        i.failure_rate.deployment_failure,
                        i.failure_rate.successful_but_had_guided_failure,
                    )
                    for index, i in enumerate(series.intervals)
                    if i.failure_rate.total
                },
            )
        )
    return result


UNTENANTED: Counts = {3: (1, 0, 0), 4: (1, 1, 0)}

SPLITS = [
    pytest.param(REPORT, Split.None_, None,
        [("All", {0: (1, 0, 0), 3: (3, 1, 1), 4: (1, 1, 0)})], id="none-one-series-all"),
    pytest.param(REPORT, Split.Project, None, [
        ("api", {0: (1, 0, 0), 3: (1, 1, 0)}),
        ("Billing", {3: (1, 0, 1)}),
        ("Shop", {3: (1, 0, 0), 4: (1, 1, 0)}),
    ], id="project-names-ignoring-case"),
    pytest.param(REPORT, Split.ProjectGroup, None, [
        ("Back office", {3: (1, 0, 1)}),
        ("Web", {0: (1, 0, 0), 3: (2, 1, 0), 4: (1, 1, 0)}),
    ], id="project-group"),
    pytest.param(REPORT, Split.Environment, None, [
        ("Dev", {4: (1, 1, 0)}),
        ("Production", {3: (2, 1, 0)}),
        ("Test", {0: (1, 0, 0), 3: (1, 0, 1)}),
    ], id="environment-without-deployments-left-out"),
    pytest.param(GROUPED, Split.EnvironmentGroup, None, [
        ("Production", {3: (2, 1, 0)}),
        ("Pre-production", {0: (1, 0, 0), 3: (1, 0, 1), 4: (1, 1, 0)}),
    ], id="environment-groups-in-report-order"),
    pytest.param(REPORT, Split.EnvironmentGroup, None,
        [("All", {0: (1, 0, 0), 3: (3, 1, 1), 4: (1, 1, 0)})], id="env-group-no-groups-all"),
    pytest.param(REPORT, Split.Tenant, None, [
        ("Acme", {3: (1, 1, 0)}),
        ("Birch", {0: (1, 0, 0), 3: (0, 0, 1)}),
        ("cobalt", {3: (1, 0, 0)}),
        ("Untenanted", UNTENANTED),
    ], id="tenant-with-untenanted-sorted-among-names"),
    pytest.param(REPORT, Split.TenantTagSet, REGION, [
        ("Asia", {0: (1, 0, 0), 3: (0, 0, 1)}),
        ("Europe", {0: (1, 0, 0), 3: (1, 1, 1)}),
        ("Untagged", {3: (1, 0, 0)}),
        ("Untenanted", UNTENANTED),
    ], id="tenant-tag-set-tenant-under-each-tag"),
    pytest.param(REPORT, Split.TenantTagSet, TIER, [
        ("Gold", {3: (2, 1, 0)}),
        ("Untagged", {0: (1, 0, 0), 3: (0, 0, 1)}),
        ("Untenanted", UNTENANTED),
    ], id="tenant-tag-set-untagged"),
]  # fmt: skip


@pytest.mark.parametrize(("report", "split", "tag_set", "expected"), SPLITS)
def test_splits(
    report: Report, split: Split, tag_set: int | None, expected: list[tuple[str, Counts]]
) -> None:
    query = replace(LAST_MONTH_WEEKLY, split=split, tenant_tag_set_id=tag_set)
    metrics = compute_metrics(columns(), report=report, catalogue=CATALOGUE, query=query, now=NOW)
    assert summary(metrics) == expected


def minutes(count: int, *values: float) -> DurationStats:
    """DurationStats of `count` values from Mean, Median, Min, Max, NinetyFifth in minutes."""
    mean, median, low, high, p95 = (round(v * MINUTE) for v in values)
    return DurationStats(count, mean, median, low, high, p95)


EMPTY = (DurationStats(0), FailureRate(), DurationStats(0), DurationStats(0), CountStats(0))


def test_statistics_of_each_week() -> None:
    metrics = compute_metrics(
        columns(), report=REPORT, catalogue=CATALOGUE, query=LAST_MONTH_WEEKLY, now=NOW
    )
    weeks = metrics.series[0].intervals
    stats = [
        (i.lead_time, i.failure_rate, i.time_since_previous_deployment, i.time_to_recovery,
         i.deployments_until_recovery)
        for i in weeks
    ]  # fmt: skip
    assert [i.successful_deployments for i in weeks] == [1, 0, 0, 3, 1]
    assert stats[0] == (
        minutes(1, 20, 20, 20, 20, 20), FailureRate(1, 0, 0, 1, 0, 0.0),
        DurationStats(0), DurationStats(0), CountStats(0),
    )  # fmt: skip
    assert stats[1] == stats[2] == EMPTY
    # Week of 3 March: leads 60, 90, 30 (a, c, e); since 30, 120 (a, c); c recovered after 2.
    # NinetyFifth of 30, 60, 90: rank 1.9 -> 60 + 0.9 x 30 = 87; of 30, 120: 30 + 0.95 x 90.
    assert stats[3] == (
        minutes(3, 60, 60, 30, 90, 87), FailureRate(3, 1, 1, 5, 2, 0.4),
        minutes(2, 75, 75, 30, 120, 115.5), minutes(1, 10, 10, 10, 10, 10),
        CountStats(1, 2.0, 2.0, 2.0, 2.0, 2.0),
    )  # fmt: skip
    assert stats[4] == (
        minutes(1, 45, 45, 45, 45, 45), FailureRate(1, 1, 0, 2, 1, 0.5),
        minutes(1, 15, 15, 15, 15, 15), DurationStats(0), CountStats(0),
    )  # fmt: skip


def test_empty_report_lists_every_interval_of_series_all() -> None:
    metrics = compute_metrics(
        columns(""), report=REPORT, catalogue=CATALOGUE, query=LAST_MONTH_WEEKLY, now=NOW
    )
    assert [(s.name, len(s.intervals)) for s in metrics.series] == [("All", 5)]
    assert all(
        (i.lead_time, i.failure_rate, i.time_since_previous_deployment, i.time_to_recovery,
         i.deployments_until_recovery) == EMPTY
        for i in metrics.series[0].intervals
    )  # fmt: skip


def test_split_with_no_deployments_has_no_series() -> None:
    query = replace(LAST_MONTH_WEEKLY, split=Split.Project)
    metrics = compute_metrics(columns(""), report=REPORT, catalogue=CATALOGUE, query=query, now=NOW)
    assert metrics.series == ()


def test_unknown_tag_set_is_invalid() -> None:
    query = replace(LAST_MONTH_WEEKLY, split=Split.TenantTagSet, tenant_tag_set_id=9)
    with pytest.raises(Invalid, match="'TagSets-9' is not a tag set in Spaces-1"):
        compute_metrics(columns(), report=REPORT, catalogue=CATALOGUE, query=query, now=NOW)


def one_day(
    leads: list[int] | None = None,
    attempts: list[int] | None = None,
    failed: int = 0,
) -> Metrics:
    """Metrics of a single UTC day, 1 March 2024, holding deployments with these facts (ticks)."""
    leads = leads or []
    attempts = attempts or []
    successes = max(len(leads), len(attempts), 1) if (leads or attempts) else 0
    count = successes + failed
    at = parse_timestamp("2024-03-01T12:00:00Z")
    nan = np.full(count, np.nan)
    lead = nan.copy()
    lead[: len(leads)] = leads
    tries = nan.copy()
    tries[: len(attempts)] = attempts
    data = DeploymentColumns(
        completed=np.full(count, at, dtype=np.int64),
        outcome=np.array([0] * successes + [1] * failed, dtype=np.int8),
        project_id=np.ones(count, dtype=np.int64),
        environment_id=np.ones(count, dtype=np.int64),
        tenant_id=np.zeros(count, dtype=np.int64),
        lead_time=lead,
        time_since_previous_success=nan,
        time_to_recovery=nan,
        deployments_until_recovery=tries,
    )
    query = MetricsQuery(
        granularity=Granularity.Daily,
        start=parse_timestamp("2024-03-01T00:00:00Z"),
        end=parse_timestamp("2024-03-01T23:59:59Z"),
    )
    return compute_metrics(data, report=REPORT, catalogue=CATALOGUE, query=query, now=NOW)


SEC = TICKS_PER_SECOND


@pytest.mark.parametrize(
    ("leads", "expected"),
    [
        pytest.param([SEC // 2], DurationStats(1, SEC, SEC, SEC, SEC, SEC), id="half-second-up"),
        pytest.param(
            [-SEC // 2], DurationStats(1, -SEC, -SEC, -SEC, -SEC, -SEC), id="negative-half-away"
        ),
        pytest.param([25 * SEC // 10 - 1], DurationStats(1, *[2 * SEC] * 5), id="just-under-half"),
        pytest.param(
            # mean 1.5 s -> 2 s, median 1.5 s -> 2 s, NinetyFifth 1.95 s -> 2 s.
            [SEC, 2 * SEC],
            DurationStats(2, 2 * SEC, 2 * SEC, SEC, 2 * SEC, 2 * SEC),
            id="mean-of-one-and-two-seconds",
        ),
        pytest.param(
            # 0, 10, 20, 100 s: mean 32.5 -> 33; median rank 1.5 -> 15; 95th rank 2.85 -> 88.
            [0, 10 * SEC, 20 * SEC, 100 * SEC],
            DurationStats(4, 33 * SEC, 15 * SEC, 0, 100 * SEC, 88 * SEC),
            id="linear-interpolation-between-ranks",
        ),
    ],
)
def test_durations_rounded_to_whole_seconds_half_away(
    leads: list[int], expected: DurationStats
) -> None:
    assert one_day(leads=leads).series[0].intervals[0].lead_time == expected


def test_deployments_until_recovery_not_rounded() -> None:
    interval = one_day(attempts=[1, 2]).series[0].intervals[0]
    assert interval.deployments_until_recovery == CountStats(2, 1.5, 1.5, 1.0, 2.0, 1.95)


@pytest.mark.parametrize(
    ("successes", "failed", "rate"),
    [
        pytest.param(2, 1, 0.33333, id="one-third"),
        pytest.param(1, 2, 0.66667, id="two-thirds-rounds-up"),
        pytest.param(247, 8, 0.03137, id="reference-sample"),
        pytest.param(0, 3, 1.0, id="all-failed"),
        pytest.param(0, 0, 0.0, id="no-deployments"),
    ],
)
def test_failure_rate(successes: int, failed: int, rate: float) -> None:
    interval = one_day(leads=[SEC] * successes, failed=failed).series[0].intervals[0]
    assert interval.failure_rate == FailureRate(
        successes, failed, 0, successes + failed, failed, rate
    )
