"""A server refuses a store it cannot serve, saying why and creating nothing; a store found
damaged while serving is a 503 in the server's own error format, and nothing more is written.

SQLite files only: the damage and permission checks are about files.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_app as create_gateway
from gateway.insights.ticks import parse_timestamp
from gateway.settings import Settings
from gateway.store.engine import StoreError, check_servable, create_engine, prepare_store
from mock_server.app import create_app as create_mock
from seed.generator import generate_into

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-26T12:00:00Z"
KEY = "API-BADSTORES00000000000000000"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated store, copied by each test that damages one."""
    path = tmp_path_factory.mktemp("pristine") / "store.db"

    async def fill() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await prepare_store(engine)
            await generate_into(engine, seed=3, deployments=3_000, now=parse_timestamp(NOW))
        finally:
            await engine.dispose()

    asyncio.run(fill())
    # The last connection closed checkpointed the WAL: the one file is the whole store.
    assert not Path(f"{path}-wal").exists()
    return path


def copy_of(pristine: Path, folder: Path) -> Path:
    target = folder / "store.db"
    shutil.copyfile(pristine, target)
    return target


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def overwrite(path: Path, start: float, end: float, seed: int = 1) -> None:
    """Random bytes over the part of the file from `start` to `end` (fractions of its size)."""
    size = path.stat().st_size
    first, last = int(size * start), int(size * end)
    with path.open("r+b") as file:
        file.seek(first)
        file.write(random.Random(seed).randbytes(last - first))


async def refusal(database_url: str) -> str:
    with pytest.raises(StoreError) as raised:
        await check_servable(database_url)
    return str(raised.value)


async def test_a_missing_store_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "store.db"
    message = await refusal(url(missing))
    assert message.startswith(f"there is no store at {url(missing)}; make one with")
    assert not (tmp_path / "no").exists()


async def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    path.write_bytes(random.Random(2).randbytes(64 * 1024))
    before = path.read_bytes()
    message = await refusal(url(path))
    assert message == (
        f"the store at {url(path)} is damaged (file is not a database); restore the store from "
        "a backup, or make it anew with `python -m seed generate --reset` (or `import FILE "
        "--reset`)"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("damage", "start", "end"),
    [
        pytest.param("random-pages", 0.4, 0.6, id="random-pages"),
        pytest.param("truncated", 0.5, None, id="truncated"),
    ],
)
async def test_a_damaged_store_is_refused(
    pristine: Path, tmp_path: Path, damage: str, start: float, end: float | None
) -> None:
    path = copy_of(pristine, tmp_path)
    if end is None:
        with path.open("r+b") as file:
            file.truncate(int(path.stat().st_size * start))
    else:
        overwrite(path, start, end)
    message = await refusal(url(path))
    assert message.startswith(f"the store at {url(path)} is damaged (")
    assert message.endswith(
        "make it anew with `python -m seed generate --reset` (or `import FILE --reset`)"
    )


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Paths this process cannot write: by their mode, or for root (whom modes do not bind) by
    the immutable attribute."""
    if os.geteuid() != 0:
        modes = [path.stat().st_mode for path in paths]
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in zip(paths, modes, strict=True):
                path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root, without chattr: nothing here is read-only")
    made = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"root, and chattr +i failed here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_a_read_only_store_is_refused_by_the_command(pristine: Path, tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    path = copy_of(pristine, folder)
    with read_only(path, folder):
        finished = subprocess.run(
            [sys.executable, "-m", "mock_server", "--database-url", url(path), "--port", "1"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr.startswith(
        f"error: the store at {url(path)} cannot be opened for writing ("
    ), finished.stderr
    assert "Traceback" not in finished.stderr


def test_the_servers_refuse_a_missing_store_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "store.db"
    for module in ("mock_server", "gateway"):
        finished = subprocess.run(
            [sys.executable, "-m", module, "--database-url", url(missing), "--port", "1"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert finished.returncode == 2, finished.stderr
        assert finished.stderr.startswith(f"error: there is no store at {url(missing)}")
        assert not (tmp_path / "missing").exists()


# -- damage found while serving -------------------------------------------------------------


@pytest.fixture
def served(pristine: Path, tmp_path: Path) -> Path:
    return copy_of(pristine, tmp_path)


def settings(path: Path) -> Settings:
    return Settings(
        database_url=url(path), api_keys=(KEY,), api_keys_generated=False, now=parse_timestamp(NOW)
    )


async def damage_while_serving(path: Path, engine: AsyncEngine) -> None:
    """Damage the deployments' pages; drop the pool's connections, whose page caches still hold
    what the start-up check read (a busy server's other connections would not)."""
    overwrite(path, 0.3, 0.9)
    await engine.dispose()


async def test_the_mock_server_answers_503_once_the_store_is_found_damaged(served: Path) -> None:
    app = create_mock(settings(served))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://mock",
            headers={"X-Octopus-ApiKey": KEY},
        ) as client,
    ):
        reports = "/api/Spaces-1/insights/reports"
        assert (await client.get("/admin/health")).json()["Status"] == "Healthy"
        await damage_while_serving(served, app.state.resources.engine)
        metrics = await client.get(f"{reports}/InsightsReports-1/metrics?timeRange=LastYear")
        assert metrics.status_code == 503, metrics.text
        assert metrics.json()["ErrorMessage"].startswith("The store is damaged (")
        health = await client.get("/admin/health")
        assert (health.status_code, health.json()["Status"]) == (503, "Damaged")
        created = await client.post(reports, json={"SpaceId": "Spaces-1", "Name": "Lost"})
        assert created.status_code == 503
        assert created.json() == metrics.json()


async def test_the_gateway_says_the_store_is_damaged_and_refuses_mutations(served: Path) -> None:
    app = create_gateway(settings(served))
    await app.store.open()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://gateway",
            headers={"X-Octopus-ApiKey": KEY},
        ) as client:
            assert app.store.engine is not None
            await damage_while_serving(served, app.store.engine)
            query = (
                '{ report(spaceId: "Spaces-1", id: "InsightsReports-1") '
                "{ metrics(timeRange: LAST_YEAR) { intervals { successfulDeployments } } } }"
            )
            body = (await client.post("/graphql", json={"query": query})).json()
            (error,) = body["errors"]
            assert error["extensions"] == {"code": "STORE_DAMAGED"}
            assert error["message"].startswith("The store is damaged (")
            mutation = (
                'mutation { createReport(input: { spaceId: "Spaces-1", name: "Lost" }) '
                "{ __typename } }"
            )
            refused = (await client.post("/graphql", json={"query": mutation})).json()
            assert refused["errors"][0]["extensions"] == {"code": "STORE_DAMAGED"}
            assert refused["data"] is None
    finally:
        await app.store.close()
