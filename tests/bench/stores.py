"""Seeded stores, kept between runs, and the raw sqlite3 baseline of writing the same rows.

A store is reused when one was seeded with the same deployments, seed and clock by the same code
(a hash of the seeder and the store's sources is in its name), so that a second `make bench`
does not make it again; the seeding measure seeds scratch stores of its own (`timed_seed`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEEDED_BY = ("seed", "gateway/store", "gateway/insights/facts.py")
"""What decides the rows a seed writes: a change here makes stored stores stale."""


@dataclass(frozen=True)
class SeededStore:
    path: Path
    deployments: int
    seed_seconds: float
    reused: bool

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.path}"


def source_hash(repo: Path) -> str:
    digest = hashlib.sha256()
    for root in SEEDED_BY:
        base = repo / root
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for file in files:
            digest.update(str(file.relative_to(repo)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def seeded_store(
    repo: Path,
    python: Path,
    folder: Path,
    *,
    deployments: int,
    seed: int,
    now: str,
    fresh: bool,
    log: Path,
) -> SeededStore:
    """A store of `deployments` seeded by `python -m seed generate`, reused when present."""
    folder.mkdir(parents=True, exist_ok=True)
    clock = now.replace(":", "").replace("-", "")
    name = f"deployments-{deployments}-seed-{seed}-{clock}-{source_hash(repo)}"
    path = folder / f"{name}.db"
    record = folder / f"{name}.json"
    if not fresh and path.exists() and record.exists():
        recorded = json.loads(record.read_text(encoding="utf-8"))
        return SeededStore(path, deployments, float(recorded["seed_seconds"]), reused=True)
    record.unlink(missing_ok=True)
    # Stores of the same parameters written by other code are stale: keep only this one.
    prefix = name.rsplit("-", 1)[0] + "-"
    for stale in folder.glob(prefix + "*"):
        if not stale.name.startswith(name):
            stale.unlink()
    command = seed_command(python, path, deployments=deployments, seed=seed, now=now)
    seconds = timed_seed(repo, command, log)
    record.write_text(json.dumps({"seed_seconds": seconds, "command": command}), encoding="utf-8")
    return SeededStore(path, deployments, seconds, reused=False)


def seed_command(python: Path, path: Path, *, deployments: int, seed: int, now: str) -> list[str]:
    """`python -m seed generate` of a new store at `path`."""
    return [
        str(python),
        "-m",
        "seed",
        "generate",
        "--deployments",
        str(deployments),
        "--seed",
        str(seed),
        "--now",
        now,
        "--database-url",
        f"sqlite+aiosqlite:///{path}",
        "--reset",
    ]


def timed_seed(repo: Path, command: list[str], log: Path) -> float:
    """Run a seed command, its output into `log`; the wall time it took."""
    began = time.perf_counter()
    with log.open("wb") as output:
        subprocess.run(
            command, cwd=repo, stdin=subprocess.DEVNULL, stdout=output, stderr=output, check=True
        )
    return time.perf_counter() - began


def remove_store(path: Path) -> None:
    """A SQLite file and its journals."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def count_rows(path: Path, table: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        (count,) = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return int(count)


def raw_executemany(store: Path, target: Path) -> dict[str, Any]:
    """Write every row of `store` into a new SQLite file with the same schema, with plain
    sqlite3: tables, one executemany per table in one transaction, then the indexes, with the
    store's pragmas (WAL, synchronous NORMAL); no ORM, no facts to compute. Only writing is timed.
    """
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        schema = source.execute(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        tables = [(name, sql) for kind, name, sql in schema if kind == "table"]
        indexes = [sql for kind, _name, sql in schema if kind == "index"]
        rows = {name: source.execute(f'SELECT * FROM "{name}"').fetchall() for name, _ in tables}
    finally:
        source.close()
    remove_store(target)
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        began = time.perf_counter()
        connection.execute("BEGIN")
        for name, sql in tables:
            connection.execute(sql)
            if rows[name]:
                marks = ", ".join("?" * len(rows[name][0]))
                connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows[name])
        for sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        seconds = time.perf_counter() - began
    finally:
        connection.close()
    remove_store(target)
    return {"seconds": seconds, "rows": {name: len(values) for name, values in rows.items()}}
