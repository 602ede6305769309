"""A seeded demo store for the end-to-end checks, and every `/metrics` question about its reports.

`now` is chosen so that the windows hold corners: 13:30 UTC on 29 March 2026 is already
30 March in Sydney (the report "Australian Enterprise Customers"), Europe changed to summer
time that morning, and one month back clamps to 28 February.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.insights.ids import Kind, parse_id
from gateway.insights.metrics import Granularity, MetricsQuery, Split, TimeRange
from gateway.insights.report import Report
from gateway.insights.ticks import parse_timestamp
from gateway.store.engine import create_engine, prepare_store, session_factory
from gateway.store.reports import list_reports
from seed.generator import generate_into

SEED = 11
DEPLOYMENTS = 4_000
NOW = parse_timestamp("2026-03-29T13:30:00.1234567Z")
EVERY_REPORT = 2_147_483_647


def seed_store(directory: Path) -> str:
    """A SQLite store in `directory` holding the seeded demo; its URL."""
    url = f"sqlite+aiosqlite:///{directory / 'seeded.db'}"

    async def fill() -> None:
        engine = create_engine(url)
        try:
            await prepare_store(engine)
            await generate_into(engine, seed=SEED, deployments=DEPLOYMENTS, now=NOW)
        finally:
            await engine.dispose()

    asyncio.run(fill())
    return url


@dataclass(frozen=True)
class SeededDemo:
    """A seeded store's URL and every report in it."""

    url: str
    reports: list[SeededReport]


def seeded_demo(directory: Path) -> SeededDemo:
    """A seeded demo store in `directory`, with its reports read back."""
    url = seed_store(directory)
    return SeededDemo(url, asyncio.run(seeded_reports(url)))


@dataclass(frozen=True)
class SeededReport:
    report: Report
    tag_set_ids: tuple[int, ...]
    """The tag sets of the report's space, each a TenantTagSet split."""


async def seeded_reports(url: str) -> list[SeededReport]:
    """Every report of every space of the store, with its space's tag sets."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            spaces = (await connection.execute(text("SELECT id FROM space ORDER BY id"))).all()
            tag_sets = await _tag_sets(connection)
        found: list[SeededReport] = []
        async with session_factory(engine)() as session:
            for (space,) in spaces:
                _, reports = await list_reports(session, space_id=space, skip=0, take=EVERY_REPORT)
                found.extend(SeededReport(r, tag_sets.get(space, ())) for r in reports)
        return found
    finally:
        await engine.dispose()


async def _tag_sets(connection: AsyncConnection) -> dict[int, tuple[int, ...]]:
    rows = (await connection.execute(text("SELECT space_id, id FROM tag_set ORDER BY id"))).all()
    by_space: dict[int, tuple[int, ...]] = {}
    for space, tag_set in rows:
        by_space[space] = (*by_space.get(space, ()), tag_set)
    return by_space


def split_queries(seeded: SeededReport, split: Split) -> Iterator[tuple[int | None, Split]]:
    """The (tag set, split) pairs of a split: one per tag set of the space for TenantTagSet."""
    if split is Split.TenantTagSet:
        for tag_set in seeded.tag_set_ids:
            yield tag_set, split
    else:
        yield None, split


def metrics_queries(
    seeded: SeededReport, split: Split, time_range: TimeRange
) -> list[MetricsQuery]:
    """Every granularity of one split (each tag set for TenantTagSet) and time range."""
    return [
        MetricsQuery(
            split=split,
            tenant_tag_set_id=tag_set,
            time_range=time_range,
            granularity=granularity,
        )
        for tag_set, split in split_queries(seeded, split)
        for granularity in Granularity
    ]


def space_number(report: Report) -> int:
    number = parse_id(Kind.SPACE, report.space_id)
    assert number is not None
    return number
