"""Fault injection for a consumer's tests: per request (`Prefer`) or on a schedule.

Per request, preferences (RFC 7240 syntax, names case-insensitive, several in one header or in
several):
- `delay=MS`: wait MS milliseconds (0 to 60000) before handling the request.
- `status=CODE`: answer CODE (400 to 599) with Octopus's error body instead of handling the
  request; nothing is read or written. A 429 or 503 carries `Retry-After: S`, S from
  `retry-after=S` (0 to 86400, default 1).
The answer carries `Preference-Applied`. Other preferences are ignored, as RFC 7240 asks; a
malformed value (anything but ASCII digits in range) is a 400, because a test that asked for a
fault and silently got none would pass for the wrong reason.

On a schedule (`POST /admin/faults`, shown by `GET /admin/faults`): `{"Rate": 0.2, "Statuses":
[429, 503], "DelayMs": 200, "Seed": 1, "RetryAfter": 1}` makes that share of requests fail with
one of those statuses, after that delay, each with Octopus's error body and `Retry-After`,
until `{"Rate": 0}`. Which requests fail is drawn from `random.Random(Seed)`, one draw per
request from the moment the schedule is set: the same sequence of requests gets the same
faults. The schedule lives in the server's process (with several workers, each has its own).

Both apply to `/api` requests that passed the key check; the schedule first.
"""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.admin_values import fraction, json_object, whole_number, whole_numbers
from mock_server.errors import ApiError, bad_request, error_response

MAX_DELAY_MS = 60_000
MAX_RETRY_AFTER = 86_400
DEFAULT_RETRY_AFTER = 1
DEFAULT_STATUSES = (503,)
RETRIED = frozenset({429, 503})
"""Statuses whose injected answers say when to try again."""
INJECTED = "A fault was injected by the request's Prefer header."
SCHEDULED = "A fault was injected by the server's fault schedule."
_DIGITS = re.compile(r"[0-9]{1,9}\Z")


@dataclass(frozen=True, slots=True)
class Faults:
    delay_ms: int | None = None
    status: int | None = None
    retry_after: int | None = None

    def applied(self) -> str:
        parts = []
        if self.delay_ms is not None:
            parts.append(f"delay={self.delay_ms}")
        if self.status is not None:
            parts.append(f"status={self.status}")
            if self.retry_after is not None and self.status in RETRIED:
                parts.append(f"retry-after={self.retry_after}")
        return ", ".join(parts)


def _number(name: str, text: str, low: int, high: int) -> int:
    text = text.strip().strip('"')
    if not _DIGITS.match(text) or not low <= int(text) <= high:
        raise ApiError(
            400,
            "There was a problem with your request.",
            [
                f"The Prefer header's {name} must be a whole number from {low} to {high}; "
                f"{text!r} is not."
            ],
        )
    return int(text)


def parse_prefer(values: list[str]) -> Faults:
    delay = status = retry_after = None
    for value in values:
        for preference in value.split(","):
            token = preference.split(";", 1)[0]
            name, _, text = token.partition("=")
            name = name.strip().lower()
            if name == "delay":
                delay = _number("delay", text, 0, MAX_DELAY_MS)
            elif name == "status":
                status = _number("status", text, 400, 599)
            elif name == "retry-after":
                retry_after = _number("retry-after", text, 0, MAX_RETRY_AFTER)
    return Faults(delay, status, retry_after)


def _retry_headers(status: int, seconds: int | None) -> dict[str, str]:
    if status not in RETRIED:
        return {}
    return {"Retry-After": str(DEFAULT_RETRY_AFTER if seconds is None else seconds)}


@dataclass(frozen=True, slots=True)
class Schedule:
    """What `POST /admin/faults` sets; the default fails nothing."""

    rate: float = 0.0
    statuses: tuple[int, ...] = DEFAULT_STATUSES
    delay_ms: int = 0
    seed: int = 0
    retry_after: int = DEFAULT_RETRY_AFTER


