"""Materializing per-deployment facts: recomputed, stream by stream, for the projects that changed.

Seed and import call `refresh_facts` before they return, and so does anything else that writes
deployments or releases, so that readers always find the facts current.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.insights.deployments import FINISHED_STATES, outcome_of
from gateway.insights.facts import ChannelRelease, ReleaseHistory, StreamDeployment, stream_facts
from gateway.store.bulk import execute_many_async, update_statement
from gateway.store.generation import StreamIds
from gateway.store.models import Deployment, Release

_BATCH = 20_000
_FINISHED = sorted(state.value for state in FINISHED_STATES)
_OUTCOMES = {
    (state.value, guided): outcome_of(state, guided)
    for state in FINISHED_STATES
    for guided in (False, True)
}

_deployment = Deployment.__table__  # type: ignore[attr-defined]
_release = Release.__table__  # type: ignore[attr-defined]

FACT_COLUMNS = (
    "previous_successful_deployment_id",
    "time_since_previous_success",
    "lead_time",
    "lead_time_release_id",
    "time_to_recovery",
    "deployments_until_recovery",
    "recovered_from_deployment_id",
    "recovered_from_release_id",
)
"""The deployment columns that hold its insights facts, in `DeploymentFacts` order."""
_stream_key = itemgetter(0, 1, 2)

Update = tuple[Any, ...]
"""The facts columns' new values, then the deployment id."""


async def refresh_facts(
    connection: AsyncConnection,
    *,
    project_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
    changed_streams: set[StreamIds] | None = None,
) -> int:
    """Recompute the facts of every stream of these projects (all projects when None).

    Only deployments whose facts changed are written. Returns how many deployments were
    written; `progress` is told the count of each batch, and `changed_streams` gets the streams
    whose facts were written.
    """
    if project_ids is None:
        projects: Sequence[int] = (
            (await connection.execute(select(_release.c.project_id).distinct())).scalars().all()
        )
    else:
        projects = sorted(set(project_ids))
    statement = update_statement(connection.dialect, _deployment, FACT_COLUMNS, "id")
    written = 0
    pending: list[Update] = []
    for project in sorted(projects):
        pending.extend(await _project_facts(connection, project, changed_streams))
        if len(pending) >= _BATCH:
            written += await _write(connection, statement, pending, progress)
            pending = []
    written += await _write(connection, statement, pending, progress)
    return written


async def _project_facts(
    connection: AsyncConnection, project: int, changed_streams: set[StreamIds] | None
) -> list[Update]:
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
            *(_deployment.c[column] for column in FACT_COLUMNS),
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
    updates: list[Update] = []
    # NULL tenants sort first on SQLite and last on PostgreSQL; grouping needs only adjacency.
    for (channel, environment, tenant), group in groupby(rows, key=_stream_key):
        stream = list(group)
        current = {row[3]: tuple(row[8:]) for row in stream}
        deployments = [
            StreamDeployment(
                number=row[3],
                completed=row[4],
                outcome=_OUTCOMES[(row[5], bool(row[6]))],
                release=row[7],
            )
            for row in stream
        ]
        for facts in stream_facts(deployments, histories[channel]):
            values = facts.values()
            if current[facts.deployment] != values:
                updates.append((*values, facts.deployment))
                if changed_streams is not None:
                    changed_streams.add(StreamIds(project, channel, environment, tenant))
    return updates


async def _write(
    connection: AsyncConnection,
    statement: str,
    updates: list[Update],
    progress: Callable[[int], None] | None,
) -> int:
    if not updates:
        return 0
    await execute_many_async(connection, statement, updates)
    if progress is not None:
        progress(len(updates))
    return len(updates)
