"""The admin surface for test suites, outside `/api` and behind the same key: health, reset.

    GET  /admin/health   the store's state and the server's clock
    POST /admin/reset    replace the store's data: `{"Seed": 1, "Deployments": 2000, "Now": "..."}`
                         generates the seeder's company, `{"DataFile": {...}}` loads a data file

These routes are not in `/api/openapi.json` (they are not Octopus's API); the README documents
them. A reset checks its whole body (and the data file) before writing anything, answers 400
with every problem otherwise, and replaces the data in one transaction, so that a failure leaves
the old store. What the server keeps between requests is kept per store generation, which the
reset raises, so the next request already sees the new data.
"""

from __future__ import annotations

import json
from argparse import ArgumentTypeError
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.insights.ticks import CLOCK_RANGE, format_timestamp
from gateway.settings import parse_now
from gateway.store.engine import read_info, store_state
from mock_server.bodies import json_type, parse_json
from mock_server.errors import bad_request
from mock_server.resources import resources_of
from seed.defaults import DEFAULT_DEPLOYMENTS, DEMO_ORIGIN
from seed.generator import describe_generation, generate_into
from seed.importing import DataFileError, import_into, parse_document
from seed.lifecycle import ORIGIN_KEY, LoadSummary

MAX_DEPLOYMENTS = 1_000_000
"""A reset generates in the server's process; more than this is a job for `python -m seed`."""

MAX_RESET_BODY_BYTES = 256 * 1024 * 1024
"""A data file of about 700,000 deployments; larger ones load with `python -m seed import`."""

DATA_FILE_ORIGIN = "admin reset: data file"

COUNTED = (
    ("Spaces", "space"),
    ("ProjectGroups", "project_group"),
    ("Projects", "project"),
    ("Channels", "channel"),
    ("Environments", "environment"),
    ("TagSets", "tag_set"),
    ("Tags", "tag"),
    ("Tenants", "tenant"),
    ("TenantTags", "tenant_tag"),
    ("Releases", "release"),
    ("Deployments", "deployment"),
    ("InsightsReports", "insights_report"),
)
"""The answer's count names (the data file's, plus tags and tenant tags) and their tables."""

Load = Callable[[AsyncEngine, str], Awaitable[LoadSummary]]
"""Loads the store, recording the origin it is given."""


@dataclass(frozen=True)
class ResetPlan:
    origin: str
    """What wrote the store, as `python -m seed` records it (the demo's mark aside)."""
    load: Load


async def health(request: Request) -> Response:
    """The store answers and is complete, or was found damaged (503, with SQLite's words);
    `Now` is the server's clock (fixed by --now)."""
    resources = resources_of(request)
    clock = {
        "Now": format_timestamp(resources.clock()),
        "ClockFixed": resources.settings.now is not None,
    }
    if resources.health.damage is None:
        state = await store_state(resources.engine)
        return JSONResponse({"Status": "Healthy", "Store": state, **clock})
    problem = {"Status": "Damaged", "Store": "damaged", "Problem": resources.health.message()}
    return JSONResponse({**problem, **clock}, status_code=503)


async def reset(request: Request) -> Response:
    """Replace the store's data as the body says; the counts of what it now holds."""
    resources = resources_of(request)
    plan = parse_reset(await request.body(), now=resources.clock())
    async with resources.reset_lock:
        origin = await _origin_after_reset(resources.engine, plan.origin)
        summary = await plan.load(resources.engine, origin)
    return JSONResponse(
        {
            "Origin": origin,
            "Counts": {name: summary.counts.get(table, 0) for name, table in COUNTED},
        }
    )


async def _origin_after_reset(engine: AsyncEngine, origin: str) -> str:
    """What the reset store records as its origin: the demo's store stays the demo's, so that
    `python -m seed demo` still replaces it."""
    async with engine.connect() as connection:
        before = (await read_info(connection)).get(ORIGIN_KEY, "")
    return f"{DEMO_ORIGIN}, then {origin}" if before.startswith(DEMO_ORIGIN) else origin


def parse_reset(raw: bytes, *, now: int) -> ResetPlan:
    """The reset a body asks for; a 400 lists every problem (the data file's included).

    Exactly one of `Seed` (with optional `Deployments`, default 20,000, and `Now`, default
    the server's clock) or `DataFile`. Unknown properties are ignored; `null` is omitted.
    """
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_request(f"The request body must be a JSON object, not {json_type(body)}.")
    given = {key: value for key, value in body.items() if value is not None}
    if "Seed" in given and "DataFile" in given:
        raise bad_request("Give Seed or DataFile, not both.")
    if "Seed" not in given and "DataFile" not in given:
        raise bad_request("Give Seed (with Deployments and Now, both optional) or DataFile.")
    if "DataFile" in given:
        return _data_file_plan(given)
    return _generation_plan(given, now=now)


def _generation_plan(body: Mapping[str, Any], *, now: int) -> ResetPlan:
    problems: list[str] = []
    seed = _whole_number(body, "Seed", 0, None, problems)
    deployments = _whole_number(body, "Deployments", 0, MAX_DEPLOYMENTS, problems)
    text = body.get("Now")
    if text is not None:
        try:
            now = parse_now(text)
        except ArgumentTypeError:
            problems.append(
                f"Now must be an ISO 8601 timestamp with a time zone {CLOCK_RANGE}, like "
                f"2026-11-26T12:00:00Z; {json.dumps(text)} is not one."
            )
    if problems or seed is None:
        raise bad_request(*problems)
    count = DEFAULT_DEPLOYMENTS if deployments is None else deployments
    origin = describe_generation(seed=seed, deployments=count, now=now)

    async def load(engine: AsyncEngine, origin: str) -> LoadSummary:
        return await generate_into(
            engine, seed=seed, deployments=count, now=now, reset=True, origin=origin
        )

    return ResetPlan(origin, load)


def _data_file_plan(body: Mapping[str, Any]) -> ResetPlan:
    extra = [key for key in ("Deployments", "Now") if key in body]
    if extra:
        raise bad_request(
            f"{' and '.join(extra)} go{'es' if len(extra) == 1 else ''} with Seed; "
            "a DataFile brings its own data."
        )
    try:
        data = parse_document(body["DataFile"], source="DataFile")
    except DataFileError as error:
        raise bad_request(*error.problems) from None

    async def load(engine: AsyncEngine, origin: str) -> LoadSummary:
        return await import_into(engine, data, reset=True, origin=origin)

    return ResetPlan(DATA_FILE_ORIGIN, load)


def _whole_number(
    body: Mapping[str, Any], name: str, low: int, high: int | None, problems: list[str]
) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    whole = isinstance(value, int) and not isinstance(value, bool)
    if whole and value >= low and (high is None or value <= high):
        return int(value)
    allowed = f"from {low:,} to {high:,}" if high is not None else f"of {low} or more"
    problems.append(f"{name} must be a whole number {allowed}, not {json.dumps(value)}.")
    return None


ADMIN_ROUTES: list[BaseRoute] = [
    Route("/admin/health", health, methods=["GET"]),
    Route("/admin/reset", reset, methods=["POST"]),
]
