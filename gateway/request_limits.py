"""How large a request body may be and how long it may take to arrive, for both servers.

`BodyLimits` wraps the ASGI `receive` of each HTTP request: a body larger than its path's
limit (by its `Content-Length`, or by what arrives) is refused with 413 without being kept,
and a body that stops arriving for `BODY_IDLE_SECONDS` with 408. Both are raised as
Starlette's `HTTPException` from the read, so that each server answers them in its own error
format through its own exception handler; the answer closes the connection. How long request
*headers* may take is the HTTP protocol's business (`gateway.serving`).

Before a 413 the rest of a body of at most `DISCARD_BYTES` is read and thrown away (for at
most `DISCARD_SECONDS`, and while it keeps arriving): closing a connection with unread data
in it resets it, and the reset can destroy the answer before the client has read it
(RFC 9112, section 9.6).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""A report is a few kilobytes, a GraphQL request (2,000 tokens and its variables) less."""
BODY_IDLE_SECONDS = 10.0
"""The longest pause allowed between two parts of a request body."""

DISCARD_BYTES = 64 * 1024 * 1024
"""The largest refused body that is read (and thrown away) so that its 413 arrives."""
DISCARD_SECONDS = 5.0
"""The longest time spent reading a refused body."""
DISCARD_IDLE_SECONDS = 1.0
"""The longest pause in a refused body before reading it is given up."""

_CLOSE = {"Connection": "close"}


def _size(size: int) -> str:
    return f"{size / 1_048_576:g} MB" if size >= 1_048_576 else f"{size:,} bytes"


class BodyLimits:
    """Refuse request bodies that are too large (413) or too slow (408).

    `limits` maps path prefixes to their own maximum (the longest matching prefix wins);
    every other path gets `max_bytes`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        limits: Mapping[str, int] | None = None,
        idle_seconds: float = BODY_IDLE_SECONDS,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limits = sorted((limits or {}).items(), key=lambda item: -len(item[0]))
        self.idle_seconds = idle_seconds

    def limit_for(self, path: str) -> int:
        return next(
            (size for prefix, size in self.limits if path.startswith(prefix)), self.max_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        received = 0
        complete = False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if declared is not None and declared > limit:
                if declared <= DISCARD_BYTES:
                    await _discard_rest(receive)
                raise _too_large(limit)
            if complete:
                return await receive()  # only a disconnect is left to wait for
            try:
                async with asyncio.timeout(self.idle_seconds):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(
                    408,
                    f"The request body stopped arriving for {self.idle_seconds:g} seconds.",
                    headers=_CLOSE,
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if message.get("more_body", False):
                        await _discard_rest(receive)
                    raise _too_large(limit)
                complete = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)


async def _discard_rest(receive: Receive) -> None:
    """Read what is left of a refused body, within bounds, so that closing does not reset."""
    discarded = 0
    loop = asyncio.get_running_loop()
    give_up = loop.time() + DISCARD_SECONDS
    while discarded <= DISCARD_BYTES:
        wait = min(DISCARD_IDLE_SECONDS, give_up - loop.time())
        try:
            async with asyncio.timeout(wait):
                message = await receive()
        except TimeoutError:
            return  # a client this slow gets its answer on a connection closed under it
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        discarded += len(message.get("body", b""))


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413, f"The request body is larger than {_size(limit)}, the limit here.", headers=_CLOSE
    )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() and len(text) < 20 else None
    return None
