"""Trends: the rule (fewer than 10 deployments, under 5%, exactly 5%) and the 28-day blocks."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from gateway.insights.trends import (
    BLOCK,
    Block,
    BlockColumns,
    Direction,
    block_of,
    series_trends,
    trend,
)

NONE, STEADY, UP, DOWN = Direction.NONE, Direction.STEADY, Direction.UP, Direction.DOWN


@pytest.mark.parametrize(
    ("previous", "current", "higher_is_better", "direction", "improving", "change"),
    [
        pytest.param(Block(Fraction(5), 9), Block(Fraction(9), 20), True, NONE, None, None,
                     id="nine-before"),
        pytest.param(Block(Fraction(5), 20), Block(Fraction(9), 9), True, NONE, None, None,
                     id="nine-now"),
        pytest.param(Block(None, 0), Block(Fraction(1), 10), False, NONE, None, None,
                     id="nothing-before"),
        pytest.param(Block(Fraction(5), 10), Block(Fraction(5), 10), True, STEADY, None,
                     Fraction(0), id="ten-each-unchanged"),
        pytest.param(Block(Fraction(100), 10), Block(Fraction(105), 10), True, UP, True,
                     Fraction(5, 100), id="exactly-5-percent-up"),
        pytest.param(Block(Fraction(100), 10), Block(Fraction(95), 10), True, DOWN, False,
                     Fraction(-5, 100), id="exactly-5-percent-down"),
        pytest.param(Block(Fraction(100), 10), Block(Fraction(10499, 100), 10), True, STEADY,
                     None, Fraction(499, 10000), id="just-under-5-percent"),
        pytest.param(Block(Fraction(100), 10), Block(Fraction(105), 10), False, UP, False,
                     Fraction(5, 100), id="up-is-worse-when-lower-is-better"),
        pytest.param(Block(Fraction(100), 10), Block(Fraction(90), 10), False, DOWN, True,
                     Fraction(-1, 10), id="down-is-better-when-lower-is-better"),
        pytest.param(Block(Fraction(0), 10), Block(Fraction(0), 10), False, STEADY, None,
                     None, id="zero-to-zero"),
        pytest.param(Block(Fraction(0), 10), Block(Fraction(1, 10), 10), False, UP, False,
                     None, id="from-zero"),
        pytest.param(Block(Fraction(-100), 10), Block(Fraction(-50), 10), False, UP, False,
                     Fraction(1, 2), id="negative-previous"),
    ],
)  # fmt: skip
def test_trend_rule(
    previous: Block,
    current: Block,
    higher_is_better: bool,
    direction: Direction,
    improving: bool | None,
    change: Fraction | None,
) -> None:
    result = trend(previous, current, higher_is_better=higher_is_better)
    assert (result.direction, result.improving, result.change) == (direction, improving, change)
    assert (result.previous, result.current) == (previous, current)


def test_blocks_are_28_days_each_ending_at_the_end() -> None:
    end = 1_000 * BLOCK
    completed = np.array(
        [end - 2 * BLOCK, end - 2 * BLOCK + 1, end - BLOCK, end - BLOCK + 1, end, end + 1],
        dtype=np.int64,
    )
    assert block_of(completed, end).tolist() == [-1, 0, 0, 1, 1, -1]


def _columns(
    blocks: list[int], successful: list[bool], lead: list[float], recovery: list[float]
) -> BlockColumns:
    flags = np.array(successful)
    return BlockColumns(
        series=np.zeros(len(blocks), dtype=np.intp),
        block=np.array(blocks, dtype=np.intp),
        successful=flags,
        failed=~flags,
        lead_time=np.array(lead, dtype=np.float64),
        time_to_recovery=np.array(recovery, dtype=np.float64),
    )


def test_series_trends_by_hand() -> None:
    # Previous block: 20 successful (lead 100 each), none failed.
    # Current block: 21 successful (lead 100, except one of 121), 1 failed.
    # Frequency 20/4 -> 21/4 per week: exactly +5%, UP, an improvement.
    # Lead time mean 100 -> (20 * 100 + 121) / 21 = 101: +1%, STEADY.
    # Failure rate 0/20 -> 1/22: UP from zero, worse.
    # Recovery: none in either block: NONE.
    nan = float("nan")
    columns = _columns(
        blocks=[0] * 20 + [1] * 22 + [-1],
        successful=[True] * 20 + [True] * 21 + [False] + [True],
        lead=[100.0] * 20 + [100.0] * 20 + [121.0, nan] + [5.0],
        recovery=[nan] * 43,
    )
    (trends,) = series_trends(columns, 1)
    frequency = trends.deployment_frequency
    assert (frequency.direction, frequency.improving) == (UP, True)
    assert (frequency.previous, frequency.current) == (
        Block(Fraction(20, 4), 20),
        Block(Fraction(21, 4), 21),
    )
    assert frequency.change == Fraction(5, 100)
    lead = trends.lead_time
    assert (lead.direction, lead.previous.value, lead.current.value) == (
        STEADY,
        Fraction(100),
        Fraction(101),
    )
    rate = trends.change_failure_rate
    assert (rate.direction, rate.improving, rate.current) == (UP, False, Block(Fraction(1, 22), 22))
    assert trends.recovery_time.direction is NONE
