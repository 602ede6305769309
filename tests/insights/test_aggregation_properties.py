"""Invariants of `/metrics`, and agreement with the simple reference computation, on random data."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.insights.aggregation import DeploymentColumns, compute_metrics, round_seconds
from gateway.insights.deployments import Outcome
from gateway.insights.metrics import (
    CountStats,
    DurationStats,
    Granularity,
    Metrics,
    MetricsQuery,
    Split,
    TimeRange,
)
from gateway.insights.report import EnvironmentGroup, Report, TenantMode
from gateway.insights.ticks import (
    TICKS_PER_DAY,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
    parse_timestamp,
    round_half_away,
)
from tests.insights.reference import Row, reference_metrics
from tests.insights.sample import CATALOGUE, REGION, TIER

START = parse_timestamp("2023-01-01T00:00:00Z")
SPAN = 2 * 365 * TICKS_PER_DAY
ZONES = ["UTC", "Europe/London", "America/New_York", "AUS Eastern Standard Time", "Asia/Kolkata"]
BASE = Report(id="InsightsReports-1", space_id="Spaces-1", name="r")
REPORTS = [
    BASE,
    replace(BASE, tenant_mode=TenantMode.TENANTED, tenant_tags=("Region/Europe", "Tier/Gold")),
    replace(BASE, tenant_mode=TenantMode.UNTENANTED, project_ids=("Projects-1", "Projects-3")),
    replace(BASE, project_group_ids=("ProjectGroups-1",), tenant_ids=("Tenants-3",)),
    replace(
        BASE,
        environment_groups=(
            EnvironmentGroup("Live", ("Environments-3", "Environments-4")),
            EnvironmentGroup("Early", ("Environments-1", "Environments-2")),
        ),
    ),
]
fact = st.one_of(st.none(), st.integers(-3 * 60, 30 * 24 * 60).map(lambda m: m * TICKS_PER_MINUTE))


@st.composite
def rows(draw: Any) -> Row:
    outcome = draw(st.sampled_from(list(Outcome)))
    good = outcome is Outcome.SUCCESSFUL
    return Row(
        completed=START + draw(st.integers(0, SPAN)),
        outcome=outcome,
        project_id=draw(st.integers(1, 3)),
        environment_id=draw(st.integers(1, 4)),
        tenant_id=draw(st.one_of(st.none(), st.integers(1, 3))),
        lead_time=draw(fact) if good else None,
        time_since_previous_success=draw(fact) if good else None,
        time_to_recovery=draw(fact.map(lambda v: None if v is None else abs(v))) if good else None,
        deployments_until_recovery=draw(st.one_of(st.none(), st.integers(1, 5))) if good else None,
    )


def columns(data: list[Row]) -> DeploymentColumns:
    return DeploymentColumns.from_rows(
        (r.completed, int(r.outcome), r.project_id, r.environment_id, r.tenant_id, r.lead_time,
         r.time_since_previous_success, r.time_to_recovery, r.deployments_until_recovery)
        for r in data
    )  # fmt: skip


queries = st.builds(
    MetricsQuery,
    split=st.sampled_from(list(Split)),
    tenant_tag_set_id=st.sampled_from([REGION, TIER]),
    time_range=st.sampled_from(list(TimeRange)),
    granularity=st.sampled_from(list(Granularity)),
)
case = st.tuples(
    st.lists(rows(), max_size=60),
    st.sampled_from(REPORTS),
    st.sampled_from(ZONES),
    queries,
    st.integers(0, SPAN).map(lambda offset: START + offset),
)


def metrics_of(
    data: list[Row], report: Report, zone: str, query: MetricsQuery, now: int
) -> Metrics:
    return compute_metrics(
        columns(data),
        report=replace(report, time_zone=zone),
        catalogue=CATALOGUE,
        query=query,
        now=now,
    )


@settings(max_examples=150, deadline=None)
@given(case)
def test_agrees_with_the_reference(arguments: tuple[Any, ...]) -> None:
    data, report, zone, query, now = arguments
    expected = reference_metrics(
        data, report=replace(report, time_zone=zone), catalogue=CATALOGUE, query=query, now=now
    )
    assert metrics_of(data, report, zone, query, now) == expected


def _ordered(stats: DurationStats | CountStats) -> bool:
    if stats.count == 0:
        return (stats.mean, stats.median, stats.min, stats.max, stats.ninety_fifth) == (None,) * 5
    values = (stats.min, stats.median, stats.ninety_fifth, stats.max, stats.mean)
    if None in values:
        return False
    low, median, ninety_fifth, high, mean = values
    return low <= median <= ninety_fifth <= high and low <= mean <= high


@settings(max_examples=100, deadline=None)
@given(case)
def test_interval_invariants(arguments: tuple[Any, ...]) -> None:
    for series in metrics_of(*arguments).series:
        for i in series.intervals:
            rate = i.failure_rate
            assert rate.total == rate.successful + rate.failed
            assert rate.failed == rate.deployment_failure + rate.successful_but_had_guided_failure
            assert rate.successful == i.successful_deployments
            for stats in (
                i.lead_time,
                i.time_since_previous_deployment,
                i.time_to_recovery,
                i.deployments_until_recovery,
            ):
                assert stats.count <= i.successful_deployments
                assert _ordered(stats)


def _totals(metrics: Metrics) -> list[tuple[int, ...]]:
    """Per interval: counts summed over every series."""
    return [
        tuple(
            sum(values)
            for values in zip(
                *(
                    (i.failure_rate.successful, i.failure_rate.deployment_failure,
                     i.failure_rate.successful_but_had_guided_failure, i.lead_time.count,
                     i.time_to_recovery.count, i.deployments_until_recovery.count)
                    for s in metrics.series
                    for i in s.intervals[index : index + 1]
                ),
                strict=True,
            )
        )
        for index in range(len(metrics.series[0].intervals) if metrics.series else 0)
    ]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(case, st.sampled_from([s for s in Split if s not in (Split.None_, Split.TenantTagSet)]))
def test_splits_partition_series_all(arguments: tuple[Any, ...], split: Split) -> None:
    data, report, zone, query, now = arguments
    everything = metrics_of(data, report, zone, replace(query, split=Split.None_), now)
    parts = metrics_of(data, report, zone, replace(query, split=split), now)
    if not parts.series:
        assert all(not any(t) for t in _totals(everything))
    else:
        assert _totals(parts) == _totals(everything)


@settings(max_examples=50, deadline=None)
@given(case, st.randoms())
def test_metrics_do_not_depend_on_row_order(
    arguments: tuple[Any, ...], shuffler: random.Random
) -> None:
    data, report, zone, query, now = arguments
    shuffled = data[:]
    shuffler.shuffle(shuffled)
    assert metrics_of(shuffled, report, zone, query, now) == metrics_of(
        data, report, zone, query, now
    )


@given(st.lists(st.floats(min_value=-1e18, max_value=1e18, allow_nan=False), max_size=50))
def test_vectorised_rounding_is_round_half_away(values: list[float]) -> None:
    halves = [value + 0.5 for value in range(-3, 3)]
    edge = [v * TICKS_PER_SECOND for v in halves] + [-0.0, 4_999_999.999999999, 5_000_000.0]
    chosen = values + edge
    rounded = round_seconds(np.array(chosen, dtype=np.float64)).tolist()
    assert rounded == [round_half_away(value, TICKS_PER_SECOND) for value in chosen]
