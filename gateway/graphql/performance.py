"""What a dashboard shows first: window totals, DORA levels and 28-day trends of a series
(`gateway.insights.overview`), computed once per `metrics` or `summary` field, on first use.

Answers are kept by the parts of now their metrics depend on (`gateway.app`); a value that
depends on now itself (deployments per day over a window that ends now, trends that end now)
marks its answer as kept for that exact reading only (`Reading.exact_now`).
"""

from __future__ import annotations

import asyncio
from enum import Enum
from fractions import Fraction
from typing import Annotated

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.enums import text
from gateway.graphql.metrics import CountStats, DurationStats, FailureRate
from gateway.graphql.scalars import Timestamp
from gateway.insights import levels as core_levels
from gateway.insights import trends as core_trends
from gateway.insights.metrics import MetricsQuery
from gateway.insights.overview import Overview, SeriesOverview, Totals
from gateway.insights.report import Report
from gateway.insights.ticks import TICKS_PER_SECOND
from gateway.store.overview import report_overview


@strawberry.enum(description="A DORA performance level (State of DevOps reports' clusters).")
class PerformanceLevel(Enum):
    ELITE = strawberry.enum_value(core_levels.Level.ELITE, description="The best cluster.")
    HIGH = strawberry.enum_value(core_levels.Level.HIGH, description="The second cluster.")
    MEDIUM = strawberry.enum_value(core_levels.Level.MEDIUM, description="The third cluster.")
    LOW = strawberry.enum_value(core_levels.Level.LOW, description="The last cluster.")


@strawberry.enum(description="The State of DevOps report whose published bands place the levels.")
class Benchmark(Enum):
    DORA_2024 = strawberry.enum_value(
        core_levels.Benchmark.DORA_2024.value, description="Accelerate State of DevOps 2024."
    )
    DORA_2023 = strawberry.enum_value(
        core_levels.Benchmark.DORA_2023.value, description="Accelerate State of DevOps 2023."
    )
    DORA_2021 = strawberry.enum_value(
        core_levels.Benchmark.DORA_2021.value, description="Accelerate State of DevOps 2021."
    )


@strawberry.enum(description="Which way a metric moved over the last 28 days.")
class TrendDirection(Enum):
    NONE = strawberry.enum_value(
        core_trends.Direction.NONE.value,
        description="Fewer than 10 deployments in either 28-day block: no trend.",
    )
    STEADY = strawberry.enum_value(
        core_trends.Direction.STEADY.value, description="Changed by less than 5%."
    )
    UP = strawberry.enum_value(core_trends.Direction.UP.value, description="Higher than before.")
    DOWN = strawberry.enum_value(core_trends.Direction.DOWN.value, description="Lower than before.")


def _level(level: core_levels.Level | None) -> PerformanceLevel | None:
    return None if level is None else PerformanceLevel(level)


def _exact_now(info: Info, moving: bool) -> None:
    """A value that moves with now: its answer is kept for this reading of the clock only."""
    if moving:
        info.context.reading.exact_now = True


@strawberry.type(
    description="The DORA level of each key over the window, by a benchmark's bands (see the "
    "README: frequency by successful deployments per day, lead time and recovery by their "
    "medians, failure rate by the rate); null where a key has no value."
)
class PerformanceLevels:
    levels: strawberry.Private[core_levels.Levels]
    moving: strawberry.Private[bool]
    benchmark: Benchmark = strawberry.field(description="The benchmark the levels come from.")
    lead_time: PerformanceLevel | None = strawberry.field(
        description="By the median lead time; null without a lead time."
    )
    change_failure_rate: PerformanceLevel | None = strawberry.field(
        description="By the failure rate; null without a counted deployment."
    )
    recovery_time: PerformanceLevel | None = strawberry.field(
        description="By the median time to recovery; null without a recovery."
    )

    @classmethod
    def of(cls, totals: Totals, benchmark: Benchmark, *, moving: bool) -> PerformanceLevels:
        levels = totals.levels(core_levels.Benchmark(text(benchmark)))
        return cls(
            levels=levels,
            moving=moving,
            benchmark=benchmark,
            lead_time=_level(levels.lead_time),
            change_failure_rate=_level(levels.change_failure_rate),
            recovery_time=_level(levels.recovery_time),
        )

    @strawberry.field(description="By successful deployments per day.")
    def deployment_frequency(self, info: Info) -> PerformanceLevel | None:
        _exact_now(info, self.moving)
        return _level(self.levels.deployment_frequency)

    @strawberry.field(description="The lowest of the four levels that have a value.")
    def overall(self, info: Info) -> PerformanceLevel | None:
        _exact_now(info, self.moving)
        return _level(self.levels.overall)


def _number(value: Fraction | None, *, duration: bool) -> float | None:
    if value is None:
        return None
    return float(value / TICKS_PER_SECOND) if duration else float(value)


@strawberry.type(
    description="A key's trend: the last 28 days against the 28 days before, as Octopus's "
    "Insights UI shows it. Frequency compares successful deployments per week, failure rate the "
    "rate, lead time and recovery their means (seconds)."
)
class Trend:
    direction: TrendDirection = strawberry.field(description="Which way the value moved.")
    improving: bool | None = strawberry.field(
        description="Whether the move is for the better (UP for frequency, DOWN for the "
        "others); null when NONE or STEADY."
    )
    previous: float | None = strawberry.field(
        description="The value over the 28 days before the last 28; null without deployments."
    )
    current: float | None = strawberry.field(
        description="The value over the last 28 days; null without deployments."
    )
    change: float | None = strawberry.field(
        description="(current - previous) / |previous| as a fraction (0.05 is 5%); null when a "
        "block has too few deployments or the previous value is 0."
    )
    previous_count: int = strawberry.field(
        description="How many deployments the previous value comes from."
    )
    current_count: int = strawberry.field(
        description="How many deployments the current value comes from."
    )

    @classmethod
    def from_core(cls, trend: core_trends.Trend, *, duration: bool = False) -> Trend:
        return cls(
            direction=TrendDirection(trend.direction.value),
            improving=trend.improving,
            previous=_number(trend.previous.value, duration=duration),
            current=_number(trend.current.value, duration=duration),
            change=None if trend.change is None else float(trend.change),
            previous_count=trend.previous.count,
            current_count=trend.current.count,
        )


@strawberry.type(description="The trend of each key, over the 56 days up to the window's end.")
class Trends:
    end: Timestamp = strawberry.field(
        description="Where the last 28 days end: the window's end (now by default)."
    )
    deployment_frequency: Trend = strawberry.field(description="Successful deployments per week.")
    lead_time: Trend = strawberry.field(description="The mean lead time, in seconds.")
    change_failure_rate: Trend = strawberry.field(description="The failure rate (0 to 1).")
    recovery_time: Trend = strawberry.field(description="The mean time to recovery, in seconds.")

    @classmethod
    def from_core(cls, trends: core_trends.Trends, end: int) -> Trends:
        return cls(
            end=Timestamp(end),
            deployment_frequency=Trend.from_core(trends.deployment_frequency),
            lead_time=Trend.from_core(trends.lead_time, duration=True),
            change_failure_rate=Trend.from_core(trends.change_failure_rate),
            recovery_time=Trend.from_core(trends.recovery_time, duration=True),
        )


