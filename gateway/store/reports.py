"""Insights reports in the store: list, read, create, update and delete.

Writes validate with the core's one report validator first; a failure raises before anything
is written. A write runs in the caller's transaction and does not commit: the caller commits
once it has its answer in hand (`async with sessions.begin() as session:`), so that nothing
failing after the write, not even shaping the answer, leaves it committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Executable, String, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.insights.errors import NotFound
from gateway.insights.ids import Kind, format_id
from gateway.insights.report import EnvironmentGroup, Report, ReportDraft, TenantMode
from gateway.insights.validation import validate_report
from gateway.store.catalogue import load_catalogue
from gateway.store.generation import bump_generation, reports_changed
from gateway.store.models import InsightsReport, Space, StoreInfo

_LAST_REPORT_ID = "last_id:InsightsReports"

_report = InsightsReport.__table__  # type: ignore[attr-defined]
_info = StoreInfo.__table__  # type: ignore[attr-defined]


def report_from_row(row: InsightsReport) -> Report:
    """The core's view of a stored report."""
    return Report(
        id=format_id(Kind.INSIGHTS_REPORT, row.id),
        space_id=format_id(Kind.SPACE, row.space_id),
        name=row.name,
        description=row.description,
        project_group_ids=tuple(row.project_group_ids),
        project_ids=tuple(row.project_ids),
        tenant_ids=tuple(row.tenant_ids),
        tenant_tags=tuple(row.tenant_tags),
        tenant_mode=TenantMode(row.tenant_mode),
        environment_groups=tuple(
            EnvironmentGroup(group["Name"], tuple(group["Environments"]))
            for group in row.environment_groups
        ),
        time_zone=row.time_zone,
        icon_id=row.icon_id,
        icon_color=row.icon_color,
    )


def _columns(draft: ReportDraft) -> dict[str, Any]:
    return {
        "name": draft.name,
        "description": draft.description,
        "project_group_ids": list(draft.project_group_ids),
        "project_ids": list(draft.project_ids),
        "tenant_ids": list(draft.tenant_ids),
        "tenant_tags": list(draft.tenant_tags),
        "tenant_mode": TenantMode(draft.tenant_mode).value,
        "environment_groups": [
            {"Name": group.name, "Environments": list(group.environments)}
            for group in draft.environment_groups
        ],
        "time_zone": draft.time_zone,
    }


async def get_space(session: AsyncSession, *, space_id: int) -> Space:
    """The space, or NotFound."""
    space = await session.get(Space, space_id)
    if space is None:
        raise NotFound(f"There is no space with id {format_id(Kind.SPACE, space_id)}.")
    return space


async def list_reports(
    session: AsyncSession, *, space_id: int, skip: int, take: int
) -> tuple[int, list[Report]]:
    """(total in the space, one page) ordered by name ignoring case, then id number."""
    await get_space(session, space_id=space_id)
    total = await session.scalar(
        select(func.count()).select_from(_report).where(_report.c.space_id == space_id)
    )
    rows: Sequence[InsightsReport] = []
    if take > 0:
        rows = (
            (
                await session.execute(
                    select(InsightsReport)
                    .where(_report.c.space_id == space_id)
                    .order_by(func.lower(_report.c.name), _report.c.id)
                    .offset(skip)
                    .limit(take)
                )
            )
            .scalars()
            .all()
        )
    return int(total or 0), [report_from_row(row) for row in rows]


async def get_report(session: AsyncSession, *, space_id: int, report_id: int) -> Report:
    """The report, or NotFound (also when it belongs to another space)."""
    return report_from_row(await _row(session, space_id=space_id, report_id=report_id))


async def _row(session: AsyncSession, *, space_id: int, report_id: int) -> InsightsReport:
    await get_space(session, space_id=space_id)
    row = await session.get(InsightsReport, report_id)
    if row is None or row.space_id != space_id:
        raise NotFound(
            f"There is no insights report with id {format_id(Kind.INSIGHTS_REPORT, report_id)} "
            f"in {format_id(Kind.SPACE, space_id)}."
        )
    return row


async def _taken_names(session: AsyncSession, *, space_id: int, except_id: int | None) -> set[str]:
    query = select(_report.c.name).where(_report.c.space_id == space_id)
    if except_id is not None:
        query = query.where(_report.c.id != except_id)
    return set((await session.execute(query)).scalars().all())


