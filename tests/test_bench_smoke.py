"""`make bench` in its smoke mode (2k deployments, 1 s of wrk), so that the benchmark cannot rot.

Peers installed by `tests/bench/setup.sh` are used when present; without DuckDB the sanity check
runs against the harness's plain Python computation, so it always compares two answers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_smoke_run_writes_every_figure_and_agrees_with_the_peer(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.bench.run", "--smoke", "--results", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))

    assert results["machine"]["cores"] >= 1
    assert results["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert results["versions"]["strawberry-graphql"]
    size = results["sizes"]["2000"]
    assert size["deployments"] > 0
    assert size["report"]["deployments_in_scope"] > 0
    # The gateway's metrics equal the peer's (DuckDB, or the plain computation) figure by figure.
    assert size["sanity"]["series"] > 0
    assert size["sanity"]["compared"] > 100
    assert size["sanity"]["mismatches"] == 0, size["sanity"]["examples"]
    for surface in ("rest", "graphql"):
        latency = size["latency"][surface]
        assert latency["cold_seconds"] > 0
        assert 0 < latency["warm"]["min_seconds"] <= latency["warm"]["median_seconds"]
        assert latency["response_bytes"] > 1000
        # Sent brotli-compressed: the benchmark accepts what browsers accept.
        assert latency["content_encoding"] == "br"
        assert 0 < latency["wire_bytes"] < latency["response_bytes"]
    # One back-to-back pair of seeding and raw writing (the smoke run's one round).
    (pair,) = size["seeding"]["rounds"]
    assert pair["seconds"] > 0
    assert pair["raw_seconds"] > 0
    assert size["seeding"]["ratio"] == pair["seconds"] / pair["raw_seconds"]
    assert size["seeding"]["rows"]["deployment"] == size["deployments"]
    assert size["peak_rss_mb"]["mock_server"] > 10
    assert size["peak_rss_mb"]["gateway"] > 10
    if shutil.which("wrk"):
        for target in ("rest_reports", "rest_metrics", "graphql_reports", "graphql_metrics"):
            assert size["throughput"][target]["requests"] > 0, target
        for ceiling, answer in (("bare", "list"), ("bare_metrics", "metrics")):
            assert results["throughput"][ceiling]["ok_per_second"] > 0, ceiling
            assert results["throughput"][ceiling]["body_bytes"] > 0, answer
        assert results["throughput"]["bare_metrics"]["content_encoding"] == "br"
        (pair,) = results["throughput"]["report_list_pairs"]
        assert pair["list"] == size["throughput"]["rest_reports"]["ok_per_second"]
        assert pair["bare"] == results["throughput"]["bare"]["ok_per_second"]
    names = [bar["bar"] for bar in results["bars"]]
    assert any(name.startswith("3. GraphQL / REST") for name in names)
    assert any(name.startswith("5. peak RSS") for name in names)
    assert all(bar["passed"] in (True, False, None) for bar in results["bars"])
    assert "FAIL" in completed.stdout or "PASS" in completed.stdout
