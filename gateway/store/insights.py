"""The queries that feed the insights core: a report's deployments as columns or as streams
(its space's catalogue: `gateway.store.catalogue`). Each takes an `AsyncConnection` or an
`AsyncSession` (only `execute` is used).

Metrics read only the columns aggregation needs, in one query, straight into numpy arrays; the
facts are already materialized in `deployment` (see `gateway.store.facts`), so no history older
than the window is read. The query answers integers only (nulls as `_NULL`), taken from the
driver's cursor without building a result row per deployment.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.insights.aggregation import DeploymentColumns, compute_metrics
from gateway.insights.catalogue import EnvironmentInfo, ProjectInfo, SpaceCatalogue, TenantInfo
from gateway.insights.deployments import COUNTED_STATES, FINISHED_STATES, Outcome, TaskState
from gateway.insights.ids import Kind, format_id
from gateway.insights.metrics import Metrics, MetricsQuery
from gateway.insights.report import Report
from gateway.insights.scope import NO_TENANT, ReportScope, resolve_scope
from gateway.insights.streams import DeploymentView, StreamKey, StreamView, assemble_streams
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import metrics_window, streams_window
from gateway.store.catalogue import Executor, report_catalogue, rows_of
from gateway.store.generation import read_generation
from gateway.store.models import Channel, Deployment, Release

_channel = Channel.__table__  # type: ignore[attr-defined]
_release = Release.__table__  # type: ignore[attr-defined]
_deployment = Deployment.__table__  # type: ignore[attr-defined]

_COUNTED = sorted(state.value for state in COUNTED_STATES)
_NULL = 1 << 62
"""Stands for a null fact in the metrics query: no duration in ticks (14,000 years) or count
reaches it."""
_FINISHED = sorted(state.value for state in FINISHED_STATES)


def _in_window(
    statement: Select[Any], scope: ReportScope, catalogue: SpaceCatalogue, start: int, end: int
) -> Select[Any]:
    statement = statement.where(
        _deployment.c.space_id == catalogue.space_id,
        _deployment.c.completed_time >= start,
        _deployment.c.completed_time <= end,
    )
    # Only narrow by project in SQL when it helps: a report over every project needs no list.
    if scope.project_ids != catalogue.projects.keys():
        statement = statement.where(_deployment.c.project_id.in_(sorted(scope.project_ids)))
    return statement


class SpaceColumns:
    """Every counted deployment of a space as columns sorted by completion time, read once per
    store generation and shared by every metrics request; at most `max_spaces` spaces are held
    (about 65 bytes a deployment)."""

    def __init__(self, *, max_spaces: int = 4) -> None:
        self.max_spaces = max_spaces
        self._held: OrderedDict[int, tuple[int, DeploymentColumns]] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.reads = 0

    def clear(self) -> None:
        self._held.clear()

    def held(self, space_id: int, generation: int) -> DeploymentColumns | None:
        """The space's columns when they are held for this generation (no query)."""
        found = self._held.get(space_id)
        return found[1] if found is not None and found[0] == generation else None

    async def of_space(self, conn: Executor, *, space_id: int) -> DeploymentColumns:
        generation = await read_generation(conn)
        async with self._locks[space_id]:
            held = self._held.get(space_id)
            if held is not None and held[0] == generation:
                self._held.move_to_end(space_id)
                return held[1]
            self._held.pop(space_id, None)
            columns = await _space_columns(conn, space_id)
            self.reads += 1
            self._held[space_id] = (generation, columns)
            while len(self._held) > self.max_spaces:
                self._held.popitem(last=False)
            return columns


def _metrics_select() -> Select[Any]:
    d = _deployment.c
    outcome = case(
        (d.task_state == TaskState.FAILED.value, int(Outcome.FAILED)),
        (d.had_guided_failure.is_(True), int(Outcome.SUCCESS_WITH_GUIDED_FAILURE)),
        else_=int(Outcome.SUCCESSFUL),
    )
    return select(
        d.completed_time,
        outcome,
        d.project_id,
        d.environment_id,
        func.coalesce(d.tenant_id, NO_TENANT),
        *(
            func.coalesce(fact, _NULL)
            for fact in (
                d.lead_time,
                d.time_since_previous_success,
                d.time_to_recovery,
                d.deployments_until_recovery,
            )
        ),
    ).where(d.task_state.in_(_COUNTED))


