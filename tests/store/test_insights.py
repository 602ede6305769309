"""The store feeders of the insights core, on a small hand-made store with hand-computed answers.

Space 1: projects Shop and Api (group Web); channels Shop/Default, Shop/Hotfix, Api/Default;
environments Test and Production; tenant Acme (Region/Europe). Space 2 holds one deployment that
must never show up. Now is Wednesday 13 March 2024, 12:00 UTC.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.deployments import Outcome
from gateway.insights.errors import NotFound
from gateway.insights.metrics import (
    CountStats,
    DurationStats,
    FailureRate,
    Granularity,
    MetricsQuery,
    Split,
    TimeRange,
)
from gateway.insights.report import Report, TenantMode
from gateway.insights.streams import DeploymentView
from gateway.insights.ticks import TICKS_PER_HOUR, TICKS_PER_SECOND, parse_timestamp
from gateway.store import models
from gateway.store.catalogue import load_catalogue
from gateway.store.columns import SpaceColumns
from gateway.store.generation import bump_generation
from gateway.store.metrics import report_metrics
from gateway.store.streams import report_streams
from gateway.store.watch import StoreWatch
from tests.insights.reference import Row, reference_metrics
from tests.store.small_store import fill_small_store, table

H = TICKS_PER_HOUR
NOW = parse_timestamp("2024-03-13T12:00:00Z")
REPORT = Report(id="InsightsReports-1", space_id="Spaces-1", name="All of it")


@pytest.fixture
async def store(engine: AsyncEngine) -> AsyncEngine:
    return await fill_small_store(engine)


async def test_load_catalogue(store: AsyncEngine) -> None:
    async with store.connect() as conn:
        catalogue = await load_catalogue(conn, space_id=1)
        with pytest.raises(NotFound, match="'Spaces-9'"):
            await load_catalogue(conn, space_id=9)
    assert {p.name for p in catalogue.projects.values()} == {"Shop", "Api"}
    assert catalogue.tenants[1].tags == ("Region/Europe",)
    assert catalogue.tag_sets[1].tags[0].name == "Europe"
    assert set(catalogue.environments) == {1, 2}


WEEKS = (
    date(2024, 2, 11),
    date(2024, 2, 18),
    date(2024, 2, 25),
    date(2024, 3, 3),
    date(2024, 3, 10),
)


@pytest.fixture(params=["one-query", "space-columns"])
def columns(request: pytest.FixtureRequest) -> SpaceColumns | None:
    """Metrics from one query over the window, or from the space's cached columns."""
    return SpaceColumns() if request.param == "space-columns" else None


async def test_report_metrics_all(store: AsyncEngine, columns: SpaceColumns | None) -> None:
    query = MetricsQuery(time_range=TimeRange.LastMonth, granularity=Granularity.Weekly)
    async with store.connect() as conn:
        metrics = await report_metrics(conn, report=REPORT, query=query, now=NOW, columns=columns)
    [series] = metrics.series
    assert series.name == "All"
    assert tuple(i.start for i in series.intervals) == WEEKS
    assert all(i.failure_rate.total == 0 for i in series.intervals[:3])
    week, last = series.intervals[3], series.intervals[4]
    # 3-9 March: 2 failed (2; 4 with guided failure), 2 successful (5, 8); 3 timed out.
    assert week.failure_rate == FailureRate(2, 1, 1, 4, 2, 0.5)
    # Lead times: 5 from release 1.1 (1 March) = 130 h; 8 from its own 1.1-hotfix = 34 h.
    # NinetyFifth = 34 + 0.95 x 96 = 125.2 h.
    assert week.lead_time == DurationStats(
        2, 82 * H, 82 * H, 34 * H, 130 * H, 125 * H + 12 * 60 * TICKS_PER_SECOND
    )
    # 5 follows 1 (15 January 2023): 416 days and 10 hours.
    assert week.time_since_previous_deployment == DurationStats(1, *[9994 * H] * 5)
    assert week.time_to_recovery == DurationStats(1, *[48 * H] * 5)
    assert week.deployments_until_recovery == CountStats(1, *[2.0] * 5)
    # 10-16 March: 10 (lead 202 h; canceled 9 neither breaks nor recovers),
    # 11 (216 h + 0.1234567 s).
    assert last.failure_rate == FailureRate(2, 0, 0, 2, 0, 0.0)
    assert last.lead_time == DurationStats(
        2, 209 * H, 209 * H, 202 * H, 216 * H, 215 * H + 18 * 60 * TICKS_PER_SECOND
    )
    assert last.time_since_previous_deployment == DurationStats(0)
    assert last.time_to_recovery == DurationStats(0)