@strawberry.type(
    description="The four keys over the whole window, as one interval (not per interval)."
)
class WindowTotals:
    totals: strawberry.Private[Totals]
    moving: strawberry.Private[bool]
    start: Timestamp = strawberry.field(name="from", description="The window's first instant.")
    successful_deployments: int = strawberry.field(
        description="How many deployments succeeded (deployment frequency)."
    )
    lead_time: DurationStats = strawberry.field(description="Lead time for changes.")
    failure_rate: FailureRate = strawberry.field(description="Change failure rate.")
    time_to_recovery: DurationStats = strawberry.field(description="Time to restore service.")
    deployments_until_recovery: CountStats = strawberry.field(
        description="How many failed deployments each recovery took."
    )

    @classmethod
    def of(cls, totals: Totals, *, moving: bool) -> WindowTotals:
        window = totals.window
        return cls(
            totals=totals,
            moving=moving,
            start=Timestamp(totals.start),
            successful_deployments=window.successful_deployments,
            lead_time=DurationStats.from_core(window.lead_time),
            failure_rate=FailureRate.from_core(window.failure_rate),
            time_to_recovery=DurationStats.from_core(window.time_to_recovery),
            deployments_until_recovery=CountStats.from_core(window.deployments_until_recovery),
        )

    @strawberry.field(name="to", description="The window's last instant (now by default).")
    def end(self, info: Info) -> Timestamp:
        _exact_now(info, self.moving)
        return Timestamp(self.totals.end)

    @strawberry.field(description="The window's length in days of 24 hours.")
    def days(self, info: Info) -> float:
        _exact_now(info, self.moving)
        return float(self.totals.days)

    @strawberry.field(description="Successful deployments per day over the window.")
    def deployments_per_day(self, info: Info) -> float:
        _exact_now(info, self.moving)
        return float(self.totals.deployments_per_day)

    @strawberry.field(description="Successful deployments per week (7 days) over the window.")
    def deployments_per_week(self, info: Info) -> float:
        _exact_now(info, self.moving)
        return float(self.totals.deployments_per_day * 7)


BenchmarkArgument = Annotated[
    Benchmark,
    strawberry.argument(description="Whose bands place the levels; default the 2024 report's."),
]


class OverviewSource:
    """The overview of one `metrics` or `summary` field, computed once, when a series first
    asks for its totals, levels or trends."""

    def __init__(self, report: Report, query: MetricsQuery) -> None:
        self.report = report
        self.query = query
        self.moving = query.end is None
        """Whether the window ends now: then per-day figures and trends move with now."""
        self._overview: asyncio.Task[Overview] | None = None

    async def get(self, info: Info) -> Overview:
        if self._overview is None:
            self._overview = asyncio.ensure_future(self._compute(info))
        return await self._overview

    async def series(self, info: Info, name: str) -> SeriesOverview:
        found = (await self.get(info)).of(name)
        assert found is not None  # every listed series has an overview
        return found

    async def _compute(self, info: Info) -> Overview:
        async with info.context.sessions() as session:
            return await report_overview(
                session,
                report=self.report,
                query=self.query,
                now=info.context.now,
                columns=info.context.columns,
            )


@strawberry.interface(description="Window totals, levels and trends of a series or a report.")
class Performance:
    name: str = strawberry.field(description="The series' name (\"All\" for a report's summary).")
    source: strawberry.Private[OverviewSource]

    @strawberry.field(description="The four keys over the whole window.")
    async def totals(self, info: Info) -> WindowTotals:
        overview = await self.source.series(info, self.name)
        return WindowTotals.of(overview.totals, moving=self.source.moving)

    @strawberry.field(description="The DORA level of each key over the window, and overall.")
    async def level(
        self, info: Info, benchmark: BenchmarkArgument = Benchmark.DORA_2024
    ) -> PerformanceLevels:
        overview = await self.source.series(info, self.name)
        return PerformanceLevels.of(overview.totals, benchmark, moving=self.source.moving)

    @strawberry.field(description="The trend of each key over the last 28 days.")
    async def trend(self, info: Info) -> Trends:
        _exact_now(info, self.source.moving)
        overview = await self.source.get(info)
        found = overview.of(self.name)
        assert found is not None  # every listed series has an overview
        return Trends.from_core(found.trends, overview.trend_end)


@strawberry.type(
    description="A report over a window: the four keys with their levels and trends, for "
    "every deployment in scope (the `All` series)."
)
class Summary(Performance):
    pass
