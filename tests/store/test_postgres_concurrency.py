"""Report writes that race each other: ids stay unique and names stay unique, whatever the
database (SQLite here by default; PostgreSQL under READ COMMITTED with `make test-postgres`).

Each writer has its own session, so on PostgreSQL each is its own connection and transaction.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.insights.errors import Invalid
from gateway.insights.report import Report, ReportDraft
from gateway.store.engine import create_engine, session_factory
from gateway.store.models import InsightsReport, Space
from gateway.store.reports import create_report, delete_report

WRITERS = 100


@pytest.fixture
async def sessions(engine: AsyncEngine, database_url: str):  # type: ignore[no-untyped-def]
    async with session_factory(engine)() as session:
        session.add_all([Space(id=1, name="Default"), Space(id=2, name="Other")])
        await session.commit()
    # Enough connections that every writer is in its transaction at once.
    wide = create_engine(database_url, pool_size=WRITERS, max_overflow=0)
    yield session_factory(wide)
    await wide.dispose()


async def _create(
    sessions: async_sessionmaker[AsyncSession], space: int, name: str
) -> Report | Invalid:
    async with sessions.begin() as session:
        try:
            return await create_report(
                session, space_id=space, draft=ReportDraft(space_id=f"Spaces-{space}", name=name)
            )
        except Invalid as error:
            return error


async def _stored(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int, int, str]]:
    async with sessions.begin() as session:
        rows = await session.execute(
            select(InsightsReport.id, InsightsReport.space_id, InsightsReport.name)  # type: ignore[call-overload]
        )
        return sorted(tuple(row) for row in rows)


async def test_concurrent_creates_get_unique_ids_and_lose_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    # Both spaces at once: the id counter is shared by every space, and starts absent.
    results = await asyncio.gather(
        *(_create(sessions, 1 + number % 2, f"Report {number}") for number in range(WRITERS))
    )
    assert all(isinstance(result, Report) for result in results), results
    ids = sorted(int(result.id.removeprefix("InsightsReports-")) for result in results)  # type: ignore[union-attr]
    assert ids == list(range(1, WRITERS + 1))
    stored = await _stored(sessions)
    assert [row[0] for row in stored] == ids
    assert {row[2] for row in stored} == {f"Report {number}" for number in range(WRITERS)}


async def test_concurrent_creates_of_one_name_keep_one(sessions) -> None:  # type: ignore[no-untyped-def]
    results = await asyncio.gather(*(_create(sessions, 1, "Same") for _ in range(20)))
    created = [result for result in results if isinstance(result, Report)]
    refused = [result for result in results if isinstance(result, Invalid)]
    assert len(created) == 1
    assert len(refused) == 19
    assert all("Same" in " ".join(error.problems) for error in refused)
    assert [row[2] for row in await _stored(sessions)] == ["Same"]


async def test_ids_are_not_reused_after_concurrent_deletes(sessions) -> None:  # type: ignore[no-untyped-def]
    first = await asyncio.gather(*(_create(sessions, 1, f"First {n}") for n in range(10)))

    async def delete(report: Report) -> None:
        async with sessions.begin() as session:
            await delete_report(
                session,
                space_id=1,
                report_id=int(report.id.removeprefix("InsightsReports-")),
            )

    await asyncio.gather(*(delete(report) for report in first))  # type: ignore[arg-type]
    again = await asyncio.gather(*(_create(sessions, 2, f"Again {n}") for n in range(10)))
    assert sorted(report.id for report in again) == sorted(  # type: ignore[union-attr]
        f"InsightsReports-{n}" for n in range(11, 21)
    )
