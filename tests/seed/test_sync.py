"""`seed sync` against the mock server running as its own process on a generated store (A):
what a sync writes into another store (B) must export exactly as A does.

One difference is Octopus's own: a report's TimeZone comes back in its Windows name, as the
REST API answers it. The expected export is A's with each TimeZone replaced by the Windows name
from tzlocal's CLDR table, and is compared byte for byte.
"""

from __future__ import annotations

import asyncio
import io
import json
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tzlocal.windows_tz import tz_win

from gateway.insights.ticks import parse_timestamp
from gateway.octopus.client import OctopusClient
from gateway.store.engine import create_engine, prepare_store
from seed.datafile import export_store
from seed.generator import generate_into
from seed.sync import SyncSummary, sync_store
from tests.postgres.servers import MOCK_APP, ROOT, environment, uvicorn

DEPLOYMENTS = 20_000
KEY = "API-SYNC0000000000000000000000"
NOW = "2026-11-01T00:00:00Z"
HEADERS = {"X-Octopus-ApiKey": KEY}


@dataclass(frozen=True)
class Octopus:
    url: str
    """The mock server's."""
    store: str
    """Its store's database URL."""
    folder: Path

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = httpx.post(self.url + path, json=body, headers=HEADERS, timeout=120)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found


@pytest.fixture(scope="module")
def octopus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Octopus]:
    folder = tmp_path_factory.mktemp("octopus")
    store = f"sqlite+aiosqlite:///{folder / 'octopus.db'}"

    async def fill() -> None:
        engine = create_engine(store)
        try:
            await prepare_store(engine)
            await generate_into(engine, seed=16, deployments=DEPLOYMENTS, now=parse_timestamp(NOW))
        finally:
            await engine.dispose()

    asyncio.run(fill())
    with uvicorn(MOCK_APP, environment(store, KEY, NOW)) as server:
        yield Octopus(server.url, store, folder)


async def export(url: str) -> str:
    engine = create_engine(url)
    try:
        out = io.StringIO()
        await export_store(engine, out)
        return out.getvalue()
    finally:
        await engine.dispose()


async def expected_export(octopus: Octopus) -> str:
    """The server's store as a sync must copy it: TimeZones in their Windows names."""
    text = await export(octopus.store)
    return re.sub(
        r'("TimeZone": ")([^"]+)(")',
        lambda zone: zone[1] + tz_win.get(zone[2], zone[2]) + zone[3],
        text,
    )


async def sync(octopus: Octopus, target: str, **options: Any) -> SyncSummary:
    engine = create_engine(target)
    try:
        async with OctopusClient(octopus.url, KEY) as client:
            return await sync_store(engine, client, **options)
    finally:
        await engine.dispose()


def deployments_of(text: str) -> int:
    return len(json.loads(text)["Deployments"])


async def test_a_first_sync_copies_the_server_exactly(octopus: Octopus, database_url: str) -> None:
    expected = await expected_export(octopus)
    assert '"TimeZone": "GMT Standard Time"' in expected  # the comparison would miss nothing

    summary = await sync(octopus, database_url)

    assert await export(database_url) == expected
    assert summary.new["deployment"] == deployments_of(expected)
    assert sum(summary.updated.values()) == 0
    assert summary.facts > 0


async def test_a_later_sync_reads_only_what_changed(octopus: Octopus, tmp_path: Path) -> None:
    target = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    first = await sync(octopus, target)
    idle = await sync(octopus, target)
    advanced = octopus.post("/admin/advance", {"Days": 3})

    later = await sync(octopus, target)

    assert await export(target) == await expected_export(octopus)
    assert later.new["deployment"] == advanced["Added"]["Deployments"] > 0
    assert later.new["release"] == advanced["Added"]["Releases"]
    assert later.updated["deployment"] == advanced["TasksMovedOn"]
    assert sum(idle.new.values()) == sum(idle.updated.values()) == idle.facts == 0
    # A run pays about a dozen requests a space for the catalogue; what changed costs a few more.
    assert later.requests <= idle.requests + 20, (idle.requests, later.requests)
    assert later.requests < first.requests / 3, (first.requests, later.requests)


async def test_a_sync_through_faults_copies_the_same(octopus: Octopus, tmp_path: Path) -> None:
    target = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    # RetryAfter 0: each retry then waits only the client's own backoff.
    schedule = {"Rate": 0.2, "Statuses": [429, 503], "Seed": 1, "RetryAfter": 0}
    octopus.post("/admin/faults", schedule)
    try:
        summary = await sync(octopus, target)
    finally:
        octopus.post("/admin/faults", {"Rate": 0})
    assert summary.retries > 0
    assert await export(target) == await expected_export(octopus)


def command(octopus: Octopus, target: str, *more: str, key: str = KEY) -> list[str]:
    return [
        sys.executable, "-m", "seed", "sync",
        "--octopus-url", octopus.url, "--octopus-api-key", key,
        "--database-url", target, "--quiet", *more,
    ]  # fmt: skip


def test_a_sync_killed_at_random_moments_and_run_again_copies_the_same(
    octopus: Octopus, tmp_path: Path
) -> None:
    target = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    moments = random.Random(16)
    killed_while_running = 0
    for _ in range(4):
        process = subprocess.Popen(
            command(octopus, target), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(moments.uniform(0.8, 5.0))
        if process.poll() is None:
            killed_while_running += 1
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
    finished = subprocess.run(
        command(octopus, target), cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert killed_while_running >= 1  # a kill landed in the middle of a run
    assert asyncio.run(export(target)) == asyncio.run(expected_export(octopus))


def test_the_command_prints_what_it_did(octopus: Octopus, tmp_path: Path) -> None:
    target = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    done = subprocess.run(
        command(octopus, target), cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    copied = deployments_of(asyncio.run(export(target)))
    table = done.stdout.splitlines()[2:14]
    rows = {line.split("  ")[1].strip(): line.split()[-2:] for line in table}
    assert rows["deployments"] == [f"{copied:,}", "0"]
    assert re.search(r"^[\d,]+ requests \(0 retried\) in [\d.]+ s$", done.stdout, re.MULTILINE)


def test_a_wrong_key_is_refused_and_nothing_is_made(octopus: Octopus, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    done = subprocess.run(
        command(octopus, f"sqlite+aiosqlite:///{path}", key="API-WRONG"),
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "refused the API key (HTTP 401)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not path.exists()


def test_a_store_holding_other_data_is_refused_unless_reset(
    octopus: Octopus, tmp_path: Path
) -> None:
    target = f"sqlite+aiosqlite:///{tmp_path / 'generated.db'}"

    async def generate() -> None:
        engine = create_engine(target)
        try:
            await prepare_store(engine)
            await generate_into(engine, seed=3, deployments=300, now=parse_timestamp(NOW))
        finally:
            await engine.dispose()

    asyncio.run(generate())
    before = asyncio.run(export(target))
    refused = subprocess.run(
        command(octopus, target), cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert refused.returncode == 2
    assert "not from this server; run again with --reset" in refused.stderr
    assert asyncio.run(export(target)) == before

    replaced = subprocess.run(
        command(octopus, target, "--reset"), cwd=ROOT, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert replaced.returncode == 0, replaced.stderr
    assert asyncio.run(export(target)) == asyncio.run(expected_export(octopus))
