"""Reports in the store: writes in the caller's transaction, validated first, ids never reused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.errors import Invalid, NotFound
from gateway.insights.report import EnvironmentGroup, ReportDraft, TenantMode
from gateway.store.engine import session_factory
from gateway.store.generation import read_generation
from gateway.store.models import Environment, InsightsReport, Project, ProjectGroup, Space
from gateway.store.reports import (
    create_report,
    delete_report,
    get_report,
    list_reports,
    set_report_icon,
    update_report,
)


@pytest.fixture
async def sessions(engine: AsyncEngine):  # type: ignore[no-untyped-def]
    factory = session_factory(engine)
    async with factory() as session:
        session.add_all([Space(id=1, name="Default"), Space(id=2, name="Other")])
        await session.flush()
        session.add_all(
            [
                ProjectGroup(id=1, space_id=1, name="Web"),
                ProjectGroup(id=2, space_id=2, name="Elsewhere"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                Project(id=1, space_id=1, name="Shop", project_group_id=1),
                Environment(id=1, space_id=1, name="Test", sort_order=1),
                Environment(id=2, space_id=1, name="Production", sort_order=2),
                Environment(id=3, space_id=2, name="Elsewhere", sort_order=1),
            ]
        )
        await session.commit()
    return factory


def draft(name: str, **changes: object) -> ReportDraft:
    fields: dict[str, object] = {"space_id": "Spaces-1", "name": name}
    fields.update(changes)
    return ReportDraft(**fields)  # type: ignore[arg-type]


async def report_count(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(InsightsReport)) or 0)


async def test_create_read_list_update_delete(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        created = await create_report(
            session,
            space_id=1,
            draft=draft(
                "zeta",
                project_ids=("Projects-1",),
                tenant_mode="Untenanted",
                environment_groups=(EnvironmentGroup("Prod", ("Environments-2",)),),
                time_zone="AUS Eastern Standard Time",
            ),
        )
        await create_report(session, space_id=1, draft=draft("Alpha"))
    assert created.id == "InsightsReports-1"
    assert created.tenant_mode is TenantMode.UNTENANTED
    assert created.time_zone == "AUS Eastern Standard Time"

    async with sessions.begin() as session:
        total, page = await list_reports(session, space_id=1, skip=0, take=30)
        assert (total, [r.name for r in page]) == (2, ["Alpha", "zeta"])
        total, page = await list_reports(session, space_id=1, skip=1, take=0)
        assert (total, page) == (2, [])
        assert await get_report(session, space_id=1, report_id=1) == created

        updated = await update_report(
            session,
            space_id=1,
            report_id=1,
            draft=draft("Zeta 2", description="d"),
            body_report_id="InsightsReports-1",
        )
        assert (updated.name, updated.description, updated.project_ids) == ("Zeta 2", "d", ())
        with_icon = await set_report_icon(
            session, space_id=1, report_id=1, icon_id="map-signs", icon_color="#3CA4F3"
        )
        assert (with_icon.icon_id, with_icon.icon_color) == ("map-signs", "#3CA4F3")

        await delete_report(session, space_id=1, report_id=1)
        with pytest.raises(NotFound, match="InsightsReports-1"):
            await get_report(session, space_id=1, report_id=1)


async def test_deleted_ids_are_never_reused(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        first = await create_report(session, space_id=1, draft=draft("one"))
        second = await create_report(session, space_id=1, draft=draft("two"))
        await delete_report(session, space_id=1, report_id=2)
        third = await create_report(session, space_id=1, draft=draft("three"))
    assert [first.id, second.id, third.id] == [
        "InsightsReports-1",
        "InsightsReports-2",
        "InsightsReports-3",
    ]


async def test_highest_imported_report_deleted_before_any_create(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        session.add(InsightsReport(id=7, space_id=1, name="imported"))
    async with sessions.begin() as session:
        await delete_report(session, space_id=1, report_id=7)
        created = await create_report(session, space_id=1, draft=draft("new"))
    assert created.id == "InsightsReports-8"


async def test_invalid_create_lists_every_problem_and_writes_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        await create_report(session, space_id=1, draft=draft("Taken"))
    async with sessions.begin() as session:
        with pytest.raises(Invalid) as raised:
            await create_report(
                session,
                space_id=1,
                draft=draft(
                    "taken",
                    project_ids=("Projects-99",),
                    environment_groups=(EnvironmentGroup("Elsewhere", ("Environments-3",)),),
                    time_zone="Mars/Olympus",
                ),
            )
    text = "\n".join(raised.value.problems)
    assert len(raised.value.problems) >= 4
    for value in ("taken", "Projects-99", "Environments-3", "Mars/Olympus"):
        assert value in text
    assert await report_count(sessions) == 1


async def test_invalid_update_changes_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        await create_report(session, space_id=1, draft=draft("Keep", description="kept"))
    async with sessions.begin() as session:
        with pytest.raises(Invalid):
            await update_report(
                session,
                space_id=1,
                report_id=1,
                draft=draft("Changed", time_zone="Nowhere/Special"),
                body_report_id="InsightsReports-1",
            )
    async with sessions.begin() as session:
        kept = await get_report(session, space_id=1, report_id=1)
    assert (kept.name, kept.description) == ("Keep", "kept")


async def test_report_of_another_space_is_not_found(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        await create_report(session, space_id=1, draft=draft("Mine"))
        with pytest.raises(NotFound):
            await get_report(session, space_id=2, report_id=1)
        with pytest.raises(NotFound, match="Spaces-9"):
            await list_reports(session, space_id=9, skip=0, take=30)


async def test_every_write_raises_the_generation(sessions) -> None:  # type: ignore[no-untyped-def]
    async def generation() -> int:
        async with sessions.begin() as session:
            return await read_generation(session)

    before = await generation()
    async with sessions.begin() as session:
        await create_report(session, space_id=1, draft=draft("one"))
    after_create = await generation()
    async with sessions.begin() as session:
        await update_report(
            session, space_id=1, report_id=1, draft=draft("two"), body_report_id="InsightsReports-1"
        )
    after_update = await generation()
    async with sessions.begin() as session:
        with pytest.raises(Invalid):
            await create_report(session, space_id=1, draft=draft("two"))
    after_failure = await generation()
    async with sessions.begin() as session:
        await delete_report(session, space_id=1, report_id=1)
    after_delete = await generation()
    assert before < after_create < after_update == after_failure < after_delete
