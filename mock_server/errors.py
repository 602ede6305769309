"""Octopus error bodies, and the one place where failures become HTTP answers.

    ApiError            an answer decided by the REST layer (status, message, problems)
    InsightsError       from the core: Invalid -> 400 with every problem, NotFound -> 404
    HTTPException       from routing: unknown path -> 404, wrong method -> 405; from the body
                        limits: 413, 408
    DBAPIError          a store found damaged -> 503, remembered (writes refused from then on)
    anything else       a bug: logged with its traceback, answered with a generic 500

The body is always `{"ErrorMessage": ..., "Errors": [...]}` (SPEC.md, REST conventions).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.auth import UNAUTHENTICATED
from gateway.insights.errors import Invalid, NotFound, listed
from gateway.store.health import StoreHealth

logger = logging.getLogger("mock_server")

BAD_REQUEST = "There was a problem with your request."
UNAUTHORIZED = UNAUTHENTICATED
NOT_FOUND = "The resource you requested was not found."
SERVER_ERROR = "An unexpected error occurred on the server; it has been logged."


class ApiError(Exception):
    """An answer that the REST layer decided on: a status, a message and its problems."""

    def __init__(
        self,
        status: int,
        message: str,
        problems: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = tuple(problems)
        self.headers = headers or {}


def bad_request(*problems: str) -> ApiError:
    return ApiError(400, BAD_REQUEST, problems)


def error_body(message: str, problems: Sequence[str] = ()) -> bytes:
    return json.dumps(
        {"ErrorMessage": message, "Errors": listed(problems)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def error_response(
    status: int,
    message: str,
    problems: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        error_body(message, problems),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


async def api_error_handler(_request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.message, error.problems, error.headers)


async def invalid_handler(_request: Request, error: Exception) -> Response:
    assert isinstance(error, Invalid)
    return error_response(400, BAD_REQUEST, error.problems)


async def not_found_handler(_request: Request, error: Exception) -> Response:
    assert isinstance(error, NotFound)
    return error_response(404, str(error))


async def http_exception_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        return error_response(
            405,
            f"The method {request.method} is not allowed on this resource.",
            headers=dict(error.headers or {}),
        )
    if error.status_code == 404:
        return error_response(404, NOT_FOUND)
    return error_response(error.status_code, str(error.detail), headers=dict(error.headers or {}))


async def store_error_handler(request: Request, error: Exception) -> Response:
    """A damaged store is the store's fault, not the client's: 503, logged in one line; any
    other database error is a bug."""
    health: StoreHealth = request.app.state.resources.health
    if not health.record(error):
        raise error
    logger.error("%s %s: %s", request.method, request.url.path, health.message())
    return error_response(503, health.message())


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: api_error_handler,
    Invalid: invalid_handler,
    NotFound: not_found_handler,
    HTTPException: http_exception_handler,
    DBAPIError: store_error_handler,
    sqlite3.DatabaseError: store_error_handler,  # from the generation reader's own connection
}


class DamagedStoreGuard:
    """Once the store is found damaged, refuse every write (503) rather than write into it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            health: StoreHealth = scope["app"].state.resources.health
            if health.damage is not None:
                await error_response(503, health.message())(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ErrorBoundary:
    """The outermost guard: a bug is logged with its traceback and answered with a generic 500
    in Octopus's error body, and never reaches the client as a stack trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await error_response(500, SERVER_ERROR)(scope, receive, send)
