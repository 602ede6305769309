"""A report's `/deployments` streams from the store, and one shown deployment with its facts;
`in_window`, the window's conditions, serves the metrics query too. Each takes an
`AsyncConnection` or an `AsyncSession`."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Select, select

from gateway.insights.catalogue import EnvironmentInfo, ProjectInfo, SpaceCatalogue, TenantInfo
from gateway.insights.deployments import FINISHED_STATES, TaskState
from gateway.insights.ids import Kind, format_id
from gateway.insights.report import Report
from gateway.insights.scope import ReportScope, resolve_scope
from gateway.insights.streams import DeploymentView, StreamKey, StreamView, assemble_streams
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import streams_window
from gateway.store.catalogue import Executor, report_catalogue, rows_of
from gateway.store.models import Channel, Deployment, Release

_channel = Channel.__table__  # type: ignore[attr-defined]
_release = Release.__table__  # type: ignore[attr-defined]
_deployment = Deployment.__table__  # type: ignore[attr-defined]

_FINISHED = sorted(state.value for state in FINISHED_STATES)


def in_window(
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
    statement = in_window(
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
