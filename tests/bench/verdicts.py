"""The sanity check (our metrics equal the peer's), the bars of issue 6, and the printed table."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.insights.ticks import TICKS_PER_SECOND, round_half_away

DURATION_STATS = ("leadTime", "timeSincePreviousDeployment", "timeToRecovery")
STAT_FIELDS = ("count", "mean", "median", "min", "max", "ninetyFifth")


def _seconds(ticks: float | None) -> float | None:
    """A duration in ticks as the gateway gives it: whole seconds, halves away from zero."""
    if ticks is None:
        return None
    return round_half_away(ticks, TICKS_PER_SECOND) / TICKS_PER_SECOND


def _expected_interval(figures: Sequence[float | None] | None) -> dict[str, Any]:
    """The GraphQL shape of an interval, from the peer's row (None: no deployment in it)."""
    values = list(figures) if figures is not None else [0, 0, 0] + [0, *[None] * 5] * 4
    successful, failure, guided = (int(value or 0) for value in values[:3])
    stats = [values[3 + 6 * index : 9 + 6 * index] for index in range(4)]
    result: dict[str, Any] = {
        "successfulDeployments": successful,
        "failureRate": {
            "successful": successful,
            "deploymentFailure": failure,
            "successfulButHadGuidedFailure": guided,
            "failed": failure + guided,
            "total": successful + failure + guided,
        },
    }
    for name, stat in zip(DURATION_STATS, stats[:3], strict=True):
        count = int(stat[0] or 0)
        result[name] = {"count": count} | {
            field: _seconds(value) if count else None
            for field, value in zip(STAT_FIELDS[1:], stat[1:], strict=True)
        }
    count = int(stats[3][0] or 0)
    result["deploymentsUntilRecovery"] = {"count": count} | {
        field: value if count else None
        for field, value in zip(STAT_FIELDS[1:], stats[3][1:], strict=True)
    }
    return result


def _close(ours: Any, theirs: Any, *, seconds: bool) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if seconds:
        # A mean summed in another order may sit on the other side of a half second.
        return abs(float(ours) - float(theirs)) <= 1.0
    return math.isclose(float(ours), float(theirs), rel_tol=1e-9, abs_tol=1e-9)


def compare_metrics(
    series: Sequence[Mapping[str, Any]], groups: Mapping[str, Mapping[str, Sequence[Any]]]
) -> dict[str, Any]:
    """Every figure of every series of the gateway's answer against the peer's groups."""
    compared = 0
    mismatches: list[str] = []
    names = {entry["name"] for entry in series}
    for missing in sorted(set(groups) - names):
        mismatches.append(f"series {missing!r} is only in the peer's answer")
    for entry in series:
        peer = groups.get(entry["name"])
        if peer is None:
            mismatches.append(f"series {entry['name']!r} is not in the peer's answer")
            continue
        for extra in sorted(set(peer) - {str(i) for i in range(len(entry["intervals"]))}):
            mismatches.append(f"{entry['name']}: interval {extra} is outside the gateway's window")
        for index, interval in enumerate(entry["intervals"]):
            expected = _expected_interval(peer.get(str(index)))
            for key, want in expected.items():
                got = interval[key]
                pairs = want.items() if isinstance(want, dict) else [("", want)]
                for field, value in pairs:
                    have = got[field] if field else got
                    compared += 1
                    if not _close(have, value, seconds=key in DURATION_STATS):
                        mismatches.append(
                            f"{entry['name']} {interval['start']} {key}.{field}: "
                            f"gateway {have!r}, peer {value!r}"
                        )
    return {
        "series": len(series),
        "compared": compared,
        "mismatches": len(mismatches),
        "examples": mismatches[:10],
    }


@dataclass(frozen=True)
class Bar:
    name: str
    figure: float | None
    limit: float
    at_most: bool
    passed: bool | None
    note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "bar": self.name,
            "figure": self.figure,
            "limit": self.limit,
            "at_most": self.at_most,
            "passed": self.passed,
            "note": self.note,
        }