class FaultSchedule:
    """The server's fault schedule and its draws, one per request while the rate is above 0."""

    def __init__(self) -> None:
        self.set(Schedule())

    def set(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._random = random.Random(schedule.seed)
        self.requests = 0
        self.faults = 0

    def draw(self) -> int | None:
        """The status this request fails with, or None."""
        schedule = self.schedule
        if schedule.rate <= 0:
            return None
        self.requests += 1
        if self._random.random() >= schedule.rate:
            return None
        self.faults += 1
        return schedule.statuses[self._random.randrange(len(schedule.statuses))]

    def document(self) -> dict[str, object]:
        """The schedule as `GET /admin/faults` shows it, with how many requests it has seen and
        failed since it was set."""
        schedule = self.schedule
        return {
            "Rate": schedule.rate,
            "Statuses": list(schedule.statuses),
            "DelayMs": schedule.delay_ms,
            "Seed": schedule.seed,
            "RetryAfter": schedule.retry_after,
            "Requests": self.requests,
            "Faults": self.faults,
        }


def parse_schedule(raw: bytes) -> Schedule:
    """The schedule a body asks for; a 400 lists every problem. `Rate` is required."""
    body = json_object(raw)
    problems: list[str] = []
    rate = fraction(body, "Rate", problems)
    if rate is None and "Rate" not in body:
        problems.append("Rate is required: the share of requests to fail, from 0 to 1.")
    schedule = Schedule(
        rate=rate or 0.0,
        statuses=whole_numbers(body, "Statuses", 400, 599, DEFAULT_STATUSES, problems),
        delay_ms=whole_number(body, "DelayMs", 0, MAX_DELAY_MS, 0, problems),
        seed=whole_number(body, "Seed", 0, 2**63 - 1, 0, problems),
        retry_after=whole_number(
            body, "RetryAfter", 0, MAX_RETRY_AFTER, DEFAULT_RETRY_AFTER, problems
        ),
    )
    if problems:
        raise bad_request(*problems)
    return schedule


def schedule_of(request: Request) -> FaultSchedule:
    schedule: FaultSchedule = request.app.state.fault_schedule
    return schedule


async def show_faults(request: Request) -> Response:
    return JSONResponse(schedule_of(request).document())


async def set_faults(request: Request) -> Response:
    schedule = schedule_of(request)
    schedule.set(parse_schedule(await request.body()))
    return JSONResponse(schedule.document())


FAULT_ROUTES: list[BaseRoute] = [
    Route("/admin/faults", show_faults, methods=["GET"]),
    Route("/admin/faults", set_faults, methods=["POST"]),
]


class FaultInjection:
    def __init__(self, app: ASGIApp, *, schedule: FaultSchedule | None = None) -> None:
        self.app = app
        self.schedule = schedule or FaultSchedule()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/api" or path.startswith("/api/")):
            await self.app(scope, receive, send)
            return
        prefer = [
            value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"prefer"
        ]
        if not prefer and self.schedule.schedule.rate <= 0:
            await self.app(scope, receive, send)
            return
        try:
            faults = parse_prefer(prefer)
        except ApiError as error:
            await error_response(error.status, error.message, error.problems)(scope, receive, send)
            return
        scheduled = self.schedule.draw()
        if scheduled is not None:
            plan = self.schedule.schedule
            if plan.delay_ms:
                await asyncio.sleep(plan.delay_ms / 1000)
            headers = {"Retry-After": str(plan.retry_after)}
            await error_response(scheduled, SCHEDULED, headers=headers)(scope, receive, send)
            return
        if faults.delay_ms:
            await asyncio.sleep(faults.delay_ms / 1000)
        applied = faults.applied()
        if faults.status is not None:
            headers = {
                "Preference-Applied": applied,
                **_retry_headers(faults.status, faults.retry_after),
            }
            await error_response(faults.status, INJECTED, headers=headers)(scope, receive, send)
            return
        if not applied:
            await self.app(scope, receive, send)
            return

        async def marking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"preference-applied", applied.encode()),
                ]
            await send(message)

        await self.app(scope, receive, marking_send)
