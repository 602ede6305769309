"""The intervals of metric series, in numbers a chart takes directly: seconds, fractions, dates."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.scalars import Timestamp, seconds
from gateway.insights import metrics as core


@strawberry.type(
    description="Statistics of durations in seconds, rounded to whole seconds; "
    "null when `count` is 0."
)
class DurationStats:
    count: int = strawberry.field(description="How many deployments the statistics cover.")
    mean: float | None = strawberry.field(description="The mean, in seconds.")
    median: float | None = strawberry.field(description="The median, in seconds.")
    min: float | None = strawberry.field(description="The shortest, in seconds.")
    max: float | None = strawberry.field(description="The longest, in seconds.")
    ninety_fifth: float | None = strawberry.field(
        description="The 95th percentile (linear interpolation), in seconds."
    )

    @classmethod
    def from_core(cls, stats: core.DurationStats) -> DurationStats:
        return cls(
            count=stats.count,
            mean=seconds(stats.mean),
            median=seconds(stats.median),
            min=seconds(stats.min),
            max=seconds(stats.max),
            ninety_fifth=seconds(stats.ninety_fifth),
        )


@strawberry.type(description="Statistics of counts, not rounded; null when `count` is 0.")
class CountStats:
    count: int = strawberry.field(description="How many deployments the statistics cover.")
    mean: float | None = strawberry.field(description="The mean.")
    median: float | None = strawberry.field(description="The median.")
    min: float | None = strawberry.field(description="The smallest.")
    max: float | None = strawberry.field(description="The largest.")
    ninety_fifth: float | None = strawberry.field(
        description="The 95th percentile (linear interpolation)."
    )

    @classmethod
    def from_core(cls, stats: core.CountStats) -> CountStats:
        return cls(
            count=stats.count,
            mean=stats.mean,
            median=stats.median,
            min=stats.min,
            max=stats.max,
            ninety_fifth=stats.ninety_fifth,
        )


@strawberry.type(description="Counted deployments of an interval by outcome, and the failure rate.")
class FailureRate:
    successful: int = strawberry.field(description="Successful deployments.")
    deployment_failure: int = strawberry.field(
        description="Deployments in state Failed (with or without a guided failure)."
    )
    successful_but_had_guided_failure: int = strawberry.field(
        description="Deployments in state Success after a guided failure."
    )
    failed: int = strawberry.field(
        description="Failed deployments: `deploymentFailure` + `successfulButHadGuidedFailure`."
    )
    total: int = strawberry.field(description="`successful` + `failed`.")
    rate: float = strawberry.field(
        description="`failed` / `total` as a fraction from 0 to 1, rounded to 5 places; "
        "0 when `total` is 0."
    )

    @classmethod
    def from_core(cls, rate: core.FailureRate) -> FailureRate:
        return cls(
            successful=rate.successful,
            deployment_failure=rate.deployment_failure,
            successful_but_had_guided_failure=rate.successful_but_had_guided_failure,
            failed=rate.failed,
            total=rate.total,
            rate=rate.rate,
        )


@strawberry.type(description="One interval of a series (a day, a week or a month).")
class Interval:
    start: date = strawberry.field(
        description="The local date the interval starts on, in the report's time zone."
    )
    successful_deployments: int = strawberry.field(
        description="How many deployments succeeded (deployment frequency)."
    )
    lead_time: DurationStats = strawberry.field(
        description="Lead time for changes of the successful deployments."
    )
    failure_rate: FailureRate = strawberry.field(description="Change failure rate.")
    time_since_previous_deployment: DurationStats = strawberry.field(
        description="Time since the previous successful deployment of the same stream."
    )
    time_to_recovery: DurationStats = strawberry.field(
        description="Time to restore service: from the first failure to the recovering success."
    )
    deployments_until_recovery: CountStats = strawberry.field(
        description="How many failed deployments each recovery took."
    )
    first: Timestamp = strawberry.field(
        name="from",
        description="The interval's first instant: its local midnight, or the window's start. "
        "Pass it and `to` to `deployments` for the deployments behind the interval.",
    )
    last: strawberry.Private[int]
    ends_now: strawberry.Private[bool]
    """Whether `to` is now (the last interval of a window that ends now)."""

    @strawberry.field(
        name="to",
        description="The interval's last instant: just before the next interval, or the "
        "window's end.",
    )
    def end(self, info: Info) -> Timestamp:
        if self.ends_now:
            # Now itself, not only what of now the metrics depend on.
            info.context.reading.exact_now = True
        return Timestamp(self.last)

    @classmethod
    def from_core(cls, interval: core.Interval, *, ends_now: bool = False) -> Interval:
        return cls(
            first=Timestamp(interval.first),
            last=interval.last,
            ends_now=ends_now,
            start=interval.start,
            successful_deployments=interval.successful_deployments,
            lead_time=DurationStats.from_core(interval.lead_time),
            failure_rate=FailureRate.from_core(interval.failure_rate),
            time_since_previous_deployment=DurationStats.from_core(
                interval.time_since_previous_deployment
            ),
            time_to_recovery=DurationStats.from_core(interval.time_to_recovery),
            deployments_until_recovery=CountStats.from_core(interval.deployments_until_recovery),
        )
