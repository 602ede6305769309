"""The peer: DuckDB computing `/metrics` (one split by project) over the store's deployment rows.

Runs in the benchmark's own venv (DuckDB is no dependency of the product), so it imports only the
standard library and duckdb:

    python -m tests.bench.aggregates prepare --store STORE.db --database STORE.duckdb
    python -m tests.bench.aggregates query --spec SPEC.json [--engine duckdb|python]

`prepare` exports the store's `deployment` table to CSV and loads it into a DuckDB file (once per
store). `query` answers the spec's window and scope (chosen by the caller from the product's own
report, so that both sides aggregate the same rows) cold (a new connection) and then warm (the
median of `repeat` runs), and prints JSON with the timings and every group's figures. The
`python` engine is a deliberately plain computation over the SQLite store, for machines where
DuckDB is not installed (the smoke test): same answer, no speed claim.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import math
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FACTS = (
    "lead_time",
    "time_since_previous_success",
    "time_to_recovery",
    "deployments_until_recovery",
)
SUCCESSFUL, FAILED, GUIDED = 0, 1, 2


def prepare(store: Path, database: Path) -> dict[str, Any]:
    """Load `deployment` of the SQLite `store` into the DuckDB file `database` (kept if present)."""
    import duckdb

    if database.exists():
        return {"prepare_seconds": 0.0, "reused": True}
    began = time.perf_counter()
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        columns = [
            (row[1], row[2].upper()) for row in source.execute("PRAGMA table_info(deployment)")
        ]
        with tempfile.TemporaryDirectory(dir=database.parent) as scratch:
            exported = Path(scratch) / "deployment.csv"
            with exported.open("w", newline="", encoding="utf-8") as output:
                writer = csv.writer(output)
                writer.writerow([name for name, _ in columns])
                cursor = source.execute("SELECT * FROM deployment")
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
            types = {
                name: "VARCHAR" if "CHAR" in kind or "TEXT" in kind else "BIGINT"
                for name, kind in columns
            }
            partial = database.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            with duckdb.connect(str(partial)) as duck:
                duck.execute(
                    "CREATE TABLE deployment AS "
                    "SELECT * FROM read_csv(?, header = true, columns = ?)",
                    [str(exported), types],
                )
            partial.rename(database)
    finally:
        source.close()
    return {"prepare_seconds": time.perf_counter() - began, "reused": False}


def _in_list(column: str, values: Sequence[int]) -> str:
    if not values:
        return "FALSE"
    return f"{column} IN ({', '.join(str(int(value)) for value in values)})"


def scope_clause(spec: dict[str, Any]) -> str:
    """The report's scope as SQL over `deployment` (ids are integers, so inlining is safe)."""
    clauses = [
        f"space_id = {int(spec['space_id'])}",
        "task_state IN ('Success', 'Failed')",
        f"completed_time BETWEEN {int(spec['start'])} AND {int(spec['end'])}",
        _in_list("project_id", [int(key) for key in spec["projects"]]),
    ]
    if spec["environment_ids"] is not None:
        clauses.append(_in_list("environment_id", spec["environment_ids"]))
    tenants = spec["tenant_ids"]
    if spec["include_untenanted"]:
        if tenants is not None:
            clauses.append(f"(tenant_id IS NULL OR {_in_list('tenant_id', tenants)})")
    elif tenants is None:
        clauses.append("tenant_id IS NOT NULL")
    else:
        clauses.append(_in_list("tenant_id", tenants))
    return " AND ".join(clauses)


def duckdb_sql(spec: dict[str, Any]) -> str:
    """One statement: scope filter, interval by ASOF join on the interval edges, then per
    (project name, interval) the counts and Count/Mean/Median/Min/Max/95th (quantile_cont)."""
    edges = ", ".join(f"({index}, {int(edge)})" for index, edge in enumerate(spec["edges"]))
    projects = ", ".join(
        f"({int(key)}, '{name.replace(chr(39), chr(39) * 2)}')"
        for key, name in spec["projects"].items()
    )
    successful = f"FILTER (WHERE outcome = {SUCCESSFUL})"
    statistics_sql = ",\n        ".join(
        f"count({fact}) {successful}, avg({fact}) {successful}, "
        f"quantile_cont({fact}, 0.5) {successful}, min({fact}) {successful}, "
        f"max({fact}) {successful}, quantile_cont({fact}, 0.95) {successful}"
        for fact in FACTS
    )
    return f"""
    WITH edges(interval, edge) AS (VALUES {edges}),
    projects(project_id, name) AS (VALUES {projects}),
    counted AS (
        SELECT completed_time, project_id,
            CASE WHEN task_state = 'Failed' THEN {FAILED}
                 WHEN had_guided_failure <> 0 THEN {GUIDED} ELSE {SUCCESSFUL} END AS outcome,
            {", ".join(FACTS)}
        FROM deployment
        WHERE {scope_clause(spec)}
    )
    SELECT projects.name, edges.interval,
        count(*) FILTER (WHERE outcome = {SUCCESSFUL}),
        count(*) FILTER (WHERE outcome = {FAILED}),
        count(*) FILTER (WHERE outcome = {GUIDED}),
        {statistics_sql}
    FROM counted
    ASOF JOIN edges ON counted.completed_time >= edges.edge
    JOIN projects USING (project_id)
    GROUP BY ALL
    """


