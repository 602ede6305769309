"""Octopus's core resources beside Insights: the catalogue and the history, in routing order."""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_server.catalogue_routes import CATALOGUE_ROUTES, SPACE_LIST_ROUTE
from mock_server.history_routes import FIRST_HISTORY_ROUTES, HISTORY_ROUTES

FIRST_CORE_ROUTES: list[BaseRoute] = [SPACE_LIST_ROUTE, *FIRST_HISTORY_ROUTES]
"""`/api/spaces`, `/api/tasks`, `/api/events`: routed before `/api/{spaceId}`, which their
paths would match."""

CORE_ROUTES: list[BaseRoute] = [*CATALOGUE_ROUTES, *HISTORY_ROUTES]
"""Every other core route: after the Insights routes, which most requests are for."""
