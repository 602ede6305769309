"""Trends as Octopus's Insights UI shows them: the last 28 days against the 28 days before.

The current block is (end - 28 days, end], the previous block (end - 56 days, end - 28 days],
where end is the window's end (now by default): each exactly 28 x 24 hours, whatever the time
zone or granularity. For each block one value is computed: deployment frequency as successful
deployments per week (the block's count / 4), failure rate as failed / total, lead time and time
to recovery as means. A trend is NONE when either block has fewer than 10 of the deployments its
value is computed from, STEADY when the value changed by less than 5% of the previous value,
else UP or DOWN. UP is an improvement for frequency only; for the others DOWN is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from gateway.insights.ticks import TICKS_PER_DAY

BLOCK = 28 * TICKS_PER_DAY
WEEKS_PER_BLOCK = 4
MIN_DEPLOYMENTS = 10
STEADY_BELOW = Fraction(5, 100)


class Direction(StrEnum):
    NONE = "None"
    STEADY = "Steady"
    UP = "Up"
    DOWN = "Down"


@dataclass(frozen=True, slots=True)
class Block:
    """One block's value (None without deployments) and how many deployments it comes from."""

    value: Fraction | None
    count: int


@dataclass(frozen=True, slots=True)
class Trend:
    direction: Direction
    improving: bool | None
    """Whether the change is for the better; None when NONE or STEADY."""
    previous: Block
    current: Block
    change: Fraction | None
    """(current - previous) / |previous|; None when a block is short or previous is 0."""


def trend(previous: Block, current: Block, *, higher_is_better: bool) -> Trend:
    """The rule: NONE below 10 deployments in a block, STEADY under 5% change, else UP/DOWN."""
    if (
        previous.count < MIN_DEPLOYMENTS
        or current.count < MIN_DEPLOYMENTS
        or previous.value is None
        or current.value is None
    ):
        return Trend(Direction.NONE, None, previous, current, None)
    difference = current.value - previous.value
    change = None if previous.value == 0 else difference / abs(previous.value)
    if difference == 0 or (change is not None and abs(change) < STEADY_BELOW):
        return Trend(Direction.STEADY, None, previous, current, change)
    up = difference > 0
    direction = Direction.UP if up else Direction.DOWN
    return Trend(direction, up == higher_is_better, previous, current, change)


@dataclass(frozen=True, slots=True)
class Trends:
    deployment_frequency: Trend
    lead_time: Trend
    change_failure_rate: Trend
    recovery_time: Trend


Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def block_of(completed: Ints, end: int) -> npt.NDArray[np.intp]:
    """0 for the previous block, 1 for the current one, -1 outside both."""
    block = np.full(len(completed), -1, dtype=np.intp)
    block[(completed > end - 2 * BLOCK) & (completed <= end - BLOCK)] = 0
    block[(completed > end - BLOCK) & (completed <= end)] = 1
    return block


@dataclass(frozen=True, slots=True)
class BlockColumns:
    """Per row (a deployment counted in one series): its series, its block (0 previous, 1
    current), whether it succeeded or failed, and its lead time and time to recovery (NaN
    when not set)."""

    series: npt.NDArray[np.intp]
    block: npt.NDArray[np.intp]
    successful: npt.NDArray[np.bool_]
    failed: npt.NDArray[np.bool_]
    lead_time: Floats
    time_to_recovery: Floats


def series_trends(columns: BlockColumns, count: int) -> list[Trends]:
    """The trends of `count` series. Sums are taken in integers (ticks), so means are exact."""
    groups = 2 * count
    group = columns.series * 2 + columns.block
    inside = columns.block >= 0
    successful = np.bincount(group[inside & columns.successful], minlength=groups)
    failed = np.bincount(group[inside & columns.failed], minlength=groups)
    lead_count, lead_sum = _sums(group, inside & columns.successful, columns.lead_time, groups)
    recovery_count, recovery_sum = _sums(
        group, inside & columns.successful, columns.time_to_recovery, groups
    )
    result = []
    for series in range(count):
        blocks = (2 * series, 2 * series + 1)

        def frequency(g: int) -> Block:
            return Block(Fraction(int(successful[g]), WEEKS_PER_BLOCK), int(successful[g]))

        def rate(g: int) -> Block:
            total = int(successful[g] + failed[g])
            return Block(Fraction(int(failed[g]), total) if total else None, total)

        def mean(counts: Ints, sums: Ints, g: int) -> Block:
            n = int(counts[g])
            return Block(Fraction(int(sums[g]), n) if n else None, n)

        result.append(
            Trends(
                deployment_frequency=trend(*map(frequency, blocks), higher_is_better=True),
                lead_time=trend(
                    *(mean(lead_count, lead_sum, g) for g in blocks), higher_is_better=False
                ),
                change_failure_rate=trend(*map(rate, blocks), higher_is_better=False),
                recovery_time=trend(
                    *(mean(recovery_count, recovery_sum, g) for g in blocks),
                    higher_is_better=False,
                ),
            )
        )
    return result


def _sums(
    group: npt.NDArray[np.intp], chosen: npt.NDArray[np.bool_], values: Floats, groups: int
) -> tuple[Ints, Ints]:
    """Per group: how many chosen rows have the value set, and the exact sum of those values,
    in int64 (ticks are whole numbers; a sum overflows only past 29,000 years)."""
    present = chosen & ~np.isnan(values)
    counts = np.bincount(group[present], minlength=groups).astype(np.int64)
    sums = np.zeros(groups, dtype=np.int64)
    np.add.at(sums, group[present], values[present].astype(np.int64))
    return counts, sums
