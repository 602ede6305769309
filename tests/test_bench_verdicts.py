"""The benchmark's judgement of bars 2 and 4: the median of back-to-back pairs' ratios."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench.verdicts import judge, median, median_run


def test_median_of_odd_and_even_counts() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([7.0]) == 7.0


def test_median_run_keeps_one_runs_figures_together() -> None:
    runs = [
        {"ok_per_second": 300.0, "requests": 3},
        {"ok_per_second": 100.0, "requests": 1},
        {"ok_per_second": 200.0, "requests": 2},
        {"ok_per_second": 400.0, "requests": 4},
    ]
    # Of four, the lower middle one: a run that happened, not an average of two.
    assert median_run(runs) == {"ok_per_second": 200.0, "requests": 2}
    assert median_run(runs[:3]) == {"ok_per_second": 200.0, "requests": 2}


def _results(seeding_rounds: list[dict[str, float]], pairs: list[dict[str, float]]) -> Any:
    size = {
        "deployments": 1_000_000,
        "report": {"deployments_in_scope": 10},
        "peer": {"engine": "duckdb", "warm_median_seconds": 0.1},
        "latency": {},
        "throughput": {},
        "seeding": {"rounds": seeding_rounds},
        "peak_rss_mb": {},
    }
    return {"sizes": {"1000000": size}, "throughput": {"report_list_pairs": pairs}}


def _bar(results: Any, prefix: str) -> Any:
    (found,) = [verdict for verdict in judge(results) if verdict.name.startswith(prefix)]
    return found


def test_seeding_bar_takes_the_median_of_its_pairs_ratios() -> None:
    # Ratios 2.4 (a busy spell), 1.8 and 1.9: the median is 1.9, while the ratio of the summed
    # times, 17.6 / 8.5 = 2.07, would let the one slow pair decide.
    rounds = [
        {"seconds": 12.0, "raw_seconds": 5.0, "ratio": 2.4},
        {"seconds": 9.0, "raw_seconds": 5.0, "ratio": 1.8},
        {"seconds": 5.7, "raw_seconds": 3.0, "ratio": 1.9},
    ]
    verdict = _bar(_results(rounds, []), "4.")
    assert verdict.figure == pytest.approx(1.9)
    assert verdict.passed is True
    assert "2.4, 1.8, 1.9" in verdict.note


def test_report_list_bar_takes_the_median_of_its_pairs_ratios() -> None:
    pairs = [
        {"bare": 20_000.0, "list": 9_000.0, "ratio": 0.45},
        {"bare": 24_000.0, "list": 12_240.0, "ratio": 0.51},
        {"bare": 22_000.0, "list": 10_780.0, "ratio": 0.49},
    ]
    verdict = _bar(_results([], pairs), "2. REST report list")
    assert verdict.figure == pytest.approx(0.49)
    assert verdict.passed is False


def test_bars_without_pairs_are_not_measured() -> None:
    results = _results([], [])
    assert _bar(results, "4.").passed is None
    assert _bar(results, "2. REST report list").passed is None