@pytest.mark.parametrize(
    ("report", "split", "expected"),
    [
        pytest.param(REPORT, Split.Project, [("Api", (0, 0, 0, 0, 2)), ("Shop", (0, 0, 0, 2, 0))],
                     id="project"),
        pytest.param(REPORT, Split.Tenant, [("Acme", (0, 0, 0, 0, 1)),
                                            ("Untenanted", (0, 0, 0, 2, 1))], id="tenant"),
        pytest.param(replace(REPORT, project_ids=("Projects-2",)), Split.None_,
                     [("All", (0, 0, 0, 0, 2))], id="report-of-one-project"),
        pytest.param(replace(REPORT, tenant_mode=TenantMode.TENANTED), Split.None_,
                     [("All", (0, 0, 0, 0, 1))], id="tenanted-only"),
    ],
)  # fmt: skip
async def test_report_metrics_scope_and_splits(
    store: AsyncEngine,
    report: Report,
    split: Split,
    expected: list[tuple[str, tuple[int, ...]]],
    columns: SpaceColumns | None,
) -> None:
    query = MetricsQuery(split=split, time_range=TimeRange.LastMonth)
    async with store.connect() as conn:
        metrics = await report_metrics(conn, report=report, query=query, now=NOW, columns=columns)
    assert [
        (s.name, tuple(i.successful_deployments for i in s.intervals)) for s in metrics.series
    ] == expected


def view(id_: int, version: str, state: str, completed: str, **facts: Any) -> DeploymentView:
    return DeploymentView(
        id=id_, release_version=version, task_state=state, completed=parse_timestamp(completed),
        had_guided_failure=facts.pop("guided", False), **facts,
    )  # fmt: skip


async def test_report_streams(store: AsyncEngine) -> None:
    async with store.connect() as conn:
        streams = await report_streams(conn, report=REPORT, now=NOW)
    assert [
        (s.project_name, s.channel_name, s.environment_name, s.tenant_name) for s in streams
    ] == [
        ("Api", "Default", "Production", None),
        ("Api", "Default", "Test", "Acme"),
        ("Shop", "Default", "Production", None),
        ("Shop", "Hotfix", "Production", None),
    ]
    assert streams[0].deployments == (
        view(11, "2.0", "Success", "2024-03-11T00:00:00.1234567Z",
             lead_time=216 * H + 1_234_567, lead_time_from_version="2.0"),
    )  # fmt: skip
    assert streams[1].deployments == (
        view(9, "2.0", "Canceled", "2024-03-10T09:00:00Z"),
        view(10, "2.0", "Success", "2024-03-10T10:00:00Z",
             lead_time=202 * H, lead_time_from_version="2.0"),
    )  # fmt: skip
    # Deployment 1 is older than the window but is still 5's previous success.
    assert streams[2].deployments == (
        view(2, "1.1", "Failed", "2024-03-04T10:00:00Z"),
        view(3, "1.1", "TimedOut", "2024-03-04T11:00:00Z"),
        view(4, "1.2", "Success", "2024-03-05T10:00:00Z", guided=True),
        view(5, "1.2", "Success", "2024-03-06T10:00:00Z",
             lead_time=130 * H, lead_time_from_version="1.1",
             time_since_previous_success=9994 * H, previous_successful_deployment_id=1,
             time_to_recovery=48 * H, deployments_until_recovery=2,
             recovered_from_deployment_id=2, recovered_from_release_version="1.1"),
    )  # fmt: skip
    assert [d.id for d in streams[3].deployments] == [8]


