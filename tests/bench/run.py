"""`make bench`: seed stores, start the servers and their peers on 127.0.0.1, measure, judge.

    python -m tests.bench.run [--sizes 10000,100000,1000000] [--smoke] [--results bench-results]

Per store size: `/metrics` (split=Project, LastYear, Weekly) of the busiest report of Spaces-1,
cold and warm, through REST (mock server) and GraphQL (gateway), against DuckDB over the same rows;
wrk throughput of the report list and the metrics through both; seeding against a raw sqlite3
executemany of the same rows; the servers' peak memory. At the largest size, the report list
against the bare Starlette ceiling; once, Prism. Prints a table with the bars of issue 6 and
writes `bench.json` into the results folder. Peers come from `tests/bench/setup.sh`; missing ones
are skipped with a note.

The host's speed drifts by a third within minutes (shared machines), so the two bars that compare
runs of different programs take them in `--rounds` back-to-back pairs (seeding then raw writing;
the bare route and the report list, in alternating order) and judge the median of the pairs'
ratios: a pair's two runs see the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from gateway.insights.metrics import Granularity, MetricsQuery, Split, TimeRange
from gateway.insights.scope import resolve_scope
from gateway.insights.ticks import parse_timestamp
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import metrics_window
from gateway.store.catalogue import load_catalogue
from gateway.store.engine import opened_store, session_factory
from gateway.store.reports import list_reports
from tests.bench.load import (
    ACCEPT_ENCODING,
    API_KEY_HEADER,
    Target,
    run_wrk,
    timed,
    warm,
    wire_answer,
    wrk_path,
    wrk_version,
)
from tests.bench.processes import HOST, Server, Servers, free_port
from tests.bench.stores import (
    count_rows,
    raw_executemany,
    remove_store,
    seed_command,
    seeded_store,
    timed_seed,
)
from tests.bench.verdicts import compare_metrics, judge, median, median_run, table

REPO = Path(__file__).resolve().parents[2]
SPACE_ID = 1
SPACE = f"Spaces-{SPACE_ID}"
API_KEY = "API-BENCHMARKBENCHMARKBENCHMA"
HEADERS = {API_KEY_HEADER: API_KEY} | ACCEPT_ENCODING
PACKAGES: tuple[str, ...] = ("starlette", "uvicorn", "uvloop", "httptools", "strawberry-graphql")
PACKAGES += ("sqlalchemy", "sqlmodel", "aiosqlite", "numpy", "httpx")
# Each API surface and the server (module) that answers it.
SERVER_OF_SURFACE = {"rest": "mock_server", "graphql": "gateway"}
METRICS_PARAMETERS = "split=Project&timeRange=LastYear&granularity=Weekly"
STATS = "count mean median min max ninetyFifth"
METRICS_QUERY = (
    "query Metrics($spaceId: ID!, $id: ID!) { report(spaceId: $spaceId, id: $id) { "
    "metrics(split: PROJECT, timeRange: LAST_YEAR, granularity: WEEKLY) { name intervals { "
    f"start successfulDeployments leadTime {{ {STATS} }} "
    "failureRate { successful deploymentFailure successfulButHadGuidedFailure failed total rate } "
    f"timeSincePreviousDeployment {{ {STATS} }} timeToRecovery {{ {STATS} }} "
    f"deploymentsUntilRecovery {{ {STATS} }} }} }} }} }}"
)
REPORTS_QUERY = (
    "query Reports($spaceId: ID!) { reports(spaceId: $spaceId, first: 30) { totalCount nodes { "
    "id spaceId name description projectGroupIds projectIds tenantIds tenantTags tenantMode "
    "environmentGroups { name environmentIds } timeZone iconId iconColor } } }"
)


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    results: Path
    peers: Path
    repeat: int
    rounds: int
    seconds: float
    connections: int
    seed: int
    now: str
    fresh: bool
    profile: bool
    python: Path

    @property
    def bench_python(self) -> Path:
        return self.peers / "venv" / "bin" / "python"

    @property
    def prism(self) -> Path:
        return self.peers / "prism" / "node_modules" / ".bin" / "prism"


def parse_options(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__)
    parser.add_argument("--sizes", help="deployments per store, comma-separated")
    parser.add_argument("--smoke", action="store_true", help="tiny and quick: 2k, 1 s of wrk")
    parser.add_argument("--results", type=Path, default=REPO / "bench-results")
    parser.add_argument("--peers", type=Path, default=REPO / "bench-results", help="setup.sh's")
    parser.add_argument("--repeat", type=int, help="warm requests per surface (median taken)")
    parser.add_argument(
        "--rounds", type=int, help="back-to-back pairs for bars 2 and 4 (3; smoke 1)"
    )
    parser.add_argument("--seconds", type=float, help="wrk's duration per target")
    parser.add_argument("--connections", type=int, help="wrk's connections (64; smoke 8)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", default="2026-06-30T12:00:00Z", help="the servers' fixed clock")
    parser.add_argument("--fresh", action="store_true", help="seed again even if a store exists")
    parser.add_argument("--profile", action="store_true", help="py-spy the warm requests")
    arguments = parser.parse_args(argv)
    default_sizes = "2000" if arguments.smoke else "10000,100000,1000000"
    sizes = tuple(int(size) for size in (arguments.sizes or default_sizes).split(","))
    return Options(
        sizes=tuple(sorted(set(sizes))),
        results=arguments.results.resolve(),
        peers=arguments.peers.resolve(),
        repeat=arguments.repeat or (3 if arguments.smoke else 50),
        rounds=max(1, arguments.rounds or (1 if arguments.smoke else 3)),
        seconds=arguments.seconds or (1.0 if arguments.smoke else 10.0),
        connections=arguments.connections or (8 if arguments.smoke else 64),
        seed=arguments.seed,
        now=arguments.now,
        fresh=arguments.fresh,
        profile=arguments.profile,
        python=Path(sys.executable),
    )


async def busiest_report(url: str, now: int) -> dict[str, Any]:
    """The report of Spaces-1 that counts the most deployments in its LastYear window, and the
    aggregation's inputs for the peer: the window, its interval edges and the report's scope."""
    query = MetricsQuery(
        split=Split.Project, time_range=TimeRange.LastYear, granularity=Granularity.Weekly
    )
    async with opened_store(url) as engine, session_factory(engine)() as session:
        _, reports = await list_reports(session, space_id=SPACE_ID, skip=0, take=1000)
        catalogue = await load_catalogue(session, space_id=SPACE_ID)
        best: dict[str, Any] | None = None
        for report in reports:
            window = metrics_window(query, resolve_time_zone(report.time_zone), now)
            scope = resolve_scope(report, catalogue)
            rows = await session.execute(
                text(
                    "SELECT project_id, environment_id, tenant_id, count(*) FROM deployment "
                    "WHERE space_id = :space AND task_state IN ('Success', 'Failed') "
                    "AND completed_time BETWEEN :start AND :end GROUP BY 1, 2, 3"
                ),
                {"space": SPACE_ID, "start": window.start, "end": window.end},
            )
            counted = sum(n for p, e, t, n in rows.all() if scope.admits(p, e, t))
            if best is not None and counted <= best["deployments_in_scope"]:
                continue
            best = {
                "id": report.id,
                "name": report.name,
                "time_zone": report.time_zone,
                "deployments_in_scope": counted,
                "spec": {
                    "space_id": SPACE_ID,
                    "start": window.start,
                    "end": window.end,
                    "edges": window.edges.tolist(),
                    "projects": {
                        str(number): catalogue.projects[number].name
                        for number in sorted(scope.project_ids)
                        if number in catalogue.projects
                    },
                    "environment_ids": None
                    if scope.environment_ids is None
                    else sorted(scope.environment_ids),
                    "include_untenanted": scope.include_untenanted,
                    "tenant_ids": None if scope.tenant_ids is None else sorted(scope.tenant_ids),
                },
            }
    if best is None:
        raise RuntimeError(f"the store at {url} has no report in {SPACE}")
    return best


def run_peer(options: Options, store: Path, spec: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """DuckDB over the store's rows in the bench venv; the plain engine when DuckDB is absent."""
    has_duckdb = (
        options.bench_python.exists()
        and subprocess.run(
            [str(options.bench_python), "-c", "import duckdb"], capture_output=True, check=False
        ).returncode
        == 0
    )
    engine = "duckdb" if has_duckdb else "python"
    python = options.bench_python if has_duckdb else options.python
    prepared: dict[str, Any] = {}
    database = store.with_suffix(".duckdb")
    if has_duckdb:
        prepared = _json_of(
            [
                str(python),
                "-m",
                "tests.bench.aggregates",
                "prepare",
                "--store",
                str(store),
                "--database",
                str(database),
            ]
        )
    else:
        say("  note: DuckDB is not installed (tests/bench/setup.sh); plain Python checks instead")
    spec_file = scratch / "peer-spec.json"
    full = spec | {"store": str(store), "duckdb": str(database), "repeat": options.repeat}
    spec_file.write_text(json.dumps(full), encoding="utf-8")
    answer = _json_of(
        [
            str(python),
            "-m",
            "tests.bench.aggregates",
            "query",
            "--engine",
            engine,
            "--spec",
            str(spec_file),
        ]
    )
    warm_samples = answer["warm_seconds"]
    answer["warm_median_seconds"] = (
        sorted(warm_samples)[len(warm_samples) // 2] if warm_samples else None
    )
    return answer | prepared


def _json_of(command: list[str]) -> dict[str, Any]:
    output = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output.stderr}")
    result: dict[str, Any] = json.loads(output.stdout)
    return result


