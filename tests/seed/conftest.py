"""A small generated company, made once per session, and helpers to read its data file."""

from __future__ import annotations

import asyncio
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateway.insights.ticks import parse_timestamp
from gateway.store.engine import create_engine
from seed.datafile import export_store
from seed.generator import generate_into

NOW = "2026-11-26T12:00:00Z"
SMALL = 2_000


@dataclass(frozen=True)
class Generated:
    url: str
    text: str
    document: dict[str, Any]


async def generate_and_export(
    url: str, *, seed: int = 7, deployments: int = SMALL, separate_process: bool | None = None
) -> str:
    engine = create_engine(url)
    try:
        await generate_into(
            engine,
            seed=seed,
            deployments=deployments,
            now=parse_timestamp(NOW),
            separate_process=separate_process,
        )
        out = io.StringIO()
        await export_store(engine, out)
        return out.getvalue()
    finally:
        await engine.dispose()


async def export_text(url: str) -> str:
    engine = create_engine(url)
    try:
        out = io.StringIO()
        await export_store(engine, out)
        return out.getvalue()
    finally:
        await engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    url = sqlite_url(tmp_path_factory.mktemp("generated") / "store.db")
    text = asyncio.run(generate_and_export(url))
    return Generated(url=url, text=text, document=json.loads(text))
