"""What the server holds while it runs: settings, the engine, a session factory and the clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request

from gateway.kept_answers import AnswerKeeper
from gateway.settings import Settings
from gateway.store.cache import AnswerCache
from gateway.store.columns import SpaceColumns
from gateway.store.engine import opened_store, session_factory
from gateway.store.health import StoreHealth
from gateway.store.watch import StoreWatch
from mock_server.listing import index_cache


class ServerClock:
    """The settings' clock; a fixed one is moved on when the history is advanced
    (`POST /admin/advance`), so that the server's now stays where its history ends."""

    def __init__(self, read: Callable[[], int]) -> None:
        self._read = read
        self.offset = 0
        """Ticks added by advances, in this process."""

    def __call__(self) -> int:
        return self._read() + self.offset


@dataclass(frozen=True)
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    """One session per request; closing it rolls back whatever was not committed."""
    clock: ServerClock
    reset_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One admin reset at a time: a second waits rather than racing the first's writes."""
    answers: AnswerCache = field(default_factory=AnswerCache)
    """Encoded answers of GET requests (see `routes.cached`)."""
    columns: SpaceColumns = field(default_factory=SpaceColumns)
    """Each space's counted deployments as columns, kept current as the store changes."""
    indexes: AnswerCache = field(default_factory=index_cache)
    """The core collections' ordered ids and the event index (see `mock_server.listing`)."""
    health: StoreHealth = field(default_factory=StoreHealth)
    """Damage found while serving: then every answer that needs the store is a 503."""
    keeper: AnswerKeeper = field(init=False)
    """Keeps `answers` (see `gateway.kept_answers`)."""
    generations: StoreWatch = field(init=False)
    """The store's generation, read once per request; reading it tells the caches and columns
    what changed since the last read."""

    def __post_init__(self) -> None:
        watch = StoreWatch(self.engine, caches=[self.answers, self.indexes], columns=self.columns)
        object.__setattr__(self, "generations", watch)
        keeper = AnswerKeeper(self.answers, self.columns, real_clock=self.settings.now is None)
        object.__setattr__(self, "keeper", keeper)


@asynccontextmanager
async def opened_resources(settings: Settings) -> AsyncIterator[Resources]:
    async with opened_store(settings.database_url) as engine:
        resources = Resources(
            settings, engine, session_factory(engine), ServerClock(settings.clock())
        )
        try:
            yield resources
        finally:
            resources.generations.close()


def resources_of(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources
