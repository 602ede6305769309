"""`create_app(settings)`: the mock Octopus server as a Starlette app (`uvicorn --factory`).

Middleware, outermost first: the error boundary (a bug -> logged, generic 500), the body limits
(413, 408), the API key guard (401), the damaged store guard (writes refused with 503), fault
injection (`Prefer: delay=..., status=...`, and the schedule set by `/admin/faults`), then the
routes, whose expected failures become Octopus error bodies in `errors.EXCEPTION_HANDLERS`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware

from gateway.request_limits import BodyLimits
from gateway.settings import Settings
from mock_server.admin import ADMIN_ROUTES, MAX_RESET_BODY_BYTES
from mock_server.advance import ADVANCE_ROUTE
from mock_server.auth import ApiKeyGuard
from mock_server.core_routes import CORE_ROUTES, FIRST_CORE_ROUTES
from mock_server.docs import DOCS_ROUTES, OPENAPI_ROUTE
from mock_server.errors import EXCEPTION_HANDLERS, DamagedStoreGuard, ErrorBoundary
from mock_server.faults import FAULT_ROUTES, FaultInjection, FaultSchedule
from mock_server.resources import opened_resources
from mock_server.routes import API_ROUTES

DEFAULT_PORT = 8081


def create_app(settings: Settings | None = None) -> Starlette:
    """The app; its lifespan opens the store named by `settings` and closes it on shutdown."""
    settings = settings or Settings.from_env(port=DEFAULT_PORT)
    faults = FaultSchedule()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with opened_resources(settings) as resources:
            app.state.resources = resources
            yield

    app = Starlette(
        # Starlette tries the routes in order, and nearly every request is for the API.
        routes=[
            OPENAPI_ROUTE,
            *FIRST_CORE_ROUTES,
            *API_ROUTES,
            *CORE_ROUTES,
            *DOCS_ROUTES,
            *ADMIN_ROUTES,
            *FAULT_ROUTES,
            ADVANCE_ROUTE,
        ],
        middleware=[
            Middleware(ErrorBoundary),
            Middleware(BodyLimits, limits={"/admin/reset": MAX_RESET_BODY_BYTES}),
            Middleware(ApiKeyGuard, keys=settings.api_keys),
            Middleware(DamagedStoreGuard),
            Middleware(FaultInjection, schedule=faults),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.fault_schedule = faults
    return app
