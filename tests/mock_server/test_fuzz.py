"""schemathesis against the app in process: every documented operation, every check.

The default run draws a few hundred cases; `pytest -m slow tests/mock_server/test_fuzz.py`
with FUZZ_EXAMPLES=N set (`make fuzz`) draws N per operation and phase.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import select
from starlette.applications import Starlette

from gateway.insights.ticks import parse_timestamp
from gateway.settings import Settings
from gateway.store.models import Space
from mock_server.app import create_app
from tests.mock_server.conftest import KEY
from tests.mock_server.world import NOW, write_world

# The schema cannot say that referenced ids must exist, that a report's name must be unused, or
# that tenantTagSetId is needed with split TenantTagSet: for these operations a well-formed
# request may still be a 400 that lists those problems.
VALUE_RULES = ["createInsightsReport", "updateInsightsReport", "getInsightsReportMetrics"]
CONFIG = {
    "generation": {"mode": "all"},
    "operations": [
        {
            "include-operation-id": VALUE_RULES,
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "404"]}
            },
        }
    ],
}


_STORE = tempfile.TemporaryDirectory(prefix="mock-server-fuzz-")


def fuzz_app() -> Starlette:
    """The app on a store of its own, holding the small world once its lifespan has started.

    schemathesis runs the lifespan and every request on one event loop of its own, so the world
    is written there too.
    """
    url = f"sqlite+aiosqlite:///{Path(_STORE.name) / 'store.db'}"
    app = create_app(
        Settings(
            database_url=url, api_keys=(KEY,), api_keys_generated=False, now=parse_timestamp(NOW)
        )
    )
    serve = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[None]:
        async with serve(application):
            engine = application.state.resources.engine
            async with engine.connect() as connection:
                empty = not (await connection.execute(select(Space.id))).first()
            if empty:  # schemathesis may stop and start the lifespan between tests
                await write_world(engine)
            yield

    app.router.lifespan_context = lifespan
    return app


schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", fuzz_app(), config=schemathesis.config.SchemathesisConfig.from_dict(CONFIG)
)
HEADERS = {"X-Octopus-ApiKey": KEY}


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=HEADERS)


@pytest.mark.slow
@pytest.mark.skipif("FUZZ_EXAMPLES" not in os.environ, reason="the long run: make fuzz")
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "0")) or 1,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_at_length(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=HEADERS)