def _groups(rows: Sequence[Sequence[Any]]) -> dict[str, dict[str, list[Any]]]:
    """{series name: {interval index: [successful, failed, guided, 4 x (count, mean, median,
    min, max, 95th)]}}, JSON-ready."""
    result: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for name, interval, *figures in rows:
        result[name][str(interval)] = [None if value is None else float(value) for value in figures]
    return dict(result)


def query_duckdb(spec: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    sql = duckdb_sql(spec)
    began = time.perf_counter()
    with duckdb.connect(spec["duckdb"], read_only=True) as duck:
        rows = duck.execute(sql).fetchall()
        cold = time.perf_counter() - began
        warm: list[float] = []
        for _ in range(int(spec["repeat"])):
            began = time.perf_counter()
            rows = duck.execute(sql).fetchall()
            warm.append(time.perf_counter() - began)
        threads = duck.execute("SELECT current_setting('threads')").fetchone()
    return {
        "engine": f"duckdb {duckdb.__version__}",
        "threads": threads[0] if threads else None,
        "cold_seconds": cold,
        "warm_seconds": warm,
        "groups": _groups(rows),
    }


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's and quantile_cont's default)."""
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _describe(values: list[float]) -> list[Any]:
    if not values:
        return [0, None, None, None, None, None]
    ordered = sorted(values)
    return [
        len(ordered),
        statistics.fmean(ordered),
        _quantile(ordered, 0.5),
        ordered[0],
        ordered[-1],
        _quantile(ordered, 0.95),
    ]


def query_python(spec: dict[str, Any]) -> dict[str, Any]:
    began = time.perf_counter()
    edges = [int(edge) for edge in spec["edges"]]
    names = {int(key): name for key, name in spec["projects"].items()}
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    values: dict[tuple[str, int], list[list[float]]] = defaultdict(lambda: [[] for _ in FACTS])
    store = sqlite3.connect(f"file:{spec['store']}?mode=ro", uri=True)
    try:
        cursor = store.execute(
            "SELECT completed_time, project_id, task_state, had_guided_failure, "
            f"{', '.join(FACTS)} "
            f"FROM deployment WHERE {scope_clause(spec)}"
        )
        for completed, project, state, guided, *facts in cursor:
            key = (names[project], bisect.bisect_right(edges, completed) - 1)
            outcome = FAILED if state == "Failed" else GUIDED if guided else SUCCESSFUL
            counts[key][outcome] += 1
            if outcome == SUCCESSFUL:
                for bucket, value in zip(values[key], facts, strict=True):
                    if value is not None:
                        bucket.append(float(value))
    finally:
        store.close()
    rows = [
        (
            name,
            interval,
            *counts[(name, interval)],
            *(x for v in values[(name, interval)] for x in _describe(v)),
        )
        for name, interval in counts
    ]
    return {
        "engine": "python (statistics)",
        "threads": 1,
        "cold_seconds": time.perf_counter() - began,
        "warm_seconds": [],
        "groups": _groups(rows),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.aggregates")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("prepare", help="load a store's deployments into a DuckDB file")
    load.add_argument("--store", type=Path, required=True)
    load.add_argument("--database", type=Path, required=True)
    ask = commands.add_parser("query", help="time the spec's aggregates and print them as JSON")
    ask.add_argument("--spec", type=Path, required=True)
    ask.add_argument("--engine", choices=("duckdb", "python"), default="duckdb")
    arguments = parser.parse_args(argv)
    if arguments.command == "prepare":
        result = prepare(arguments.store, arguments.database)
    else:
        spec = json.loads(arguments.spec.read_text(encoding="utf-8"))
        result = query_duckdb(spec) if arguments.engine == "duckdb" else query_python(spec)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