def bar(name: str, figure: float | None, limit: float, *, at_most: bool, note: str) -> Bar:
    if figure is None:
        return Bar(name, None, limit, at_most, None, note or "not measured")
    passed = figure <= limit if at_most else figure >= limit
    return Bar(name, figure, limit, at_most, passed, note)


def _get(document: Mapping[str, Any], *path: str) -> Any:
    value: Any = document
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def median(values: Sequence[float]) -> float:
    """The middle value; of an even count, the mean of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def median_run(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Of several wrk runs of one target, the one of median throughput (the lower middle one of
    an even count), so that its figures belong together."""
    ordered = sorted(runs, key=lambda run: float(run["ok_per_second"]))
    return dict(ordered[(len(ordered) - 1) // 2])


def _paired(pairs: Sequence[Mapping[str, Any]] | None) -> tuple[float | None, str]:
    """The median of the pairs' ratios, and a note listing them."""
    ratios = [float(pair["ratio"]) for pair in pairs or () if pair.get("ratio") is not None]
    if not ratios:
        return None, ""
    if len(ratios) == 1:
        return ratios[0], ""
    listed = ", ".join(f"{ratio:.3g}" for ratio in ratios)
    return median(ratios), f"median of {len(ratios)} back-to-back pairs: {listed}"


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def judge(results: Mapping[str, Any]) -> list[Bar]:
    """Issue 6's bars, at the largest size measured (1M in a full run)."""
    sizes = sorted(int(size) for size in results["sizes"])
    if not sizes:
        return []
    largest = str(sizes[-1])
    at = results["sizes"][largest]
    label = f"at {sizes[-1]:,}"
    bars: list[Bar] = []
    peer = _get(at, "peer", "warm_median_seconds")
    peer_note = "" if str(_get(at, "peer", "engine")).startswith("duckdb") else "no DuckDB"
    for surface in ("rest", "graphql"):
        ours = _get(at, "latency", surface, "warm", "median_seconds")
        bars.append(
            bar(
                f"1. {surface} metrics warm / DuckDB warm {label}",
                _ratio(ours, peer) if not peer_note else None,
                2.0,
                at_most=True,
                note=peer_note,
            )
        )
        for small, large in itertools.pairwise(sizes):
            before, after = results["sizes"][str(small)], results["sizes"][str(large)]
            growth = _ratio(
                _get(after, "latency", surface, "warm", "median_seconds"),
                _get(before, "latency", surface, "warm", "median_seconds"),
            )
            # Linear: the time grows at most as the store's deployments do.
            in_window = _ratio(
                _get(after, "report", "deployments_in_scope"),
                _get(before, "report", "deployments_in_scope"),
            )
            bars.append(
                bar(
                    f"1. {surface} warm growth {small:,} -> {large:,} (<= linear)",
                    growth,
                    after["deployments"] / before["deployments"],
                    at_most=True,
                    note=f"counted deployments in the window grew {_number(in_window)}x",
                )
            )
    load = results.get("throughput", {})
    paired, note = _paired(load.get("report_list_pairs"))
    bars.append(
        bar(
            f"2. REST report list / bare ceiling {label}",
            paired,
            0.5,
            at_most=False,
            note=note if paired is not None else "no wrk",
        )
    )
    # Prism answers each path with the document's example; the bare route, with our own bytes.
    for path, peer, ceiling in (
        ("rest_reports", "prism", "bare"),
        ("rest_metrics", "prism_metrics", "bare_metrics"),
    ):
        against = _get(load, peer, "ok_per_second")
        bound = _ratio(_get(load, ceiling, "ok_per_second"), against)
        note = "no Prism or wrk" if not against else ""
        if bound is not None and path == "rest_metrics":
            note = f"a bare route sending the same bytes reaches {_number(bound)}x Prism"
        bars.append(
            bar(
                f"2. {path} / Prism {label}",
                _ratio(_get(at, "throughput", path, "ok_per_second"), against),
                2.0,
                at_most=False,
                note=note,
            )
        )
    for size in sizes:
        latency = results["sizes"][str(size)]["latency"]
        bars.append(
            bar(
                f"3. GraphQL / REST metrics warm at {size:,}",
                _ratio(
                    _get(latency, "graphql", "warm", "median_seconds"),
                    _get(latency, "rest", "warm", "median_seconds"),
                ),
                1.3,
                at_most=True,
                note="",
            )
        )
    paired, note = _paired(_get(at, "seeding", "rounds"))
    bars.append(
        bar(f"4. seeding / raw sqlite3 executemany {label}", paired, 2.0, at_most=True, note=note)
    )
    for server in ("mock_server", "gateway"):
        bars.append(
            bar(
                f"5. peak RSS MB of {server} {label}",
                _get(at, "peak_rss_mb", server),
                500.0,
                at_most=True,
                note="",
            )
        )
    return bars


def _number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def table(results: Mapping[str, Any], bars: Sequence[Bar], write: Callable[[str], None]) -> None:
    sizes = sorted(int(size) for size in results["sizes"])
    rows: list[tuple[str, ...]] = [("figure", *(f"{size:,}" for size in sizes))]

    def row(label: str, *path: str, scale: float = 1.0) -> None:
        values = []
        for size in sizes:
            value = _get(results["sizes"][str(size)], *path)
            values.append(_number(None if value is None else value * scale))
        rows.append((label, *values))

    row("deployments in the report's window", "report", "deployments_in_scope")
    for surface, label in (("rest", "REST"), ("graphql", "GraphQL")):
        row(f"{label} metrics cold ms", "latency", surface, "cold_seconds", scale=1000)
        row(
            f"{label} metrics warm median ms",
            "latency",
            surface,
            "warm",
            "median_seconds",
            scale=1000,
        )
    row("DuckDB cold ms", "peer", "cold_seconds", scale=1000)
    row("DuckDB warm median ms", "peer", "warm_median_seconds", scale=1000)
    row("sanity: figures compared", "sanity", "compared")
    row("sanity: mismatches", "sanity", "mismatches")
    for path, label in (
        ("rest_reports", "REST report list req/s"),
        ("rest_metrics", "REST metrics req/s"),
        ("graphql_reports", "GraphQL report list req/s"),
        ("graphql_metrics", "GraphQL metrics req/s"),
    ):
        row(label, "throughput", path, "ok_per_second")
    row("seeding s (median)", "seeding", "seconds")
    row("raw sqlite3 executemany s (median)", "seeding", "raw_executemany_seconds")
    row("seeding / raw (median of pairs)", "seeding", "ratio")
    row("peak RSS MB mock_server", "peak_rss_mb", "mock_server")
    row("peak RSS MB gateway", "peak_rss_mb", "gateway")
    row("  mock_server before wrk (sequential)", "peak_rss_mb_sequential", "mock_server")
    row("  gateway before wrk (sequential)", "peak_rss_mb_sequential", "gateway")
    load = results.get("throughput", {})
    for name, label in (
        ("bare", "bare req/s (report list bytes, median)"),
        ("prism", "prism req/s (report list path)"),
        ("bare_metrics", f"bare req/s (metrics bytes at {sizes[-1]:,})"),
        ("prism_metrics", "prism req/s (metrics path)"),
    ):
        value = _get(load, name, "ok_per_second")
        rows.append((label, *[""] * (len(sizes) - 1), _number(value)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for line in rows:
        write(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(line)
            )
        )
    write("")
    for verdict in bars:
        mark = {True: "PASS", False: "FAIL", None: "n/a "}[verdict.passed]
        limit = ("<= " if verdict.at_most else ">= ") + _number(verdict.limit)
        note = f"  ({verdict.note})" if verdict.note else ""
        write(f"{mark}  {verdict.name}: {_number(verdict.figure)} (bar {limit}){note}")
