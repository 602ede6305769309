"""The store's generation: a number that every write raises in its own transaction, so that a
cache in any process (or on any machine sharing the database) knows when what it holds is stale."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, cast, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gateway.store.models import StoreInfo

GENERATION_KEY = "generation"

_info = StoreInfo.__table__  # type: ignore[attr-defined]


async def read_generation(executor: AsyncConnection | AsyncSession) -> int:
    """The current generation (0 for a store never written since it was made)."""
    value = await executor.scalar(select(_info.c.value).where(_info.c.key == GENERATION_KEY))
    return int(value or 0)


async def bump_generation(executor: AsyncConnection | AsyncSession) -> None:
    """Raise the generation inside the caller's transaction: readers see the new number exactly
    when they see the written data."""
    raised = await executor.execute(
        update(_info)
        .where(_info.c.key == GENERATION_KEY)
        .values(value=cast(cast(_info.c.value, BigInteger) + 1, String))
    )
    if raised.rowcount == 0:  # type: ignore[attr-defined]
        await executor.execute(_info.insert().values(key=GENERATION_KEY, value="1"))
