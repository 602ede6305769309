"""Releases and deployments as the store holds them: filters, ordered id lists and page rows.

Deployments are also what tasks, interruptions and events are derived from
(`mock_server.derivation`), so every one of those collections is a `DeploymentFilter` over the
deployment table, listed by id number, highest first (`mock_server.listing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.insights.ids import Kind, format_id
from gateway.insights.ticks import format_offset_timestamp
from gateway.store.cache import AnswerCache
from gateway.store.models import Deployment, Environment, Project, Release, Tenant
from mock_server.catalogue import uses_guided_failure
from mock_server.listing import IN_LIST_LIMIT, IdArray, ids_of, kept_ids

_deployment = Deployment.__table__  # type: ignore[attr-defined]
_release = Release.__table__  # type: ignore[attr-defined]
_project = Project.__table__  # type: ignore[attr-defined]
_environment = Environment.__table__  # type: ignore[attr-defined]
_tenant = Tenant.__table__  # type: ignore[attr-defined]

Item = dict[str, Any]
_FAILURES = frozenset({"Failed", "TimedOut"})

Span = tuple[int, int]
"""An inclusive range of ticks."""


class ReleaseRow(NamedTuple):
    id: int
    space_id: int
    project_id: int
    channel_id: int
    version: str
    assembled: int


class DeploymentRow(NamedTuple):
    """A deployment with the names its resources, task and events are written with."""

    id: int
    space_id: int
    release_id: int
    project_id: int
    channel_id: int
    environment_id: int
    tenant_id: int | None
    task_state: str
    had_guided_failure: bool
    queue_time: int
    start_time: int | None
    completed_time: int | None
    version: str
    project_name: str
    environment_name: str
    tenant_name: str | None


@dataclass(frozen=True)
class ReleaseFilter:
    spaces: frozenset[int] | None = None
    ids: frozenset[int] | None = None
    projects: frozenset[int] | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        r = _release.c
        found = []
        for column, values in (
            (r.space_id, self.spaces),
            (r.id, self.ids),
            (r.project_id, self.projects),
        ):
            if values is not None:
                found.append(column.in_(sorted(values)))
        return found


@dataclass(frozen=True)
class DeploymentFilter:
    """Which deployments a collection holds; every set given narrows it (None: any)."""

    spaces: frozenset[int] | None = None
    ids: frozenset[int] | None = None
    projects: frozenset[int] | None = None
    environments: frozenset[int] | None = None
    channels: frozenset[int] | None = None
    tenants: frozenset[int] | None = None
    releases: frozenset[int] | None = None
    states: frozenset[str] | None = None
    guided_only: bool = False
    """Only deployments with a guided failure (those with an interruption)."""
    queued: Span | None = None
    started: Span | None = None
    completed: Span | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        d = _deployment.c
        found: list[ColumnElement[bool]] = []
        sets: Iterable[tuple[Any, frozenset[Any] | None]] = (
            (d.space_id, self.spaces),
            (d.id, self.ids),
            (d.project_id, self.projects),
            (d.environment_id, self.environments),
            (d.channel_id, self.channels),
            (d.tenant_id, self.tenants),
            (d.release_id, self.releases),
            (d.task_state, self.states),
        )
        for column, values in sets:
            if values is not None:
                found.append(column.in_(sorted(values)))
        if self.guided_only:
            found.append(d.had_guided_failure.is_(True))
        for column, span in (
            (d.queue_time, self.queued),
            (d.start_time, self.started),
            (d.completed_time, self.completed),
        ):
            if span is not None:
                found.append(column.between(span[0], span[1]))
        return found


async def release_ids(
    connection: AsyncConnection, indexes: AnswerCache, generation: int, where: ReleaseFilter
) -> IdArray:
    """The releases' ids, highest first; kept per generation unless picked by id."""
    statement = select(_release.c.id).where(*where.conditions()).order_by(_release.c.id.desc())
    if where.ids is not None:
        return await ids_of(connection, statement)
    return await kept_ids(
        indexes, generation, ("releases", where), lambda: ids_of(connection, statement)
    )


