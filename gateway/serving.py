"""Running a server under uvicorn: one process, or several workers sharing the port.

Workers are started by uvicorn from an import string, so they read their settings from the
INSIGHTS_* environment (`Settings.to_env`), which is set here before they start. Each worker
keeps its own caches; the store's generation keeps them consistent (`gateway.store.cache`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import uvicorn

from gateway.settings import Settings


def serve(settings: Settings, *, factory: str, create: Callable[[Settings], Any]) -> None:
    """Serve `create(settings)`; with several workers, `factory` (`module:function`, called with
    no arguments in each worker) builds the app from the environment instead."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": settings.access_log,
    }
    if settings.workers > 1:
        os.environ.update(settings.to_env())
        uvicorn.run(factory, factory=True, workers=settings.workers, **options)
    else:
        uvicorn.run(create(settings), **options)
