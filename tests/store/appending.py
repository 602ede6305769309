"""Appending a deployment as the servers' writers do: the row, its stream's facts, and a change
naming the streams whose deployments or facts changed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.engine import create_engine
from gateway.store.facts import refresh_facts
from gateway.store.generation import StreamIds, bump_generation, deployments_changed
from gateway.store.models import Deployment

_deployment = Deployment.__table__  # type: ignore[attr-defined]
_OWN = ("space_id", "release_id", "project_id", "channel_id", "environment_id", "tenant_id")


async def append_like(engine: AsyncEngine, *, like: int, number: int, completed: int) -> None:
    """A successful deployment `number`, of the same release and stream as deployment `like`,
    completed at `completed`."""
    async with engine.begin() as connection:
        found = (
            await connection.execute(
                select(*(_deployment.c[name] for name in _OWN)).where(_deployment.c.id == like)
            )
        ).one()
        row = dict(zip(_OWN, found, strict=True))
        await connection.execute(
            _deployment.insert().values(
                id=number,
                task_state="Success",
                had_guided_failure=False,
                queue_time=completed - 1,
                start_time=completed - 1,
                completed_time=completed,
                **row,
            )
        )
        stream = StreamIds(
            row["project_id"], row["channel_id"], row["environment_id"], row["tenant_id"]
        )
        facts_changed: set[StreamIds] = set()
        await refresh_facts(
            connection, project_ids=[row["project_id"]], changed_streams=facts_changed
        )
        streams = {(row["space_id"], changed) for changed in facts_changed | {stream}}
        await bump_generation(connection, deployments_changed(streams))


async def append_from_another_process(
    database_url: str, *, like: int, number: int, completed: int
) -> None:
    other = create_engine(database_url)
    try:
        await append_like(other, like=like, number=number, completed=completed)
    finally:
        await other.dispose()
