"""Running a server under uvicorn: one process, or several workers sharing the port.

Workers are started by uvicorn from an import string, so they read their settings from the
INSIGHTS_* environment (`Settings.to_env`), which is set here before they start. Each worker
keeps its own caches; the store's generation keeps them consistent (`gateway.store.cache`).

Slow or idle clients: uvicorn closes a keep-alive connection idle for `KEEP_ALIVE_SECONDS`;
`GuardedHttpProtocol` also closes one whose request headers have not all arrived within
`HEADERS_SECONDS` (uvicorn waits for them forever); a body that stalls is refused by
`gateway.request_limits`. Past `MAX_CONNECTIONS` open connections, new requests get a 503.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.settings import Settings

KEEP_ALIVE_SECONDS = 5
HEADERS_SECONDS = 10.0
MAX_CONNECTIONS = 1000
PROTOCOL = "gateway.serving:GuardedHttpProtocol"
"""For `uvicorn --http`, when a server is started with uvicorn's own command."""


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request's headers: from the moment
    the connection opens, or the previous response ends, to the end of the headers."""

    _headers_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_headers_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_headers_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_headers_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_headers_deadline()
        super().connection_lost(exc)

    def _arm_headers_deadline(self) -> None:
        self._disarm_headers_deadline()
        self._headers_deadline = self.loop.call_later(HEADERS_SECONDS, self._headers_too_late)

    def _disarm_headers_deadline(self) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None

    def _headers_too_late(self) -> None:
        self._headers_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def serve(settings: Settings, *, factory: str, create: Callable[[Settings], Any]) -> None:
    """Serve `create(settings)`; with several workers, `factory` (`module:function`, called with
    no arguments in each worker) builds the app from the environment instead."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": settings.access_log,
        "http": GuardedHttpProtocol,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": MAX_CONNECTIONS,
    }
    if settings.workers > 1:
        os.environ.update(settings.to_env())
        uvicorn.run(factory, factory=True, workers=settings.workers, **options)
    else:
        uvicorn.run(create(settings), **options)
