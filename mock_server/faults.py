"""Fault injection on request, for a consumer's tests: `Prefer: delay=500, status=503`.

Preferences (RFC 7240 syntax, names case-insensitive, several in one header or in several):
- `delay=MS`: wait MS milliseconds (0 to 60000) before handling the request.
- `status=CODE`: answer CODE (400 to 599) with Octopus's error body instead of handling the
  request; nothing is read or written.
Applied to `/api` requests that passed the key check; the answer carries `Preference-Applied`.
Other preferences are ignored, as RFC 7240 asks; a malformed `delay` or `status` is a 400,
because a test that asked for a fault and silently got none would pass for the wrong reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.errors import ApiError, error_response

MAX_DELAY_MS = 60_000
INJECTED = "A fault was injected by the request's Prefer header."


@dataclass(frozen=True, slots=True)
class Faults:
    delay_ms: int | None = None
    status: int | None = None

    def applied(self) -> str:
        parts = []
        if self.delay_ms is not None:
            parts.append(f"delay={self.delay_ms}")
        if self.status is not None:
            parts.append(f"status={self.status}")
        return ", ".join(parts)


def _number(name: str, text: str, low: int, high: int) -> int:
    text = text.strip().strip('"')
    if not text.isdigit() or not low <= int(text) <= high:
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
    delay = status = None
    for value in values:
        for preference in value.split(","):
            token = preference.split(";", 1)[0]
            name, _, text = token.partition("=")
            name = name.strip().lower()
            if name == "delay":
                delay = _number("delay", text, 0, MAX_DELAY_MS)
            elif name == "status":
                status = _number("status", text, 400, 599)
    return Faults(delay, status)


class FaultInjection:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/api" or path.startswith("/api/")):
            await self.app(scope, receive, send)
            return
        prefer = [
            value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"prefer"
        ]
        if not prefer:
            await self.app(scope, receive, send)
            return
        try:
            faults = parse_prefer(prefer)
        except ApiError as error:
            await error_response(error.status, error.message, error.problems)(scope, receive, send)
            return
        if faults.delay_ms:
            await asyncio.sleep(faults.delay_ms / 1000)
        applied = faults.applied()
        if faults.status is not None:
            response = error_response(
                faults.status, INJECTED, headers={"Preference-Applied": applied}
            )
            await response(scope, receive, send)
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