async def release_rows(connection: AsyncConnection, ids: IdArray) -> list[ReleaseRow]:
    """The rows of a page of ids, highest first (read as `deployment_rows` reads)."""
    r = _release.c
    found: list[ReleaseRow] = []
    for start in range(0, len(ids), IN_LIST_LIMIT):
        chunk = [int(number) for number in ids[start : start + IN_LIST_LIMIT]]
        statement = select(r.id, r.space_id, r.project_id, r.channel_id, r.version, r.assembled)
        found.extend(
            ReleaseRow(*row) for row in await connection.execute(statement.where(r.id.in_(chunk)))
        )
    found.sort(key=lambda row: -row.id)
    return found


async def deployment_ids(
    connection: AsyncConnection, indexes: AnswerCache, generation: int, where: DeploymentFilter
) -> IdArray:
    """The deployments' ids, highest first; kept per generation unless picked by id."""
    d = _deployment.c
    statement = select(d.id).where(*where.conditions()).order_by(d.id.desc())
    if where.ids is not None:
        return await ids_of(connection, statement)
    return await kept_ids(
        indexes, generation, ("deployments", where), lambda: ids_of(connection, statement)
    )


def _deployment_select() -> Select[Any]:
    d = _deployment.c
    return (
        select(
            d.id,
            d.space_id,
            d.release_id,
            d.project_id,
            d.channel_id,
            d.environment_id,
            d.tenant_id,
            d.task_state,
            d.had_guided_failure,
            d.queue_time,
            d.start_time,
            d.completed_time,
            _release.c.version,
            _project.c.name,
            _environment.c.name,
            _tenant.c.name,
        )
        .join(_release, _release.c.id == d.release_id)
        .join(_project, _project.c.id == d.project_id)
        .join(_environment, _environment.c.id == d.environment_id)
        .outerjoin(_tenant, _tenant.c.id == d.tenant_id)
    )


async def deployment_rows(connection: AsyncConnection, ids: IdArray) -> list[DeploymentRow]:
    """The rows of a page of ids, highest first, read by id through the primary key (a few
    hundred at a time: a range of ids with the filters would let SQLite pick a filter's index
    and walk all of it), straight from the driver's cursor."""
    d = _deployment.c
    found: list[DeploymentRow] = []
    for start in range(0, len(ids), IN_LIST_LIMIT):
        chunk = [int(number) for number in ids[start : start + IN_LIST_LIMIT]]
        for row in await _fetched(connection, _deployment_select().where(d.id.in_(chunk))):
            found.append(DeploymentRow._make(row)._replace(had_guided_failure=bool(row[8])))
    found.sort(key=lambda row: -row.id)
    return found


async def _fetched(connection: AsyncConnection, statement: Select[Any]) -> list[Any]:
    result = await connection.execute(statement)
    cursor = getattr(result, "cursor", None)
    rows = cursor.fetchall() if cursor is not None else result.all()
    result.close()
    return list(rows)


async def deployment_ids_regarding(
    connection: AsyncConnection, column: str, number: int
) -> IdArray:
    """The ids of the deployments whose `column` (project_id, release_id, ...) is `number`."""
    d = _deployment.c
    return await ids_of(connection, select(d.id).where(d[column] == number))


class DocumentIds(NamedTuple):
    """The ids of a deployment and of what it belongs to, as Octopus writes them."""

    space: str
    deployment: str
    project: str
    release: str
    channel: str
    environment: str
    tenant: str | None
    task: str


_SPACE, _DEPLOYMENT, _PROJECT, _RELEASE, _CHANNEL, _ENVIRONMENT, _TENANT, _TASK = (
    f"{kind.value}-"
    for kind in (
        Kind.SPACE,
        Kind.DEPLOYMENT,
        Kind.PROJECT,
        Kind.RELEASE,
        Kind.CHANNEL,
        Kind.ENVIRONMENT,
        Kind.TENANT,
        Kind.SERVER_TASK,
    )
)
"""Id prefixes as `format_id` writes them, joined here by hand: a page makes thousands."""


