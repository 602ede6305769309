"""`/deployments`: a report's streams with each shown deployment's facts, in SPEC.md order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gateway.insights.deployments import TaskState
from gateway.insights.series import name_order


@dataclass(frozen=True, slots=True)
class DeploymentView:
    """A shown deployment and its facts (null where SPEC.md says so); durations in ticks."""

    id: int
    release_version: str
    task_state: TaskState
    completed: int
    had_guided_failure: bool
    lead_time: int | None = None
    lead_time_from_version: str | None = None
    time_since_previous_success: int | None = None
    previous_successful_deployment_id: int | None = None
    time_to_recovery: int | None = None
    deployments_until_recovery: int | None = None
    recovered_from_deployment_id: int | None = None
    recovered_from_release_version: str | None = None


@dataclass(frozen=True, slots=True)
class StreamView:
    """The shown deployments of one (project, channel, environment, tenant-or-none), in stream
    order: completion time, then id number."""

    project_id: int
    project_name: str
    channel_id: int
    channel_name: str
    environment_id: int
    environment_name: str
    tenant_id: int | None
    tenant_name: str | None
    deployments: tuple[DeploymentView, ...]


@dataclass(frozen=True, slots=True)
class StreamKey:
    project_id: int
    project_name: str
    channel_id: int
    channel_name: str
    environment_id: int
    environment_name: str
    tenant_id: int | None
    tenant_name: str | None


def stream_sort_key(key: StreamKey | StreamView) -> tuple[object, ...]:
    """Project name, channel name, environment name, tenant name (untenanted first); names
    ignoring case, then ordinal; ids last so that equal names still give one order."""
    return (
        name_order(key.project_name),
        name_order(key.channel_name),
        name_order(key.environment_name),
        key.tenant_id is not None,
        name_order(key.tenant_name or ""),
        key.project_id,
        key.channel_id,
        key.environment_id,
        key.tenant_id or 0,
    )


def assemble_streams(entries: Iterable[tuple[StreamKey, DeploymentView]]) -> list[StreamView]:
    """Streams from (stream, deployment) pairs in any order: streams ordered by
    `stream_sort_key`, deployments by completion time then id number. Only streams with at
    least one entry appear, so passing a window's deployments keeps the window's streams."""
    grouped: dict[StreamKey, list[DeploymentView]] = {}
    for key, deployment in entries:
        grouped.setdefault(key, []).append(deployment)
    return [
        StreamView(
            project_id=key.project_id,
            project_name=key.project_name,
            channel_id=key.channel_id,
            channel_name=key.channel_name,
            environment_id=key.environment_id,
            environment_name=key.environment_name,
            tenant_id=key.tenant_id,
            tenant_name=key.tenant_name,
            deployments=tuple(sorted(deployments, key=lambda d: (d.completed, d.id))),
        )
        for key, deployments in sorted(grouped.items(), key=lambda item: stream_sort_key(item[0]))
    ]
