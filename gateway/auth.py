"""Octopus's API key rule, shared by both servers: the `X-Octopus-ApiKey` header or the `apikey`
query parameter, compared with every accepted key in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from urllib.parse import parse_qsl

from starlette.types import Scope

API_KEY_HEADER = "X-Octopus-ApiKey"
QUERY_PARAMETER = "apikey"
UNAUTHENTICATED = (
    "You must be logged in to perform this action. Please provide a valid API key or log in again."
)

_HEADER = API_KEY_HEADER.lower().encode()


def presented_key(scope: Scope) -> bytes | None:
    """The key a request carries: the header first, then the query parameter."""
    for name, value in scope.get("headers", ()):
        if name == _HEADER:
            return bytes(value)
    query: str = scope.get("query_string", b"").decode("latin-1")
    for parameter, text in parse_qsl(query, keep_blank_values=True):
        if parameter == QUERY_PARAMETER:
            return text.encode("utf-8", "surrogateescape")
    return None


def key_accepted(presented: bytes | None, keys: Sequence[bytes]) -> bool:
    """Compares with every key, so that the time taken says nothing about which one matched."""
    if not presented:
        return False
    accepted = False
    for key in keys:
        accepted |= hmac.compare_digest(presented, key)
    return accepted
