"""Loading a store is all or nothing: an interrupted seed or import leaves the old data, or a
store marked incomplete that the next run names; never a silently half-written store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

import seed.__main__ as cli
from gateway.insights.ticks import parse_timestamp
from gateway.store import migrations
from gateway.store.engine import COMPLETE, create_engine, prepare_store, store_state
from gateway.store.facts import refresh_facts
from seed.generator import generate_into
from seed.lifecycle import SeedError, load_store
from seed.writer import SPACE

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-26T12:00:00Z"


EXPECTED_INDEXES = {
    "release": {"ix_release_channel_created", "ix_release_project_id", "ix_release_space_id"},
    "deployment": {
        "ix_deployment_release_id",
        "ix_deployment_space_completed",
        "ix_deployment_stream",
    },
}


def index_names(connection: Connection) -> dict[str, set[str]]:
    found = inspect(connection)
    return {
        table: {str(index["name"]) for index in found.get_indexes(table)}
        for table in ("release", "deployment")
    }


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def deployments_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM deployment").fetchone()[0])


def state_of(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        row = connection.execute("SELECT value FROM store_info WHERE key = 'state'").fetchone()
    return str(row[0])


def seed_command(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "seed", "generate", "--database-url", sqlite_url(path),
            "--now", NOW, "--quiet", *extra]  # fmt: skip


def start_big_run(path: Path) -> subprocess.Popen[str]:
    """A long generate --reset, stopped once it has marked the store and begun writing."""
    process = subprocess.Popen(
        seed_command(path, "--reset", "--deployments", "400000"),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
    )
    deadline = time.monotonic() + 30
    while state_of(path) == COMPLETE:
        assert time.monotonic() < deadline
        assert process.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)
    return process


async def test_a_failed_load_keeps_the_old_data_and_state(engine: AsyncEngine) -> None:
    await generate_into(engine, deployments=200, now=parse_timestamp(NOW))

    def fill(connection: Connection) -> None:
        connection.execute(SPACE.insert(), [{"id": 99, "name": "Half"}])
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        await load_store(engine, origin="test", fill=fill, reset=True)
    assert await store_state(engine) == COMPLETE
    async with engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM space ORDER BY id"))).scalars()
        assert list(names) == ["Default", "Data Platform", "Sandbox"]
        assert await connection.run_sync(index_names) == EXPECTED_INDEXES


def journal_mode(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def fill_noting_the_journal(seen: list[str]) -> Callable[[Connection], None]:
    def fill(connection: Connection) -> None:
        seen.append(connection.exec_driver_sql("PRAGMA journal_mode").scalar_one())
        connection.execute(SPACE.insert(), [{"id": 1, "name": "Default"}])

    return fill


async def test_a_load_writes_through_a_rollback_journal_and_leaves_wal(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    engine = create_engine(sqlite_url(path))
    try:
        await prepare_store(engine)
        seen: list[str] = []
        await load_store(engine, origin="test", fill=fill_noting_the_journal(seen), reset=True)
        assert seen == ["delete"]
        assert journal_mode(path) == "wal"

        def fill(connection: Connection) -> None:
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError, match="disk full"):
            await load_store(engine, origin="test", fill=fill, reset=True)
        assert journal_mode(path) == "wal"
        assert await store_state(engine) == COMPLETE
    finally:
        await engine.dispose()


async def test_a_load_stays_in_wal_while_another_connection_has_the_store_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    engine = create_engine(sqlite_url(path))
    try:
        await prepare_store(engine)
        with closing(sqlite3.connect(path)) as reader:
            reader.execute("SELECT count(*) FROM space").fetchone()
            seen: list[str] = []
            await load_store(engine, origin="test", fill=fill_noting_the_journal(seen), reset=True)
            assert seen == ["wal"]
            assert reader.execute("SELECT name FROM space").fetchall() == [("Default",)]
        assert journal_mode(path) == "wal"
    finally:
        await engine.dispose()


async def test_a_failed_load_into_an_empty_store_keeps_its_indexes(engine: AsyncEngine) -> None:
    def fill(connection: Connection) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        await load_store(engine, origin="test", fill=fill, reset=True)
    async with engine.connect() as connection:
        assert await connection.run_sync(index_names) == EXPECTED_INDEXES


async def test_a_store_with_data_is_refused_without_reset(engine: AsyncEngine) -> None:
    await generate_into(engine, deployments=200, now=parse_timestamp(NOW))
    with pytest.raises(SeedError, match=r"already holds data \(3 spaces, \d+ projects"):
        await generate_into(engine, deployments=200, now=parse_timestamp(NOW), reset=False)


def test_killed_run_leaves_old_data_and_is_named_until_reset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.db"
    assert cli.main(seed_command(path, "--deployments", "300")[3:]) == 0
    before = deployments_in(path)
    process = start_big_run(path)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert deployments_in(path) == before  # the database rolled the write back
    capsys.readouterr()
    assert cli.main(seed_command(path, "--deployments", "300")[3:]) == 2
    err = capsys.readouterr().err
    assert "is incomplete: seed generate --seed 1 --deployments 400000" in err
    assert "did not finish; run again with --reset" in err
    assert cli.main(["export", "-", "--database-url", sqlite_url(path)]) == 2
    assert "is incomplete" in capsys.readouterr().err
    assert cli.main(seed_command(path, "--deployments", "300", "--reset")[3:]) == 0
    assert state_of(path) == COMPLETE


def test_ctrl_c_rolls_back_and_keeps_the_store_complete(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    assert cli.main(seed_command(path, "--deployments", "300")[3:]) == 0
    before = deployments_in(path)
    process = start_big_run(path)
    # A terminal sends Ctrl-C to every process of the group: the history's producer too.
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted: the store keeps the data it had before" in err
    assert "Traceback" not in err
    assert deployments_in(path) == before
    assert state_of(path) == COMPLETE


def test_another_schema_version_is_refused_unless_reset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.db"
    assert cli.main(seed_command(path, "--deployments", "300")[3:]) == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    capsys.readouterr()
    assert cli.main(seed_command(path, "--deployments", "300")[3:]) == 2
    assert "schema revision 0999" in capsys.readouterr().err
    assert cli.main(seed_command(path, "--deployments", "300", "--reset")[3:]) == 0
    with sqlite3.connect(path) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == (migrations.head(),)


def test_a_database_that_is_not_a_store_is_never_reset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    assert cli.main(seed_command(path, "--reset")[3:]) == 2
    assert "holds tables that are not an insights store" in capsys.readouterr().err
    with sqlite3.connect(path) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    assert tables == [("invoices",)]


async def test_refreshing_facts_writes_only_what_changed(engine: AsyncEngine) -> None:
    await generate_into(engine, deployments=200, now=parse_timestamp(NOW))
    async with engine.begin() as connection:
        assert await refresh_facts(connection) == 0
        await connection.execute(
            text("UPDATE deployment SET lead_time = 1 WHERE lead_time IS NOT NULL AND id = "
                 "(SELECT min(id) FROM deployment WHERE lead_time IS NOT NULL)")
        )  # fmt: skip
        assert await refresh_facts(connection) == 1
        assert await refresh_facts(connection) == 0
