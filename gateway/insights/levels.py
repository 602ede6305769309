"""DORA performance levels (ELITE, HIGH, MEDIUM, LOW) by a State of DevOps report's bands.

Each metric is placed by one statistic over a window: deployment frequency by successful
deployments per day, lead time and time to recovery by their medians, change failure rate by
the rate. A report publishes a band per level ("between one day and one week"); here each band
is reduced to its edge on the worse side, and a value is placed in the first level (best
first) whose edge it reaches. So a value that falls between two published bands (2021: a lead
time of five hours, between "under an hour" and "one day to one week") gets the worse of the
two, and where two levels publish the same band (2024 recovery: HIGH and MEDIUM both "under a
day") the better one takes it. An edge belongs to the band that names it: "under a day"
excludes a day, "between one day and one week" includes both; an edge both neighbours name
(one week) goes to the better. Change failure rates are single figures per level (2024: 5%,
20%, 10%, 40%): a rate is placed in the level with the smallest figure it does not exceed, so
2024's MEDIUM (10%) is reached before its HIGH (20%). What reaches no edge is LOW.

`overall` is the lowest of the levels that have a value (as Apache DevLake's dashboards show
it): a team is as good as its weakest key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from fractions import Fraction

from gateway.insights.ticks import TICKS_PER_DAY, TICKS_PER_HOUR

DAY = TICKS_PER_DAY
WEEK = 7 * DAY
MONTH = 30 * DAY
SIX_MONTHS = 180 * DAY


class Level(IntEnum):
    """Best first: a larger number is a worse level."""

    ELITE = 0
    HIGH = 1
    MEDIUM = 2
    LOW = 3


class Benchmark(StrEnum):
    """The State of DevOps report whose bands place the values."""

    DORA_2024 = "2024"
    DORA_2023 = "2023"
    DORA_2021 = "2021"


@dataclass(frozen=True, slots=True)
class Edge:
    """A level is reached by a value at or better than `limit` (strictly better when not
    `inclusive`). Frequencies are better when higher; durations and rates when lower."""

    level: Level
    limit: Fraction
    inclusive: bool


@dataclass(frozen=True, slots=True)
class Bands:
    """A metric's edges, tried in order; a value that reaches none is LOW."""

    higher_is_better: bool
    edges: tuple[Edge, ...]

    def place(self, value: Fraction | int | float | None) -> Level | None:
        """The level of a value; None when there is no value."""
        if value is None:
            return None
        for edge in self.edges:
            if self.higher_is_better:
                reached = value >= edge.limit if edge.inclusive else value > edge.limit
            else:
                reached = value <= edge.limit if edge.inclusive else value < edge.limit
            if reached:
                return edge.level
        return Level.LOW


def _per_day(count: int, days: int) -> Fraction:
    return Fraction(count, days)


def _rate(percent: int) -> Fraction:
    return Fraction(percent, 100)


def _frequency(*edges: tuple[Level, Fraction, bool]) -> Bands:
    return Bands(True, tuple(Edge(*edge) for edge in edges))


def _lower(*edges: tuple[Level, int | Fraction, bool]) -> Bands:
    return Bands(
        False, tuple(Edge(level, Fraction(limit), inclusive) for level, limit, inclusive in edges)
    )


E, H, M = Level.ELITE, Level.HIGH, Level.MEDIUM


@dataclass(frozen=True, slots=True)
class BenchmarkBands:
    """The bands of the four keys: frequency in successful deployments per day, lead time and
    recovery in ticks, failure rate as a fraction."""

    deployment_frequency: Bands
    lead_time: Bands
    change_failure_rate: Bands
    recovery_time: Bands


BANDS: dict[Benchmark, BenchmarkBands] = {
    # Accelerate State of DevOps 2024: frequency on demand (several a day) / daily to weekly /
    # weekly to monthly / monthly to every six months; lead time under a day / a day to a week /
    # a week to a month / a month to six months; failure rate 5%, 20%, 10%, 40%; recovery
    # under an hour / under a day / under a day / a week to a month.
    Benchmark.DORA_2024: BenchmarkBands(
        deployment_frequency=_frequency(
            (E, _per_day(1, 1), False), (H, _per_day(1, 7), True), (M, _per_day(1, 30), True)
        ),
        lead_time=_lower((E, DAY, False), (H, WEEK, True), (M, MONTH, True)),
        change_failure_rate=_lower((E, _rate(5), True), (M, _rate(10), True), (H, _rate(20), True)),
        recovery_time=_lower((E, TICKS_PER_HOUR, False), (H, DAY, False), (M, DAY, False)),
    ),
    # 2023: frequency and lead time as 2024 (its LOW repeats MEDIUM's band); failure rate 5%,
    # 10%, 15%, 64%; recovery under an hour / under a day / a day to a week / a month to six.
    Benchmark.DORA_2023: BenchmarkBands(
        deployment_frequency=_frequency(
            (E, _per_day(1, 1), False), (H, _per_day(1, 7), True), (M, _per_day(1, 30), True)
        ),
        lead_time=_lower((E, DAY, False), (H, WEEK, True), (M, MONTH, True)),
        change_failure_rate=_lower((E, _rate(5), True), (H, _rate(10), True), (M, _rate(15), True)),
        recovery_time=_lower((E, TICKS_PER_HOUR, False), (H, DAY, False), (M, WEEK, True)),
    ),
    # 2021: frequency on demand / weekly to monthly / monthly to every six months / fewer;
    # lead time under an hour / a day to a week / a month to six months / more; failure rate
    # 0-15% / 16-30% (HIGH, MEDIUM and LOW alike); recovery under an hour / under a day /
    # a day to a week / more than six months.
    Benchmark.DORA_2021: BenchmarkBands(
        deployment_frequency=_frequency(
            (E, _per_day(1, 1), False), (H, _per_day(1, 30), True), (M, _per_day(1, 180), True)
        ),
        lead_time=_lower((E, TICKS_PER_HOUR, False), (H, WEEK, True), (M, SIX_MONTHS, True)),
        change_failure_rate=_lower((E, _rate(15), True), (H, _rate(30), True)),
        recovery_time=_lower((E, TICKS_PER_HOUR, False), (H, DAY, False), (M, WEEK, True)),
    ),
}


@dataclass(frozen=True, slots=True)
class Levels:
    """The level of each key (None without a value) and the lowest of them."""

    deployment_frequency: Level | None
    lead_time: Level | None
    change_failure_rate: Level | None
    recovery_time: Level | None

    @property
    def overall(self) -> Level | None:
        placed = [
            level
            for level in (
                self.deployment_frequency,
                self.lead_time,
                self.change_failure_rate,
                self.recovery_time,
            )
            if level is not None
        ]
        return max(placed) if placed else None


def place_levels(
    benchmark: Benchmark,
    *,
    deployments_per_day: Fraction | None,
    median_lead_time: int | float | None,
    failure_rate: Fraction | float | None,
    median_recovery_time: int | float | None,
) -> Levels:
    """The levels of a window's statistics (durations in ticks) by a benchmark's bands."""
    bands = BANDS[benchmark]
    return Levels(
        deployment_frequency=bands.deployment_frequency.place(deployments_per_day),
        lead_time=bands.lead_time.place(median_lead_time),
        change_failure_rate=bands.change_failure_rate.place(failure_rate),
        recovery_time=bands.recovery_time.place(median_recovery_time),
    )
