"""DORA performance levels at the edges of every published band, and `overall`."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gateway.insights.levels import BANDS, Benchmark, Level, Levels, place_levels
from gateway.insights.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_SECOND

DAY, HOUR, SECOND = TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_SECOND
E, H, M, L = Level.ELITE, Level.HIGH, Level.MEDIUM, Level.LOW
B24, B23, B21 = Benchmark.DORA_2024, Benchmark.DORA_2023, Benchmark.DORA_2021


@pytest.mark.parametrize(
    ("benchmark", "per_day", "level"),
    [
        pytest.param(B24, Fraction(2), E, id="2024-twice-a-day"),
        pytest.param(B24, Fraction(1), H, id="2024-exactly-daily-is-high"),
        pytest.param(B24, Fraction(1, 7), H, id="2024-exactly-weekly-is-high"),
        pytest.param(B24, Fraction(4, 29), M, id="2024-just-under-weekly"),
        pytest.param(B24, Fraction(1, 30), M, id="2024-exactly-monthly-is-medium"),
        pytest.param(B24, Fraction(1, 31), L, id="2024-under-monthly"),
        pytest.param(B24, Fraction(0), L, id="2024-none"),
        pytest.param(B23, Fraction(1, 30), M, id="2023-monthly-is-medium-not-low"),
        pytest.param(B21, Fraction(1, 2), H, id="2021-every-other-day-between-bands"),
        pytest.param(B21, Fraction(1, 30), H, id="2021-exactly-monthly-is-high"),
        pytest.param(B21, Fraction(1, 31), M, id="2021-under-monthly"),
        pytest.param(B21, Fraction(1, 180), M, id="2021-every-six-months"),
        pytest.param(B21, Fraction(1, 181), L, id="2021-rarer"),
    ],
)
def test_deployment_frequency(benchmark: Benchmark, per_day: Fraction, level: Level) -> None:
    assert BANDS[benchmark].deployment_frequency.place(per_day) is level


@pytest.mark.parametrize(
    ("benchmark", "median", "level"),
    [
        pytest.param(B24, DAY - SECOND, E, id="2024-under-a-day"),
        pytest.param(B24, DAY, H, id="2024-a-day-is-high"),
        pytest.param(B24, 7 * DAY, H, id="2024-a-week-is-high"),
        pytest.param(B24, 7 * DAY + SECOND, M, id="2024-over-a-week"),
        pytest.param(B24, 30 * DAY, M, id="2024-a-month-is-medium"),
        pytest.param(B24, 30 * DAY + SECOND, L, id="2024-over-a-month"),
        pytest.param(B24, -HOUR, E, id="2024-negative"),
        pytest.param(B23, 30 * DAY + SECOND, L, id="2023-over-a-month"),
        pytest.param(B21, HOUR - SECOND, E, id="2021-under-an-hour"),
        pytest.param(B21, HOUR, H, id="2021-an-hour-between-bands-is-high"),
        pytest.param(B21, 7 * DAY, H, id="2021-a-week"),
        pytest.param(B21, 8 * DAY, M, id="2021-between-a-week-and-a-month-is-medium"),
        pytest.param(B21, 180 * DAY, M, id="2021-six-months"),
        pytest.param(B21, 180 * DAY + SECOND, L, id="2021-over-six-months"),
    ],
)
def test_lead_time(benchmark: Benchmark, median: int, level: Level) -> None:
    assert BANDS[benchmark].lead_time.place(median) is level


@pytest.mark.parametrize(
    ("benchmark", "rate", "level"),
    [
        pytest.param(B24, Fraction(0), E, id="2024-none-failed"),
        pytest.param(B24, Fraction(5, 100), E, id="2024-exactly-5-percent"),
        pytest.param(B24, Fraction(5001, 100_000), M, id="2024-over-5-is-medium-first"),
        pytest.param(B24, Fraction(10, 100), M, id="2024-exactly-10-percent"),
        pytest.param(B24, Fraction(10001, 100_000), H, id="2024-over-10-is-high"),
        pytest.param(B24, Fraction(20, 100), H, id="2024-exactly-20-percent"),
        pytest.param(B24, Fraction(20001, 100_000), L, id="2024-over-20"),
        pytest.param(B24, Fraction(1), L, id="2024-all-failed"),
        pytest.param(B23, Fraction(10, 100), H, id="2023-10-percent-is-high"),
        pytest.param(B23, Fraction(15, 100), M, id="2023-15-percent-is-medium"),
        pytest.param(B23, Fraction(16, 100), L, id="2023-over-15"),
        pytest.param(B21, Fraction(15, 100), E, id="2021-15-percent-is-elite"),
        pytest.param(B21, Fraction(155, 1000), H, id="2021-between-15-and-16-is-high"),
        pytest.param(B21, Fraction(30, 100), H, id="2021-30-percent-is-high"),
        pytest.param(B21, Fraction(31, 100), L, id="2021-over-30"),
    ],
)
def test_change_failure_rate(benchmark: Benchmark, rate: Fraction, level: Level) -> None:
    assert BANDS[benchmark].change_failure_rate.place(rate) is level


@pytest.mark.parametrize(
    ("benchmark", "median", "level"),
    [
        pytest.param(B24, HOUR - SECOND, E, id="2024-under-an-hour"),
        pytest.param(B24, HOUR, H, id="2024-an-hour-is-high"),
        pytest.param(B24, DAY - SECOND, H, id="2024-under-a-day-is-high-not-medium"),
        pytest.param(B24, DAY, L, id="2024-a-day-falls-between-bands-to-low"),
        pytest.param(B24, 30 * DAY, L, id="2024-a-month"),
        pytest.param(B23, DAY, M, id="2023-a-day-is-medium"),
        pytest.param(B23, 7 * DAY, M, id="2023-a-week-is-medium"),
        pytest.param(B23, 7 * DAY + SECOND, L, id="2023-over-a-week"),
        pytest.param(B21, 7 * DAY, M, id="2021-a-week-is-medium"),
        pytest.param(B21, 8 * DAY, L, id="2021-over-a-week"),
    ],
)
def test_recovery_time(benchmark: Benchmark, median: int, level: Level) -> None:
    assert BANDS[benchmark].recovery_time.place(median) is level


@pytest.mark.parametrize(
    ("levels", "overall"),
    [
        pytest.param(Levels(E, E, E, E), E, id="all-elite"),
        pytest.param(Levels(E, H, E, M), M, id="the-lowest"),
        pytest.param(Levels(E, E, L, None), L, id="missing-left-out"),
        pytest.param(Levels(H, None, None, None), H, id="one-value"),
        pytest.param(Levels(None, None, None, None), None, id="no-values"),
    ],
)
def test_overall_is_the_lowest_placed(levels: Levels, overall: Level | None) -> None:
    assert levels.overall is overall


def test_place_levels_places_each_key_by_its_own_bands() -> None:
    levels = place_levels(
        B24,
        deployments_per_day=Fraction(3),
        median_lead_time=2 * DAY,
        failure_rate=Fraction(8, 100),
        median_recovery_time=None,
    )
    assert levels == Levels(E, H, M, None)
    assert levels.overall is M