async def _validate(
    session: AsyncSession,
    *,
    space_id: int,
    draft: ReportDraft,
    report_id: int | None = None,
    body_report_id: str | None = None,
) -> None:
    catalogue = await load_catalogue(await session.connection(), space_id=space_id)
    validate_report(
        draft,
        catalogue,
        path_space_id=format_id(Kind.SPACE, space_id),
        path_report_id=None if report_id is None else format_id(Kind.INSIGHTS_REPORT, report_id),
        body_report_id=body_report_id,
        taken_names=await _taken_names(session, space_id=space_id, except_id=report_id),
    )


def _counter_if_absent(session: AsyncSession) -> Executable:
    """INSERT of the report id counter at 0, doing nothing when it exists."""
    row = {"key": _LAST_REPORT_ID, "value": "0"}
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(_info).values(row).on_conflict_do_nothing(index_elements=["key"])
    return sqlite_insert(_info).values(row).on_conflict_do_nothing(index_elements=["key"])


async def _lock_report_writes(session: AsyncSession) -> None:
    """Serialize report writes, before they read what validation and the id counter need.

    On SQLite the INSERT (even one that does nothing) takes the database's write lock; on
    PostgreSQL the counter row stays locked FOR UPDATE until commit, so that under READ COMMITTED
    a writer that waited reads the names and the counter its predecessor committed.
    """
    await session.execute(_counter_if_absent(session))
    await session.execute(
        select(_info.c.value).where(_info.c.key == _LAST_REPORT_ID).with_for_update()
    )


async def _advance_counter(session: AsyncSession, *, at_least: int) -> int:
    """Bump the report id counter (under `_lock_report_writes`) and return it, never below
    `at_least`."""
    await session.execute(
        update(_info)
        .where(_info.c.key == _LAST_REPORT_ID)
        .values(value=cast(cast(_info.c.value, BigInteger) + 1, String))
    )
    counter = int(
        await session.scalar(select(_info.c.value).where(_info.c.key == _LAST_REPORT_ID)) or 0
    )
    if counter < at_least:
        await session.execute(
            update(_info).where(_info.c.key == _LAST_REPORT_ID).values(value=str(at_least))
        )
        counter = at_least
    return counter


async def _remember_used(session: AsyncSession, *, number: int) -> None:
    """Raise the report id counter to `number` when it is lower (or absent)."""
    await session.execute(_counter_if_absent(session))
    await session.execute(
        update(_info)
        .where(_info.c.key == _LAST_REPORT_ID, cast(_info.c.value, BigInteger) < number)
        .values(value=str(number))
    )


async def _next_report_id(session: AsyncSession) -> int:
    """A report number never used before, even by a deleted or an imported report."""
    highest = await session.scalar(select(func.coalesce(func.max(_report.c.id), 0)))
    return await _advance_counter(session, at_least=int(highest or 0) + 1)


async def create_report(session: AsyncSession, *, space_id: int, draft: ReportDraft) -> Report:
    """Validate and store a new report as `InsightsReports-N`."""
    await _lock_report_writes(session)
    await get_space(session, space_id=space_id)
    await _validate(session, space_id=space_id, draft=draft)
    row = InsightsReport(id=await _next_report_id(session), space_id=space_id, **_columns(draft))
    session.add(row)
    await bump_generation(session, reports_changed(space_id, row.id))
    await session.flush()
    return report_from_row(row)


async def update_report(
    session: AsyncSession,
    *,
    space_id: int,
    report_id: int,
    draft: ReportDraft,
    body_report_id: str | None,
) -> Report:
    """Validate and replace a report's properties (its icon stays)."""
    await _lock_report_writes(session)
    row = await _row(session, space_id=space_id, report_id=report_id)
    await _validate(
        session, space_id=space_id, draft=draft, report_id=report_id, body_report_id=body_report_id
    )
    for name, value in _columns(draft).items():
        setattr(row, name, value)
    await bump_generation(session, reports_changed(space_id, row.id))
    await session.flush()
    return report_from_row(row)


async def delete_report(session: AsyncSession, *, space_id: int, report_id: int) -> None:
    row = await _row(session, space_id=space_id, report_id=report_id)
    # The counter keeps the deleted number, so that the next report cannot take it again.
    await _remember_used(session, number=row.id)
    await session.delete(row)
    await bump_generation(session, reports_changed(space_id, row.id))
    await session.flush()


async def set_report_icon(
    session: AsyncSession,
    *,
    space_id: int,
    report_id: int,
    icon_id: str | None,
    icon_color: str | None,
) -> Report:
    row = await _row(session, space_id=space_id, report_id=report_id)
    row.icon_id = icon_id
    row.icon_color = icon_color
    await bump_generation(session, reports_changed(space_id, row.id))
    await session.flush()
    return report_from_row(row)