_WIDTH = 9
_CHUNK = 65_536


async def _space_columns(conn: Executor, space_id: int) -> DeploymentColumns:
    """Read in chunks of `_CHUNK` rows in id order (the table's own order, so the reads are
    sequential), so that no more than a chunk of rows is ever held as objects; then sorted by
    completion time."""
    d = _deployment.c
    chunks = []
    after = -1
    while True:
        statement = (
            _metrics_select()
            .add_columns(d.id)
            # `+ 0`: not the space's completion index, whose order would make the reads random.
            .where(d.space_id + 0 == space_id, d.id > after)
            .order_by(d.id)
            .limit(_CHUNK)
        )
        table = await _integers(conn, statement, width=_WIDTH + 1)
        chunks.append(table[:, :_WIDTH])
        if len(table) < _CHUNK:
            break
        after = int(table[-1, _WIDTH])
    table = np.concatenate(chunks)
    table = table[np.argsort(table[:, 0], kind="stable")]
    return DeploymentColumns.from_integers(table, null=_NULL)


def metrics_moment(
    report: Report, query: MetricsQuery, now: int, columns: DeploymentColumns
) -> Hashable:
    """What of `now` the report's metrics depend on, given its space's counted deployments: the
    window's start, its last interval, and which deployments completed by now. Once now has
    passed the newest, that is all of them, so later readings the same day share the answer."""
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    newest = int(columns.completed[-1]) if len(columns.completed) else None
    return (window.start, window.starts[-1], None if newest is None else min(now, newest))


async def report_metrics(
    conn: Executor,
    *,
    report: Report,
    query: MetricsQuery,
    now: int,
    columns: SpaceColumns | None = None,
) -> Metrics:
    """The report's `/metrics` answer (see `compute_metrics`): from the space's cached columns
    when `columns` is given, else from one query over the window."""
    catalogue = await report_catalogue(conn, report)
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    chosen = await window_columns(
        conn,
        catalogue=catalogue,
        report=report,
        query=query,
        start=window.start,
        end=window.end,
        columns=columns,
    )
    return compute_metrics(chosen, report=report, catalogue=catalogue, query=query, now=now)


async def window_columns(
    conn: Executor,
    *,
    catalogue: SpaceCatalogue,
    report: Report,
    query: MetricsQuery,
    start: int,
    end: int,
    columns: SpaceColumns | None,
) -> DeploymentColumns:
    """The counted deployments of the report's space completed in [start, end]: a slice of the
    space's cached columns when `columns` is given, else one query (narrowed by project)."""
    if columns is not None:
        held = await columns.of_space(conn, space_id=catalogue.space_id)
        first = np.searchsorted(held.completed, start, side="left")
        last = np.searchsorted(held.completed, end, side="right")
        return held.rows(slice(int(first), int(last)))
    scope = resolve_scope(report, catalogue).narrowed(project_ids=query.project_ids)
    statement = _in_window(_metrics_select(), scope, catalogue, start, end)
    table = await _integers(conn, statement, width=_WIDTH)
    return DeploymentColumns.from_integers(table, null=_NULL)


async def _integers(conn: Executor, statement: Select[Any], *, width: int) -> Any:
    """The rows of an all-integer query as an (n, width) int64 array, read from the driver's
    cursor: building SQLAlchemy rows would cost more than the query."""
    connection = await conn.connection() if isinstance(conn, AsyncSession) else conn
    result = await connection.execute(statement)
    cursor = getattr(result, "cursor", None)
    rows = cursor.fetchall() if cursor is not None else result.all()
    result.close()
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