@contextlib.contextmanager
def profiled(options: Options, server: Server, name: str) -> Iterator[None]:
    """py-spy's collapsed stacks of the server while the block runs (with --profile)."""
    spy = options.peers / "venv" / "bin" / "py-spy"
    if not options.profile or not spy.exists():
        yield
        return
    folder = options.results / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / f"{name}.txt"
    recorder = subprocess.Popen(
        [
            str(spy),
            "record",
            "--pid",
            str(server.pid),
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(output),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=60)
        say(f"  profile: {output}")


def graphql(url: str, query: str, variables: dict[str, Any], name: str) -> Target:
    body = {"query": query, "variables": variables}
    return Target(name, f"{url}/graphql", HEADERS, body)


def wrk(options: Options, target: Target, scratch: Path) -> dict[str, Any]:
    """`target` under wrk with the run's connections and duration, a thread per core."""
    return run_wrk(
        target,
        connections=options.connections,
        threads=os.cpu_count() or 1,
        seconds=options.seconds,
        scripts=scratch,
    )


def seeding_rounds(options: Options, size: int, scratch: Path) -> dict[str, Any]:
    """Seeding a new store, then the raw executemany of its rows, `rounds` times: each ratio
    compares two runs a few seconds apart."""
    rounds = []
    store = scratch / "round.db"
    for number in range(options.rounds):
        command = seed_command(
            options.python, store, deployments=size, seed=options.seed, now=options.now
        )
        seconds = timed_seed(REPO, command, scratch / f"seed-round-{number + 1}.log")
        raw = raw_executemany(store, scratch / "raw.db")
        remove_store(store)
        rounds.append(
            {"seconds": seconds, "raw_seconds": raw["seconds"], "ratio": seconds / raw["seconds"]}
        )
        say(
            f"  seeding {seconds:.2f} s, raw sqlite3 executemany of the same rows "
            f"{raw['seconds']:.2f} s: {seconds / raw['seconds']:.2f}x"
        )
    return {
        "seconds": median([entry["seconds"] for entry in rounds]),
        "raw_executemany_seconds": median([entry["raw_seconds"] for entry in rounds]),
        "ratio": median([entry["ratio"] for entry in rounds]),
        "rounds": rounds,
        "rows": raw["rows"],
    }


def report_list_rounds(
    options: Options, servers: Servers, target: Target, answer: tuple[bytes, str | None]
) -> dict[str, Any]:
    """The report list and the bare route answering its bytes, under wrk in `rounds` pairs,
    bare first in odd rounds and last in even ones, so that a steady drift favours neither."""
    scratch = options.results / "work-ceilings"
    scratch.mkdir(parents=True, exist_ok=True)
    body, encoding = answer
    path = f"/api/{SPACE}/insights/reports"
    bare = start_bare(options, servers, "bare", path, answer, scratch)
    ceiling = Target("bare", bare.url + path, HEADERS)
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "list": []}
    pairs = []
    for number in range(options.rounds):
        order = [("bare", ceiling), ("list", target)]
        for name, load in order if number % 2 == 0 else order[::-1]:
            runs[name].append(wrk(options, load, scratch))
        pair = {key: runs[key][-1]["ok_per_second"] for key in runs}
        pair["ratio"] = pair["list"] / pair["bare"] if pair["bare"] else None
        pairs.append(pair)
        say(
            f"  wrk report list {pair['list']:.1f} req/s against the bare ceiling "
            f"{pair['bare']:.1f} req/s ({len(body):,} bytes as {encoding or 'identity'})"
        )
    ceiling_figures = median_run(runs["bare"]) | {
        "peak_rss_mb": bare.peak_rss_mb(),
        "body_bytes": len(body),
        "content_encoding": encoding,
        "rounds": runs["bare"],
    }
    servers.stop(bare)
    return {
        "list": median_run(runs["list"]) | {"rounds": runs["list"]},
        "bare": ceiling_figures,
        "pairs": pairs,
    }


def start_bare(
    options: Options,
    servers: Servers,
    name: str,
    path: str,
    answer: tuple[bytes, str | None],
    scratch: Path,
) -> Server:
    """`tests.bench.bare` answering `answer`'s bytes (and coding) at `path`."""
    body, encoding = answer
    body_file = scratch / f"{name}.body"
    body_file.write_bytes(body)
    port = free_port()
    command = [str(options.python), "-m", "tests.bench.bare", "--host", HOST]
    command += ["--port", str(port), "--path", path, "--body", str(body_file)]
    if encoding:
        command += ["--content-encoding", encoding]
    return servers.start(name, command, port=port, cwd=REPO)


def measure_size(
    options: Options, size: int, servers: Servers, shared: dict[str, Any]
) -> dict[str, Any]:
    scratch = options.results / f"work-{size}"
    scratch.mkdir(parents=True, exist_ok=True)
    say(f"\n== {size:,} deployments")
    store = seeded_store(
        REPO,
        options.python,
        options.results / "stores",
        deployments=size,
        seed=options.seed,
        now=options.now,
        fresh=options.fresh,
        log=scratch / "seed.log",
    )
    say(
        f"  store {store.path.name}: seeded in {store.seed_seconds:.1f} s"
        + (" (reused)" if store.reused else "")
    )
    seeding = seeding_rounds(options, size, scratch)
    report = asyncio.run(busiest_report(store.url, parse_timestamp(options.now)))
    say(
        f"  report {report['id']} {report['name']!r} ({report['time_zone']}): "
        f"{report['deployments_in_scope']:,} counted deployments in its window"
    )
    peer = run_peer(options, store.path, report["spec"], scratch)
    say(
        f"  {peer['engine']}: cold {_ms(peer['cold_seconds'])}, "
        f"warm {_ms(peer['warm_median_seconds'])}"
    )
    result: dict[str, Any] = {
        "deployments": count_rows(store.path, "deployment"),
        "report": {key: report[key] for key in ("id", "name", "time_zone", "deployments_in_scope")},
        "seeding": seeding | {"store_seconds": store.seed_seconds, "reused": store.reused},
        "peer": {key: value for key, value in peer.items() if key != "groups"},
        "latency": {},
        "throughput": {},
        "peak_rss_mb": {},
        "peak_rss_mb_sequential": {},
    }
    common = [
        "--host",
        HOST,
        "--database-url",
        store.url,
        "--api-key",
        API_KEY,
        "--now",
        options.now,
    ]
    reports_path = f"/api/{SPACE}/insights/reports"
    metrics_path = (
        f"{reports_path}/{report['id']}/metrics?split=Project&timeRange=LastYear&granularity=Weekly"
    )
    started: dict[str, Server] = {}
    for name in SERVER_OF_SURFACE.values():
        port = free_port()
        started[name] = servers.start(
            f"{name}-{size}",
            [str(options.python), "-m", name, "--port", str(port), *common],
            port=port,
            cwd=REPO,
        )
    rest_url, graphql_url = started["mock_server"].url, started["gateway"].url
    metrics_targets = {
        "rest": Target("rest_metrics", rest_url + metrics_path, HEADERS),
        "graphql": graphql(
            graphql_url, METRICS_QUERY, {"spaceId": SPACE, "id": report["id"]}, "graphql_metrics"
        ),
    }
    targets = {
        "rest_reports": Target("rest_reports", rest_url + reports_path, HEADERS),
        "rest_metrics": metrics_targets["rest"],
        "graphql_reports": graphql(
            graphql_url, REPORTS_QUERY, {"spaceId": SPACE}, "graphql_reports"
        ),
        "graphql_metrics": metrics_targets["graphql"],
    }
    with httpx.Client(timeout=600) as client:
        # Cold: the first request each server answers. Warm: the two surfaces take turns, so
        # that bar 3 compares figures taken over the same stretch of the host's time.
        colds = {surface: timed(target, client) for surface, target in metrics_targets.items()}
        with contextlib.ExitStack() as profiles:
            for surface, name in SERVER_OF_SURFACE.items():
                profiles.enter_context(
                    profiled(options, started[name], f"{surface}-metrics-{size}")
                )
            warm_figures = warm(metrics_targets, client, options.repeat)
        sent = {surface: wire_answer(target, client) for surface, target in metrics_targets.items()}
        # The ceilings answer these bytes: the largest store's list and metrics.
        shared["list_answer"] = wire_answer(targets["rest_reports"], client)
        shared["metrics_answer"] = sent["rest"]
        shared.setdefault("openapi", client.get(rest_url + "/api/openapi.json").content)
    answers: dict[str, Any] = {}
    for surface, name in SERVER_OF_SURFACE.items():
        cold, response = colds[surface]
        answers[surface] = response.json()
        # Before any concurrent load: what one request at a time needs.
        result["peak_rss_mb_sequential"][name] = started[name].peak_rss_mb()
        result["latency"][surface] = {
            "cold_seconds": cold,
            "ready_after_seconds": started[name].ready_after,
            "warm": warm_figures[surface],
            "response_bytes": len(response.content),
            "wire_bytes": len(sent[surface][0]),
            "content_encoding": sent[surface][1],
        }
        say(
            f"  {surface} metrics: cold {_ms(cold)}, "
            f"warm {_ms(warm_figures[surface]['median_seconds'])} "
            f"({len(response.content):,} bytes; {len(sent[surface][0]):,} sent as "
            f"{sent[surface][1] or 'identity'})"
        )
    if "errors" in answers["graphql"]:
        raise RuntimeError(f"the gateway answered errors: {answers['graphql']['errors']}")
    series = answers["graphql"]["data"]["report"]["metrics"]
    result["sanity"] = compare_metrics(series, peer["groups"]) | {"against": peer["engine"]}
    say(
        f"  sanity: {result['sanity']['compared']:,} figures of {len(series)} series against "
        f"{peer['engine']}, {result['sanity']['mismatches']} mismatches"
    )
    if wrk_path() is None:
        say("  note: wrk is not installed (tests/bench/setup.sh); throughput skipped")
    else:
        largest = size == options.sizes[-1]
        for name, target in targets.items():
            if largest and name == "rest_reports":
                paired = report_list_rounds(options, servers, target, shared["list_answer"])
                result["throughput"][name] = paired["list"]
                shared["bare"], shared["report_list_pairs"] = paired["bare"], paired["pairs"]
                continue
            figures = wrk(options, target, scratch)
            result["throughput"][name] = figures
            say(
                f"  wrk {name}: {figures['ok_per_second']:.1f} req/s, "
                f"{figures['error_count']} errors"
            )
    for name, server in started.items():
        result["peak_rss_mb"][name] = server.peak_rss_mb()
        servers.stop(server)
    say(
        f"  peak RSS: mock_server {result['peak_rss_mb']['mock_server']:.0f} MB, "
        f"gateway {result['peak_rss_mb']['gateway']:.0f} MB"
    )
    return result


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def measure_ceilings(
    options: Options, servers: Servers, shared: dict[str, Any], report_id: str
) -> dict[str, Any]:
    """Under wrk: the bare Starlette route answering the largest store's metrics bytes, and
    Prism on the report list and metrics paths. (The report list's ceiling is measured in pairs
    with it, `report_list_rounds`.)"""
    result: dict[str, Any] = {}
    if "bare" in shared:
        result["bare"], result["report_list_pairs"] = shared["bare"], shared["report_list_pairs"]
    if wrk_path() is None or "metrics_answer" not in shared:
        return result
    scratch = options.results / "work-ceilings"
    scratch.mkdir(parents=True, exist_ok=True)
    reports_path = f"/api/{SPACE}/insights/reports"
    metrics_path = f"{reports_path}/{report_id}/metrics"
    answer = shared["metrics_answer"]
    bare = start_bare(options, servers, "bare_metrics", metrics_path, answer, scratch)
    url = f"{bare.url}{metrics_path}?{METRICS_PARAMETERS}"
    figures = wrk(options, Target("bare_metrics", url, HEADERS), scratch)
    result["bare_metrics"] = figures | {
        "peak_rss_mb": bare.peak_rss_mb(),
        "body_bytes": len(answer[0]),
        "content_encoding": answer[1],
    }
    servers.stop(bare)
    say(
        f"  wrk bare_metrics ceiling: {figures['ok_per_second']:.1f} req/s "
        f"({len(answer[0]):,} bytes as {answer[1] or 'identity'})"
    )
    if not options.prism.exists():
        say("  note: Prism is not installed (tests/bench/setup.sh); Prism skipped")
        return result
    document = scratch / "openapi.json"
    document.write_bytes(shared["openapi"])
    port = free_port()
    prism = servers.start(
        "prism",
        [str(options.prism), "mock", "--host", HOST, "--port", str(port), str(document)],
        port=port,
        cwd=scratch,
    )
    paths = {"prism": reports_path, "prism_metrics": f"{metrics_path}?{METRICS_PARAMETERS}"}
    with httpx.Client(timeout=60) as client:
        for name, path in paths.items():
            target = Target(name, prism.url + path, HEADERS)
            status = target.send(client).status_code
            if status >= 300:
                say(f"  note: Prism answered {status} to {path}; not measured")
                continue
            result[name] = wrk(options, target, scratch)
            say(f"  wrk {name}: {result[name]['ok_per_second']:.1f} req/s")
    result["prism_peak_rss_mb"] = prism.peak_rss_mb()
    servers.stop(prism)
    return result


def versions(options: Options, results: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    engines = {size["peer"]["engine"] for size in results["sizes"].values()}
    found["peer"] = sorted(engines)
    found["wrk"] = wrk_version()
    for name, command in (
        ("prism", [str(options.prism), "--version"]),
        ("node", ["node", "--version"]),
    ):
        try:
            output = subprocess.run(
                command, capture_output=True, text=True, timeout=60, check=False
            )
            found[name] = output.stdout.strip() or None
        except OSError:
            found[name] = None
    return found


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    options.results.mkdir(parents=True, exist_ok=True)

    def stop(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    # Also when started with SIGINT ignored (a background job of a shell without job control).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    results: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "processor": platform.machine(),
        },
        "settings": {
            "sizes": list(options.sizes),
            "repeat": options.repeat,
            "rounds": options.rounds,
            "wrk_seconds": options.seconds,
            "connections": options.connections,
            "seed": options.seed,
            "now": options.now,
            "host": HOST,
            "query": "split=Project, timeRange=LastYear, granularity=Weekly",
        },
        "sizes": {},
        "throughput": {},
    }
    shared: dict[str, Any] = {}
    began = time.perf_counter()
    try:
        with Servers(options.results / "logs") as servers:
            report_id = ""
            for size in options.sizes:
                results["sizes"][str(size)] = measure_size(options, size, servers, shared)
                report_id = results["sizes"][str(size)]["report"]["id"]
            say("\n== ceilings")
            results["throughput"] = measure_ceilings(options, servers, shared, report_id)
    except KeyboardInterrupt:
        say("interrupted: every server was stopped")
        return 130
    results["versions"] = versions(options, results)
    bars = judge(results)
    results["bars"] = [verdict.as_json() for verdict in bars]
    results["seconds"] = time.perf_counter() - began
    output = options.results / "bench.json"
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say("")
    table(results, bars, say)
    say(f"\nwrote {output} ({results['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
