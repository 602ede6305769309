"""`POST /admin/advance {"Days": 3}`: the generated history goes on as if that time had passed
(`seed.continuation`), so that a client's incremental syncs meet a server whose data grows.

The server's clock: a fixed one (`--now`) moves on by the same days, in this process, so that
a server started at its history's end stays there; a real clock does not move, and the history
may then not be taken past it. A store that was imported, not generated, is refused (400).
One advance or reset runs at a time.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.insights.ticks import TICKS_PER_DAY, format_timestamp
from mock_server.admin_values import json_object, whole_number
from mock_server.errors import bad_request
from mock_server.resources import resources_of
from seed.continuation import ContinuationError, advance_store

MAX_DAYS = 366


def parse_days(raw: bytes) -> int:
    body = json_object(raw)
    problems: list[str] = []
    if "Days" not in body:
        problems.append(f"Days is required: how many days to advance by, from 1 to {MAX_DAYS}.")
    days = whole_number(body, "Days", 1, MAX_DAYS, 0, problems)
    if problems:
        raise bad_request(*problems)
    return days


async def advance(request: Request) -> Response:
    resources = resources_of(request)
    days = parse_days(await request.body())
    fixed = resources.settings.now is not None
    async with resources.reset_lock:
        try:
            done = await advance_store(
                resources.engine, days=days, latest=None if fixed else resources.clock()
            )
        except ContinuationError as error:
            raise bad_request(str(error)) from None
        if fixed:
            resources.clock.offset += days * TICKS_PER_DAY
    return JSONResponse(
        {
            "HistoryEnd": format_timestamp(done.history.end),
            "Now": format_timestamp(resources.clock()),
            "Added": {"Releases": done.releases, "Deployments": done.deployments},
            "TasksMovedOn": done.finished,
        }
    )


ADVANCE_ROUTE = Route("/admin/advance", advance, methods=["POST"])