@pytest.mark.parametrize(
    ("report", "options", "expected"),
    [
        pytest.param(REPORT, {"environment_ids": frozenset({1})}, [[9, 10]], id="environment"),
        pytest.param(REPORT, {"tenant_ids": frozenset({1})}, [[9, 10]], id="tenant"),
        pytest.param(replace(REPORT, tenant_mode=TenantMode.UNTENANTED),
                     {"project_ids": frozenset({2})}, [[11]], id="untenanted-project"),
        pytest.param(REPORT, {"start": parse_timestamp("2024-03-06T00:00:00Z"),
                              "end": parse_timestamp("2024-03-10T09:30:00Z")},
                     [[9], [5], [8]], id="explicit-window"),
        pytest.param(REPORT, {"start": parse_timestamp("2023-01-01T00:00:00Z"),
                              "end": parse_timestamp("2023-12-31T00:00:00Z")},
                     [[1]], id="old-history-window"),
    ],
)  # fmt: skip
async def test_report_streams_filters(
    store: AsyncEngine, report: Report, options: dict[str, Any], expected: list[list[int]]
) -> None:
    async with store.connect() as conn:
        streams = await report_streams(conn, report=report, now=NOW, **options)
    assert [[d.id for d in s.deployments] for s in streams] == expected


@pytest.mark.parametrize("split", list(Split))
async def test_report_metrics_agree_with_reference(
    store: AsyncEngine, split: Split, columns: SpaceColumns | None
) -> None:
    async with store.connect() as conn:
        catalogue = await load_catalogue(conn, space_id=1)
        streams = await report_streams(conn, report=REPORT, now=NOW)
        rows = [
            Row(d.completed, _outcome(d), s.project_id, s.environment_id, s.tenant_id, d.lead_time,
                d.time_since_previous_success, d.time_to_recovery, d.deployments_until_recovery)
            for s in streams
            for d in s.deployments
        ]  # fmt: skip
        for time_range in TimeRange:
            for granularity in Granularity:
                query = MetricsQuery(split, 1, time_range, granularity)
                metrics = await report_metrics(
                    conn, report=REPORT, query=query, now=NOW, columns=columns
                )
                expected = reference_metrics(
                    rows, report=REPORT, catalogue=catalogue, query=query, now=NOW
                )
                assert metrics == expected, (time_range, granularity)


def _outcome(deployment: DeploymentView) -> Outcome:
    if deployment.task_state == "Failed":
        return Outcome.FAILED
    if deployment.task_state != "Success":
        return Outcome.NOT_COUNTED
    return (
        Outcome.SUCCESS_WITH_GUIDED_FAILURE if deployment.had_guided_failure else Outcome.SUCCESSFUL
    )


async def test_space_columns_are_read_again_when_the_generation_changes(
    store: AsyncEngine,
) -> None:
    columns = SpaceColumns()
    watch = StoreWatch(store, caches=[], columns=columns)
    query = MetricsQuery(time_range=TimeRange.LastMonth, granularity=Granularity.Weekly)

    async def successful() -> int:
        await watch.read()
        async with store.connect() as conn:
            metrics = await report_metrics(
                conn, report=REPORT, query=query, now=NOW, columns=columns
            )
        return sum(i.successful_deployments for s in metrics.series for i in s.intervals)

    before = await successful()
    deployments = table(models.Deployment)
    async with store.begin() as conn:
        await conn.execute(
            deployments.update().where(deployments.c.id == 11).values(task_state="Failed")
        )
    # Changed without raising the generation: the columns read before still answer.
    assert (await successful(), columns.reads) == (before, 1)
    async with store.begin() as conn:
        await bump_generation(conn)
    assert (await successful(), columns.reads) == (before - 1, 2)
    watch.close()
