"""The per-request context: the session factory, the clock and its reading, the DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info as StrawberryInfo

from gateway.graphql.loaders import Loaders
from gateway.kept_answers import Reading
from gateway.store.columns import SpaceColumns
from gateway.store.health import StoreHealth


@dataclass
class Context:
    """What every resolver of one request shares.

    `now` is read once, so that every field of a response agrees on the time. Resolvers open a
    session each (`sessions()`): sibling resolvers run concurrently and must not share one.
    """

    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], int]
    """The server's clock, in ticks (fixed by `--now`)."""
    columns: SpaceColumns | None = None
    """The server's cache of each space's deployments as columns, for metrics."""
    health: StoreHealth = field(default_factory=StoreHealth)
    """Damage found in the store while serving: then mutations are refused."""
    now: int = field(init=False)
    """The clock read once when the request began."""
    reading: Reading = field(default_factory=Reading)
    """What the answer depends on, for keeping it (`gateway.kept_answers`)."""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.now = self.clock()
        self.loaders = Loaders(self.sessions)


Info = StrawberryInfo[Context, None]
