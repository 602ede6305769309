"""The queries that feed the insights core: a space's catalogue, a report's deployments as columns
or as streams. Each takes an `AsyncConnection` or an `AsyncSession` (only `execute` is used).

Metrics read only the columns aggregation needs, in one query, straight into numpy arrays; the
facts are already materialized in `deployment` (see `gateway.store.facts`), so no history older
than the window is read.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, case, select
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
from gateway.insights.scope import ReportScope, resolve_scope
from gateway.insights.streams import DeploymentView, StreamKey, StreamView, assemble_streams
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import metrics_window, streams_window
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


async def report_metrics(
    conn: Executor, *, report: Report, query: MetricsQuery, now: int
) -> Metrics:
    """The report's `/metrics` answer (see `compute_metrics`), from one query over the window."""
    catalogue = await _report_catalogue(conn, report)
    window = metrics_window(query, resolve_time_zone(report.time_zone), now)
    scope = resolve_scope(report, catalogue).narrowed(project_ids=query.project_ids)
    outcome = case(
        (_deployment.c.task_state == TaskState.FAILED.value, int(Outcome.FAILED)),
        (_deployment.c.had_guided_failure.is_(True), int(Outcome.SUCCESS_WITH_GUIDED_FAILURE)),
        else_=int(Outcome.SUCCESSFUL),
    )
    statement: Select[Any] = select(
        _deployment.c.completed_time,
        outcome,
        _deployment.c.project_id,
        _deployment.c.environment_id,
        _deployment.c.tenant_id,
        _deployment.c.lead_time,
        _deployment.c.time_since_previous_success,
        _deployment.c.time_to_recovery,
        _deployment.c.deployments_until_recovery,
    ).where(_deployment.c.task_state.in_(_COUNTED))
    statement = _in_window(statement, scope, catalogue, window.start, window.end)
    columns = DeploymentColumns.from_rows(await _rows(conn, statement))
    return compute_metrics(columns, report=report, catalogue=catalogue, query=query, now=now)


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
