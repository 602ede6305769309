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
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select
from starlette.applications import Starlette

from gateway.insights.ticks import parse_timestamp
from gateway.settings import Settings
from gateway.store.engine import migrate
from gateway.store.models import Space
from mock_server.app import create_app
from tests.mock_server.conftest import KEY
from tests.mock_server.value_rules import StoreFacts, broken_rule
from tests.mock_server.world import NOW, write_world

# The schema cannot say that referenced ids must exist, that a report's name must be unused, that
# a body's SpaceId must be the path's, or that tenantTagSetId is needed with split TenantTagSet:
# for these operations schemathesis's positive_data_acceptance check, which wants every
# schema-valid request accepted, is replaced by `accepts_exactly_the_valid`, which wants a 400
# exactly when the request breaks one of those rules (tests.mock_server.value_rules).
VALUE_RULES = {"createInsightsReport", "updateInsightsReport", "getInsightsReportMetrics"}
CONFIG = {"generation": {"mode": "all"}}


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
        await migrate(url)
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


STORE = StoreFacts(Path(_STORE.name) / "store.db")


def is_positive(case: schemathesis.Case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def accepts_exactly_the_valid(rule: str | None, status: int) -> None:
    """A schema-valid request is refused with 400 exactly when it breaks a value rule (`rule`,
    judged on the store before the request)."""
    if status == 400 and rule is None:
        raise AssertionError("a 400 for a request that breaks no rule")
    if 200 <= status < 300 and rule is not None:
        raise AssertionError(f"accepted, although {rule}")


def keeps_its_contract(case: schemathesis.Case) -> None:
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id not in VALUE_RULES:
        case.call_and_validate(headers=HEADERS)
        return
    positive = is_positive(case)
    rule = broken_rule(case, STORE) if positive else None
    response = case.call(headers=HEADERS)
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    if positive:
        accepts_exactly_the_valid(rule, response.status_code)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case: schemathesis.Case) -> None:
    keeps_its_contract(case)


@pytest.mark.slow
@pytest.mark.skipif("FUZZ_EXAMPLES" not in os.environ, reason="the long run: make fuzz")
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "0")) or 1,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_at_length(case: schemathesis.Case) -> None:
    keeps_its_contract(case)


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """schemathesis's stateful phase: sequences of calls following the document's links, each
    answer checked as above."""

    rule: str | None = None

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": HEADERS}

    def before_call(self, case: schemathesis.Case) -> None:
        self.rule = broken_rule(case, STORE) if is_positive(case) else None

    def validate_response(
        self, response: Any, case: schemathesis.Case, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        if case.operation.definition.raw.get("operationId") not in VALUE_RULES:
            super().validate_response(response, case, additional_checks, **kwargs)
            return
        case.validate_response(
            response, excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs or None
        )
        if is_positive(case):
            accepts_exactly_the_valid(self.rule, response.status_code)


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "0")) or 10,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