def document_ids(row: DeploymentRow) -> DocumentIds:
    return DocumentIds(
        space=f"{_SPACE}{row.space_id}",
        deployment=f"{_DEPLOYMENT}{row.id}",
        project=f"{_PROJECT}{row.project_id}",
        release=f"{_RELEASE}{row.release_id}",
        channel=f"{_CHANNEL}{row.channel_id}",
        environment=f"{_ENVIRONMENT}{row.environment_id}",
        tenant=None if row.tenant_id is None else f"{_TENANT}{row.tenant_id}",
        task=f"{_TASK}{row.id}",
    )


def deployment_name(row: DeploymentRow) -> str:
    """`Deploy to Production`, `Deploy to Production for Acme` when tenanted."""
    tenant = "" if row.tenant_name is None else f" for {row.tenant_name}"
    return f"Deploy to {row.environment_name}{tenant}"


def task_description(row: DeploymentRow) -> str:
    tenant = "" if row.tenant_name is None else f" for {row.tenant_name}"
    return f"Deploy {row.project_name} release {row.version} to {row.environment_name}{tenant}"


def release_resource(row: ReleaseRow) -> Item:
    space_id = format_id(Kind.SPACE, row.space_id)
    release_id = format_id(Kind.RELEASE, row.id)
    project_id = format_id(Kind.PROJECT, row.project_id)
    return {
        "Id": release_id,
        "SpaceId": space_id,
        "ProjectId": project_id,
        "ChannelId": format_id(Kind.CHANNEL, row.channel_id),
        "Version": row.version,
        "Assembled": format_offset_timestamp(row.assembled),
        "ReleaseNotes": None,
        "ProjectDeploymentProcessSnapshotId": f"deploymentprocess-{project_id}-s{row.id}",
        "ProjectVariableSetSnapshotId": f"variableset-{project_id}-s{row.id}",
        "LibraryVariableSetSnapshotIds": [],
        "SelectedPackages": [],
        "BuildInformation": [],
        "IgnoreChannelRules": False,
        "Links": {
            "Self": f"/api/{space_id}/releases/{release_id}",
            "Project": f"/api/{space_id}/projects/{project_id}",
            "Web": f"/app#/{space_id}/releases/{release_id}",
        },
    }


def deployment_resource(row: DeploymentRow) -> Item:
    """The deployment, with no state or completion of its own: those are its task's."""
    ids = document_ids(row)
    space_id, deployment_id, project_id, release_id = (
        ids.space,
        ids.deployment,
        ids.project,
        ids.release,
    )
    environment_id, task = ids.environment, ids.task
    failed = row.task_state in _FAILURES or row.had_guided_failure
    return {
        "Id": deployment_id,
        "SpaceId": space_id,
        "Name": deployment_name(row),
        "ProjectId": project_id,
        "ReleaseId": release_id,
        "ChannelId": ids.channel,
        "EnvironmentId": environment_id,
        "TenantId": ids.tenant,
        "TaskId": task,
        "Created": format_offset_timestamp(row.queue_time),
        "QueueTime": None,
        "QueueTimeExpiry": None,
        "FailureEncountered": failed,
        "UseGuidedFailure": row.had_guided_failure or uses_guided_failure(row.environment_name),
        "DeploymentProcessId": f"deploymentprocess-{project_id}-s{row.release_id}",
        "ManifestVariableSetId": f"variableset-{project_id}-s{row.release_id}",
        "DeployedBy": "system",
        "DeployedById": "users-system",
        "Comments": None,
        "Links": {
            "Self": f"/api/{space_id}/deployments/{deployment_id}",
            "Release": f"/api/{space_id}/releases/{release_id}",
            "Task": f"/api/tasks/{task}",
            "Web": f"/app#/{space_id}/deployments/{deployment_id}",
        },
    }
