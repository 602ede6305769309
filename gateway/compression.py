"""Kept answers, compressed once for the clients that accept gzip; shared by both servers.

A metrics answer of a large store is megabytes of JSON, which gzip makes about eight times
smaller. Both servers keep their GET and query answers per store generation
(`gateway.store.cache`), so each kept answer is compressed once, when it is made: a client that
sends `Accept-Encoding: gzip` (browsers, httpx, `curl --compressed`) then gets the small body at
no cost per request. Answers that are not kept (errors, writes) are small and go as they are.
"""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import Scope

SMALLEST_COMPRESSED = 1024
"""Bodies shorter than this go uncompressed: below about a packet, gzip saves nothing worth its
header."""
LEVEL = 6
"""zlib's default: level 9 is three times slower for 4% less."""
COMPRESSED_IN_THREAD = 256 * 1024
"""Bodies from this size are compressed off the event loop (zlib releases the GIL), so that
making a large answer does not hold up the requests being served meanwhile."""

_ACCEPT_ENCODING = b"accept-encoding"


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    """An encoded answer, and its gzip form when it is worth sending."""

    status: int
    body: bytes
    media_type: str | None
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        """Roughly the bytes it holds, for the cache's bound."""
        return len(self.body) + len(self.gzipped or b"") + 200

    def response(self, scope: Scope) -> Response:
        """The answer to the request of `scope`: gzip when the request accepts it."""
        if self.gzipped is None:
            return Response(self.body, status_code=self.status, media_type=self.media_type)
        # Either form may be sent for this URL: caches between must key on Accept-Encoding.
        headers = {"Vary": "Accept-Encoding"}
        if not accepts_gzip(scope):
            return Response(
                self.body, status_code=self.status, media_type=self.media_type, headers=headers
            )
        headers["Content-Encoding"] = "gzip"
        return Response(
            self.gzipped, status_code=self.status, media_type=self.media_type, headers=headers
        )


async def kept_answer(status: int, body: bytes, media_type: str | None) -> KeptAnswer:
    """`body` kept with its gzip form (made once, here) when it is large enough to gain."""
    if len(body) < SMALLEST_COMPRESSED:
        return KeptAnswer(status, body, media_type)
    if len(body) < COMPRESSED_IN_THREAD:
        gzipped = compress(body)
    else:
        gzipped = await asyncio.to_thread(compress, body)
    if len(gzipped) >= len(body):
        return KeptAnswer(status, body, media_type)
    return KeptAnswer(status, body, media_type, gzipped)


def compress(body: bytes) -> bytes:
    # mtime=0: the same answer always compresses to the same bytes.
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def accepts_gzip(scope: Scope) -> bool:
    """Whether the request's `Accept-Encoding` allows gzip (RFC 9110, section 12.5.3): `gzip`
    (or its alias `x-gzip`) with a non-zero weight, or, when neither is named, `*` with one."""
    values = [value for name, value in scope.get("headers", ()) if name == _ACCEPT_ENCODING]
    if not values:
        return False
    named: float | None = None
    anything: float | None = None
    for header in values:
        for item in header.decode("latin-1").split(","):
            coding, _, parameters = item.partition(";")
            coding = coding.strip().lower()
            if coding in ("gzip", "x-gzip"):
                named = max(named or 0.0, _weight(parameters))
            elif coding == "*":
                anything = max(anything or 0.0, _weight(parameters))
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def _weight(parameters: str) -> float:
    """The `q` of a coding's parameters: 1 when absent, 0 when not a valid weight."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0
