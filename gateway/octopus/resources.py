"""Octopus's release, deployment, task and interruption resources read into the store's rows.

Reading is tolerant where Octopus varies and strict where the store needs a value: extra
properties and their order do not matter; times may have 0 to 7 fraction digits and any offset
(`gateway.insights.ticks`); `TenantId` may be null or absent. A resource without a value the
store needs raises `ResourceError` naming the resource and the property. (The catalogue, which
is small, is checked whole by the data file's reader, `seed.importing.parse_document`.)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from gateway.insights.deployments import TaskState
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.ticks import TimestampError, parse_timestamp

Resource = dict[str, Any]
Row = tuple[Any, ...]

RELEASE_COLUMNS = ("id", "space_id", "project_id", "channel_id", "version", "assembled")
DEPLOYMENT_COLUMNS = (
    "id",
    "space_id",
    "release_id",
    "project_id",
    "channel_id",
    "environment_id",
    "tenant_id",
    "task_state",
    "had_guided_failure",
    "queue_time",
    "start_time",
    "completed_time",
)
TASK_COLUMNS = ("task_state", "had_guided_failure", "start_time", "completed_time", "queue_time")
"""What of a deployment its task decides, and so may change after it is first read."""

_STATES = frozenset(state.value for state in TaskState)
_GUIDED_FAILURE = "GuidedFailure"
_GUIDED_TITLE = "requires failure guidance"
"""How an older server, whose interruptions have no `Type`, titles a guided failure's."""


class ResourceError(Exception):
    """A resource lacks a value the store needs, or has one it cannot read."""


def _where(resource: Resource) -> str:
    return str(resource.get("Id", "a resource without an Id"))


@lru_cache(maxsize=65_536)
def _reference(kind: Kind, text: str) -> int | None:
    """Ids of spaces, projects, channels and environments repeat on every deployment: a
    cache of their numbers reads a page of deployments twice as fast (4 µs a row, not 8)."""
    return parse_id(kind, text)


def number(resource: Resource, key: str, kind: Kind, *, nullable: bool = False) -> int | None:
    value = resource.get(key)
    if value is None and nullable:
        return None
    found = _reference(kind, value) if isinstance(value, str) else None
    if found is None:
        expected = format_id(kind, 1)
        raise ResourceError(f"{_where(resource)}.{key}: {value!r} is not an id like {expected!r}")
    return found


def _required(resource: Resource, key: str, kind: Kind) -> int:
    found = number(resource, key, kind)
    assert found is not None  # not nullable
    return found


def moment(resource: Resource, key: str, *, nullable: bool = False) -> int | None:
    value = resource.get(key)
    if value is None:
        if nullable:
            return None
        raise ResourceError(f"{_where(resource)}.{key} is required")
    try:
        return parse_timestamp(value)
    except (TimestampError, TypeError) as error:
        raise ResourceError(f"{_where(resource)}.{key}: {error}") from None


def release_row(release: Resource) -> Row:
    version = release.get("Version")
    if not isinstance(version, str) or not version:
        raise ResourceError(f"{_where(release)}.Version is required")
    return (
        _required(release, "Id", Kind.RELEASE),
        _required(release, "SpaceId", Kind.SPACE),
        _required(release, "ProjectId", Kind.PROJECT),
        _required(release, "ChannelId", Kind.CHANNEL),
        version,
        moment(release, "Assembled"),
    )


def task_id(deployment: Resource) -> str:
    value = deployment.get("TaskId")
    if not isinstance(value, str) or parse_id(Kind.SERVER_TASK, value) is None:
        raise ResourceError(f"{_where(deployment)}.TaskId: {value!r} is not a server task id")
    return value


def deployment_row(deployment: Resource, task: Resource, *, guided: bool) -> Row:
    """A deployment's row: its own references, and its task's state and times."""
    state = task.get("State")
    if state not in _STATES:
        raise ResourceError(f"{_where(task)}.State: {state!r} is not a task state")
    return (
        _required(deployment, "Id", Kind.DEPLOYMENT),
        _required(deployment, "SpaceId", Kind.SPACE),
        _required(deployment, "ReleaseId", Kind.RELEASE),
        _required(deployment, "ProjectId", Kind.PROJECT),
        _required(deployment, "ChannelId", Kind.CHANNEL),
        _required(deployment, "EnvironmentId", Kind.ENVIRONMENT),
        number(deployment, "TenantId", Kind.TENANT, nullable=True),
        state,
        guided,
        moment(task, "QueueTime"),
        moment(task, "StartTime", nullable=True),
        moment(task, "CompletedTime", nullable=True),
    )


def is_guided_failure(interruption: Resource) -> bool:
    """A guided failure's interruption (not a manual intervention, nor any other kind)."""
    kind = interruption.get("Type")
    if kind is not None:
        return bool(kind == _GUIDED_FAILURE)
    return str(interruption.get("Title", "")).endswith(_GUIDED_TITLE)


def interrupted(interruption: Resource) -> tuple[set[str], set[str]]:
    """The deployments and tasks an interruption names (by `RelatedDocumentIds` and
    `TaskId`)."""
    related = interruption.get("RelatedDocumentIds")
    documents = (
        {text for text in related if isinstance(text, str)} if isinstance(related, list) else set()
    )
    deployments = {text for text in documents if parse_id(Kind.DEPLOYMENT, text) is not None}
    tasks = {text for text in documents if parse_id(Kind.SERVER_TASK, text) is not None}
    task = interruption.get("TaskId")
    if isinstance(task, str):
        tasks.add(task)
    return deployments, tasks
