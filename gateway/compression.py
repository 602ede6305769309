"""Kept answers, compressed for the clients that accept it; shared by both servers.

A metrics answer of a large store is megabytes of JSON, which brotli makes about ten times
smaller and gzip about eight. Both servers keep their GET and query answers per store generation
(`gateway.store.cache`), so a kept answer is compressed at most once per coding, when the first
client that accepts that coding asks for it; every later request gets the small body at no cost.
Answers that are not kept (errors, writes) are small and go as they are.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable

import brotli
from starlette.responses import Response
from starlette.types import Scope

SMALLEST_COMPRESSED = 1024
"""Bodies shorter than this go uncompressed: below about a packet, compression saves nothing
worth its cost."""
COMPRESSED_IN_THREAD = 256 * 1024
"""Bodies from this size are compressed off the event loop (zlib and brotli release the GIL), so
that compressing a large answer does not hold up the requests being served meanwhile."""


def _brotli(body: bytes) -> bytes:
    # Quality 9 of 11: 20% smaller than gzip for twice its time (once per answer); 10 and 11
    # take forty times longer.
    return bytes(brotli.compress(body, mode=brotli.MODE_TEXT, quality=9))


def _gzip(body: bytes) -> bytes:
    # zlib's default level (9 is three times slower for 4% less); mtime=0: the same answer
    # always compresses to the same bytes.
    return gzip.compress(body, compresslevel=6, mtime=0)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {"br": _brotli, "gzip": _gzip}
"""The codings served, the better first: it is chosen when the client weighs them equally."""

_ACCEPT_ENCODING = b"accept-encoding"
_VARY = {"Vary": "Accept-Encoding"}


class KeptAnswer:
    """An encoded answer, and its compressed forms once asked for."""

    __slots__ = ("_compressed", "_sent", "body", "media_type", "status")

    def __init__(self, status: int, body: bytes, media_type: str | None) -> None:
        self.status = status
        self.body = body
        self.media_type = media_type
        # By coding: the compressed body, being or made once (None when it would not be smaller).
        self._compressed: dict[str, asyncio.Future[bytes | None]] = {}
        # By coding asked for: the body and headers to send, worked out once.
        self._sent: dict[str | None, tuple[bytes, list[tuple[bytes, bytes]]]] = {}

    @property
    def compressible(self) -> bool:
        """Only successful answers are: errors are small and must read as they are."""
        return self.status == 200 and len(self.body) >= SMALLEST_COMPRESSED

    @property
    def size(self) -> int:
        """Roughly the bytes it holds, compressed forms included, for the cache's bound."""
        return len(self.body) + (len(self.body) // 4 if self.compressible else 0) + 200

    async def response(self, scope: Scope) -> Response:
        """The answer to the request of `scope`, in the best coding it accepts."""
        coding = preferred_coding(scope) if self.compressible else None
        sent = self._sent.get(coding)
        if sent is None:
            sent = await self._to_send(coding)
            self._sent[coding] = sent
        body, headers = sent
        return PreparedResponse(body, self.status, self.media_type, list(headers))

    async def _to_send(self, coding: str | None) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        if not self.compressible:
            response = Response(self.body, status_code=self.status, media_type=self.media_type)
            return self.body, response.raw_headers
        # Either form may be sent for this URL: caches between must key on Accept-Encoding.
        compressed = None if coding is None else await self.compressed(coding)
        if coding is None or compressed is None:
            response = Response(
                self.body, status_code=self.status, media_type=self.media_type, headers=_VARY
            )
            return self.body, response.raw_headers
        response = Response(
            compressed,
            status_code=self.status,
            media_type=self.media_type,
            headers=_VARY | {"Content-Encoding": coding},
        )
        return compressed, response.raw_headers

    async def compressed(self, coding: str) -> bytes | None:
        """The body in `coding`, made on the first call; concurrent first calls share it."""
        made = self._compressed.get(coding)
        if made is None:
            made = asyncio.ensure_future(_compress(self.body, COMPRESSORS[coding]))
            self._compressed[coding] = made
        return await asyncio.shield(made)


class PreparedResponse(Response):
    """A response whose headers were worked out before: a kept answer is sent many times."""

    def __init__(
        self,
        body: bytes,
        status_code: int,
        media_type: str | None,
        raw_headers: list[tuple[bytes, bytes]],
    ) -> None:
        self.status_code = status_code
        self.media_type = media_type
        self.background = None
        self.body = body
        self.raw_headers = raw_headers


async def _compress(body: bytes, compressor: Callable[[bytes], bytes]) -> bytes | None:
    if len(body) < COMPRESSED_IN_THREAD:
        compressed = compressor(body)
    else:
        compressed = await asyncio.to_thread(compressor, body)
    return compressed if len(compressed) < len(body) else None


def preferred_coding(scope: Scope) -> str | None:
    """The served coding the request's `Accept-Encoding` weighs highest (RFC 9110, section
    12.5.3): a coding named with a non-zero weight, or, when it is not named, `*` with one; the
    better of equals. None: the body goes as it is."""
    values = tuple(value for name, value in scope.get("headers", ()) if name == _ACCEPT_ENCODING)
    if values in _PREFERRED:
        return _PREFERRED[values]
    weights = accepted_codings(scope)
    best: str | None = None
    best_weight = 0.0
    for coding in COMPRESSORS:
        weight = weights.get(coding, weights.get("*", 0.0))
        if weight > best_weight:
            best, best_weight = coding, weight
    if len(_PREFERRED) >= _PREFERRED_HELD:
        _PREFERRED.clear()  # clients choose the header: its values must not fill memory
    _PREFERRED[values] = best
    return best


_PREFERRED: dict[tuple[bytes, ...], str | None] = {}
"""The choice for each `Accept-Encoding` seen: clients send the same few values again and again."""
_PREFERRED_HELD = 256


def accepted_codings(scope: Scope) -> dict[str, float]:
    """Each coding the request's `Accept-Encoding` names, by its weight (`x-gzip` is gzip)."""
    weights: dict[str, float] = {}
    for name, value in scope.get("headers", ()):
        if name != _ACCEPT_ENCODING:
            continue
        for item in value.decode("latin-1").split(","):
            coding, _, parameters = item.partition(";")
            coding = coding.strip().lower()
            if coding == "x-gzip":
                coding = "gzip"
            if coding:
                weights[coding] = max(weights.get(coding, 0.0), _weight(parameters))
    return weights


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
