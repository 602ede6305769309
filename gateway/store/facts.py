"""Materializing per-deployment facts: recomputed, stream by stream, for the projects that changed.

Seed and import call `refresh_facts` before they return, and so does anything else that writes
deployments or releases, so that readers always find the facts current.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.insights.deployments import FINISHED_STATES, TaskState, outcome_of
from gateway.insights.facts import ChannelRelease, ReleaseHistory, StreamDeployment, stream_facts
from gateway.store.models import Deployment, Release

_BATCH = 20_000
_FINISHED = sorted(state.value for state in FINISHED_STATES)

_deployment = Deployment.__table__  # type: ignore[attr-defined]
_release = Release.__table__  # type: ignore[attr-defined]

_WRITE_FACTS = (
    update(_deployment)
    .where(_deployment.c.id == bindparam("deployment_id"))
    .values(
        previous_successful_deployment_id=bindparam("previous"),
        time_since_previous_success=bindparam("since"),
        lead_time=bindparam("lead"),
        lead_time_release_id=bindparam("lead_release"),
        time_to_recovery=bindparam("recovery"),
        deployments_until_recovery=bindparam("attempts"),
        recovered_from_deployment_id=bindparam("failed"),
        recovered_from_release_id=bindparam("failed_release"),
    )
)


async def refresh_facts(
    connection: AsyncConnection,
    *,
    project_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute the facts of every stream of these projects (all projects when None).

    Returns how many deployments were written; `progress` is told the count of each batch.
    """
    if project_ids is None:
        projects: Sequence[int] = (
            (await connection.execute(select(_release.c.project_id).distinct())).scalars().all()
        )
    else:
        projects = sorted(set(project_ids))
    written = 0
    pending: list[dict[str, Any]] = []
    for project in sorted(projects):
        pending.extend(await _project_facts(connection, project))
        if len(pending) >= _BATCH:
            written += await _write(connection, pending, progress)
            pending = []
    written += await _write(connection, pending, progress)
    return written


async def _project_facts(connection: AsyncConnection, project: int) -> list[dict[str, Any]]:
    releases = await connection.execute(
        select(_release.c.id, _release.c.channel_id, _release.c.assembled).where(
            _release.c.project_id == project
        )
    )
    by_channel: dict[int, list[ChannelRelease]] = defaultdict(list)
    for number, channel, created in releases:
        by_channel[channel].append(ChannelRelease(number, created))
    histories = {channel: ReleaseHistory(items) for channel, items in by_channel.items()}

    rows = await connection.execute(
        select(
            _deployment.c.channel_id,
            _deployment.c.environment_id,
            _deployment.c.tenant_id,
            _deployment.c.id,
            _deployment.c.completed_time,
            _deployment.c.task_state,
            _deployment.c.had_guided_failure,
            _deployment.c.release_id,
        )
        .where(
            _deployment.c.project_id == project,
            _deployment.c.completed_time.is_not(None),
            _deployment.c.task_state.in_(_FINISHED),
        )
        .order_by(
            _deployment.c.channel_id,
            _deployment.c.environment_id,
            _deployment.c.tenant_id,
            _deployment.c.completed_time,
            _deployment.c.id,
        )
    )
    updates: list[dict[str, Any]] = []
    # NULL tenants sort first on SQLite and last on PostgreSQL; grouping needs only adjacency.
    for (channel, _environment, _tenant), stream in groupby(rows, key=lambda row: row[:3]):
        deployments = [
            StreamDeployment(
                number=row[3],
                completed=row[4],
                outcome=outcome_of(TaskState(row[5]), bool(row[6])),
                release=row[7],
            )
            for row in stream
        ]
        for facts in stream_facts(deployments, histories[channel]):
            updates.append(
                {
                    "deployment_id": facts.deployment,
                    "previous": facts.previous_successful_deployment,
                    "since": facts.time_since_previous_success,
                    "lead": facts.lead_time,
                    "lead_release": facts.lead_time_release,
                    "recovery": facts.time_to_recovery,
                    "attempts": facts.deployments_until_recovery,
                    "failed": facts.recovered_from_deployment,
                    "failed_release": facts.recovered_from_release,
                }
            )
    return updates


async def _write(
    connection: AsyncConnection,
    updates: list[dict[str, Any]],
    progress: Callable[[int], None] | None,
) -> int:
    if not updates:
        return 0
    await connection.execute(_WRITE_FACTS, updates)
    if progress is not None:
        progress(len(updates))
    return len(updates)
