"""What the server holds while it runs: settings, the engine, a session factory and the clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request

from gateway.settings import Settings
from gateway.store.engine import opened_store, session_factory


@dataclass(frozen=True)
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    """One session per request; closing it rolls back whatever was not committed."""
    clock: Callable[[], int]
    reset_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One admin reset at a time: a second waits rather than racing the first's writes."""


@asynccontextmanager
async def opened_resources(settings: Settings) -> AsyncIterator[Resources]:
    async with opened_store(settings.database_url) as engine:
        yield Resources(settings, engine, session_factory(engine), settings.clock())


def resources_of(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources
