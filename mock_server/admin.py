"""The admin surface for test suites, outside `/api` and behind the same key: health, reset."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.insights.ticks import format_timestamp
from gateway.store.engine import store_state
from mock_server.resources import resources_of


async def health(request: Request) -> Response:
    """The store answers and is complete; `Now` is the server's clock (fixed by --now)."""
    resources = resources_of(request)
    state = await store_state(resources.engine)
    return JSONResponse(
        {
            "Status": "Healthy",
            "Store": state,
            "Now": format_timestamp(resources.clock()),
            "ClockFixed": resources.settings.now is not None,
        }
    )


ADMIN_ROUTES: list[BaseRoute] = [
    Route("/admin/health", health, methods=["GET"]),
]
