"""The queries that feed the insights core: a space's catalogue, a report's deployments as columns
or as streams. Each takes an `AsyncConnection` or an `AsyncSession` (only `execute` is used).

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
from typing import Any

import numpy as np
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gateway.insights.aggregation import DeploymentColumns, compute_metrics
from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    SpaceCatalogue,
    TagInfo,
    TagSetInfo,
    TenantInfo,
)
from gateway.insights.deployments import COUNTED_STATES, FINISHED_STATES, Outcome, TaskState
from gateway.insights.errors import NotFound
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.metrics import Metrics, MetricsQuery
from gateway.insights.report import Report
from gateway.insights.scope import NO_TENANT, ReportScope, resolve_scope
from gateway.insights.streams import DeploymentView, StreamKey, StreamView, assemble_streams
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import metrics_window, streams_window
from gateway.store.generation import read_generation
from gateway.store.models import (
    Channel,
    Deployment,
    Environment,
    Project,
    ProjectGroup,
    Release,
    Space,
    Tag,
    TagSet,
    Tenant,
    TenantTag,
)

Executor = AsyncConnection | AsyncSession

_space = Space.__table__  # type: ignore[attr-defined]
_project_group = ProjectGroup.__table__  # type: ignore[attr-defined]
_project = Project.__table__  # type: ignore[attr-defined]
_channel = Channel.__table__  # type: ignore[attr-defined]
_environment = Environment.__table__  # type: ignore[attr-defined]
_tag_set = TagSet.__table__  # type: ignore[attr-defined]
_tag = Tag.__table__  # type: ignore[attr-defined]
_tenant = Tenant.__table__  # type: ignore[attr-defined]
_tenant_tag = TenantTag.__table__  # type: ignore[attr-defined]
_release = Release.__table__  # type: ignore[attr-defined]
_deployment = Deployment.__table__  # type: ignore[attr-defined]

_COUNTED = sorted(state.value for state in COUNTED_STATES)
_NULL = 1 << 62
"""Stands for a null fact in the metrics query: no duration in ticks (14,000 years) or count
reaches it."""
_FINISHED = sorted(state.value for state in FINISHED_STATES)


async def _rows(conn: Executor, statement: Select[Any]) -> list[Any]:
    return list((await conn.execute(statement)).all())


async def load_catalogue(conn: Executor, *, space_id: int) -> SpaceCatalogue:
    """Everything of a space that reports name; raises `NotFound` for an unknown space."""
    if not await _rows(conn, select(_space.c.id).where(_space.c.id == space_id)):
        raise NotFound(f"The space {format_id(Kind.SPACE, space_id)!r} was not found.")
    groups = await _rows(
        conn,
        select(_project_group.c.id, _project_group.c.name).where(
            _project_group.c.space_id == space_id
        ),
    )
    projects = await _rows(
        conn,
        select(_project.c.id, _project.c.name, _project.c.project_group_id).where(
            _project.c.space_id == space_id
        ),
    )
    environments = await _rows(
        conn,
        select(_environment.c.id, _environment.c.name, _environment.c.sort_order).where(
            _environment.c.space_id == space_id
        ),
    )
    tenants = await _rows(
        conn, select(_tenant.c.id, _tenant.c.name).where(_tenant.c.space_id == space_id)
    )
    tenant_tags = await _rows(
        conn,
        select(_tenant_tag.c.tenant_id, _tenant_tag.c.canonical_name)
        .join(_tenant, _tenant.c.id == _tenant_tag.c.tenant_id)
        .where(_tenant.c.space_id == space_id)
        .order_by(_tenant_tag.c.tenant_id, _tenant_tag.c.position),
    )
    tag_sets = await _rows(
        conn, select(_tag_set.c.id, _tag_set.c.name).where(_tag_set.c.space_id == space_id)
    )
    tags = await _rows(
        conn,
        select(_tag.c.tag_set_id, _tag.c.name, _tag.c.canonical_name)
        .join(_tag_set, _tag_set.c.id == _tag.c.tag_set_id)
        .where(_tag_set.c.space_id == space_id)
        .order_by(_tag.c.tag_set_id, _tag.c.position),
    )
    tags_of_tenant: dict[int, list[str]] = defaultdict(list)
    for tenant, canonical in tenant_tags:
        tags_of_tenant[tenant].append(canonical)
    tags_of_set: dict[int, list[TagInfo]] = defaultdict(list)
    for tag_set, name, canonical in tags:
        tags_of_set[tag_set].append(TagInfo(name=name, canonical_name=canonical))
    return SpaceCatalogue(
        space_id=space_id,
        project_groups={id_: ProjectGroupInfo(id_, name) for id_, name in groups},
        projects={id_: ProjectInfo(id_, name, group) for id_, name, group in projects},
        environments={id_: EnvironmentInfo(id_, name, order) for id_, name, order in environments},
        tenants={
            id_: TenantInfo(id_, name, tuple(tags_of_tenant.get(id_, ()))) for id_, name in tenants
        },
        tag_sets={
            id_: TagSetInfo(id_, name, tuple(tags_of_set.get(id_, ()))) for id_, name in tag_sets
        },
    )


async def _report_catalogue(conn: Executor, report: Report) -> SpaceCatalogue:
    space_id = parse_id(Kind.SPACE, report.space_id)
    if space_id is None:
        raise NotFound(f"The space {report.space_id!r} was not found.")
    return await load_catalogue(conn, space_id=space_id)


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
    catalogue = await _report_catalogue(conn, report)
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    if columns is not None:
        held = await columns.of_space(conn, space_id=catalogue.space_id)
        first = np.searchsorted(held.completed, window.start, side="left")
        last = np.searchsorted(held.completed, window.end, side="right")
        chosen = held.rows(slice(int(first), int(last)))
        return compute_metrics(chosen, report=report, catalogue=catalogue, query=query, now=now)
    scope = resolve_scope(report, catalogue).narrowed(project_ids=query.project_ids)
    statement = _in_window(_metrics_select(), scope, catalogue, window.start, window.end)
    table = await _integers(conn, statement, width=_WIDTH)
    return compute_metrics(
        DeploymentColumns.from_integers(table, null=_NULL),
        report=report,
        catalogue=catalogue,
        query=query,
        now=now,
    )


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
    catalogue = await _report_catalogue(conn, report)
    default_start, default_end = streams_window(now, resolve_time_zone(report.time_zone))
    scope = resolve_scope(report, catalogue).narrowed(
        project_ids=project_ids, environment_ids=environment_ids, tenant_ids=tenant_ids
    )
    deployed = _release.alias("deployed")
    lead = _release.alias("lead")
    failed = _release.alias("failed")
    d = _deployment.c
    statement: Select[Any] = (
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
        .where(d.task_state.in_(_FINISHED))
    )
    statement = _in_window(
        statement,
        scope,
        catalogue,
        default_start if start is None else start,
        default_end if end is None else end,
    )
    entries: list[tuple[StreamKey, DeploymentView]] = []
    for row in await _rows(conn, statement):
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
        view = DeploymentView(
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
        entries.append((key, view))
    return assemble_streams(entries)


def _name(info: ProjectInfo | EnvironmentInfo | TenantInfo | None, kind: Kind, number: int) -> str:
    return info.name if info is not None else format_id(kind, number)