async def report_streams(
    conn: Executor,
    *,
    report: Report,
    now: int,
    start: int | None = None,
    end: int | None = None,
    project_ids: frozenset[int] | None = None,
    environment_ids: frozenset[int] | None = None,
    tenant_ids: frozenset[int] | None = None,
) -> list[StreamView]:
    """The report's `/deployments` streams: shown deployments (Success, Failed, Canceled,
    TimedOut) completed in the window, which is `streams_window` unless `start`/`end` (ticks,
    inclusive) replace its ends; the id filters narrow the report's scope."""
    catalogue = await report_catalogue(conn, report)
    default_start, default_end = streams_window(now, resolve_time_zone(report.time_zone))
    scope = resolve_scope(report, catalogue).narrowed(
        project_ids=project_ids, environment_ids=environment_ids, tenant_ids=tenant_ids
    )
    statement = _views_select().where(_deployment.c.task_state.in_(_FINISHED))
    statement = _in_window(
        statement,
        scope,
        catalogue,
        default_start if start is None else start,
        default_end if end is None else end,
    )
    entries: list[tuple[StreamKey, DeploymentView]] = []
    for row in await rows_of(conn, statement):
        if not scope.admits(row.project_id, row.environment_id, row.tenant_id):
            continue
        key = StreamKey(
            project_id=row.project_id,
            project_name=_name(
                catalogue.projects.get(row.project_id), Kind.PROJECT, row.project_id
            ),
            channel_id=row.channel_id,
            channel_name=row.channel_name,
            environment_id=row.environment_id,
            environment_name=_name(
                catalogue.environments.get(row.environment_id), Kind.ENVIRONMENT, row.environment_id
            ),
            tenant_id=row.tenant_id,
            tenant_name=(
                None
                if row.tenant_id is None
                else _name(catalogue.tenants.get(row.tenant_id), Kind.TENANT, row.tenant_id)
            ),
        )
        view = _view(row)
        entries.append((key, view))
    return assemble_streams(entries)


def _views_select() -> Select[Any]:
    """Deployments with every fact and the versions they name, as `_view` reads them."""
    deployed = _release.alias("deployed")
    lead = _release.alias("lead")
    failed = _release.alias("failed")
    d = _deployment.c
    return (
        select(
            d.id,
            d.project_id,
            d.channel_id,
            _channel.c.name.label("channel_name"),
            d.environment_id,
            d.tenant_id,
            deployed.c.version,
            d.task_state,
            d.completed_time,
            d.had_guided_failure,
            d.lead_time,
            lead.c.version.label("lead_version"),
            d.time_since_previous_success,
            d.previous_successful_deployment_id,
            d.time_to_recovery,
            d.deployments_until_recovery,
            d.recovered_from_deployment_id,
            failed.c.version.label("failed_version"),
        )
        .join(deployed, deployed.c.id == d.release_id)
        .join(_channel, _channel.c.id == d.channel_id)
        .outerjoin(lead, lead.c.id == d.lead_time_release_id)
        .outerjoin(failed, failed.c.id == d.recovered_from_release_id)
    )


def _view(row: Any) -> DeploymentView:
    return DeploymentView(
        id=row.id,
        release_version=row.version,
        task_state=TaskState(row.task_state),
        completed=row.completed_time,
        had_guided_failure=bool(row.had_guided_failure),
        lead_time=row.lead_time,
        lead_time_from_version=row.lead_version,
        time_since_previous_success=row.time_since_previous_success,
        previous_successful_deployment_id=row.previous_successful_deployment_id,
        time_to_recovery=row.time_to_recovery,
        deployments_until_recovery=row.deployments_until_recovery,
        recovered_from_deployment_id=row.recovered_from_deployment_id,
        recovered_from_release_version=row.failed_version,
    )


class LocatedDeployment(NamedTuple):
    """A shown deployment and the ids of its stream."""

    view: DeploymentView
    project_id: int
    channel_id: int
    environment_id: int
    tenant_id: int | None


async def find_deployment(conn: Executor, *, deployment_id: int) -> LocatedDeployment | None:
    """A shown (finished) deployment by id number with its facts; None for any other."""
    d = _deployment.c
    statement = _views_select().where(d.id == deployment_id, d.task_state.in_(_FINISHED))
    found = await rows_of(conn, statement)
    if not found:
        return None
    row = found[0]
    return LocatedDeployment(
        _view(row), row.project_id, row.channel_id, row.environment_id, row.tenant_id
    )


def _name(info: ProjectInfo | EnvironmentInfo | TenantInfo | None, kind: Kind, number: int) -> str:
    return info.name if info is not None else format_id(kind, number)
