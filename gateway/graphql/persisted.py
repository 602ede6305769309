"""Automatic persisted queries, as Apollo Client speaks them (`PersistedQueryLink`).

A request whose `extensions.persistedQuery` holds `{"version": 1, "sha256Hash": H}`:
- with a `query`: H must be the SHA-256 (hex) of the query's text, else 400 "provided sha does
  not match query"; the query is then remembered under H and run;
- without one: the query remembered under H is run; when none is, the answer is Apollo's
  `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND, status 200, not to be cached), on
  which the client sends the query with its hash.
Over POST the extension is in the JSON body; over GET in the `extensions` parameter (JSON).
The queries are remembered per process, the least recently used dropped past a bound; a
forgotten one only costs the client one more round trip. The answer cache keys a persisted
request on the document it resolves to, so a hash and its query share one kept answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope

from gateway.strict_json import JsonError, decode

NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
MISMATCH = "provided sha does not match query"
MAX_QUERIES = 2048
MAX_BYTES = 8 * 1024 * 1024
_HASH = re.compile(r"[0-9a-f]{64}\Z")
_MARK = b"persistedQuery"

Refuse = Callable[[int, str], Response]
"""How the gateway answers an HTTP-level fault: status and message in, GraphQL errors out."""


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Resolved:
    """A request with its persisted query resolved: the `request` Strawberry reads, the `key`
    the answer cache keeps a POST under (its body, or for a persisted query the document it
    resolves to), or the `refusal` to answer instead."""

    request: Request
    key: bytes = b""
    refusal: Response | None = None


def _replay(scope: Scope, body: bytes) -> Request:
    """A request that reads `body`."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    replay: Receive = receive
    return Request(scope=scope, receive=replay)


class PersistedQueries:
    """The queries this process has seen, by SHA-256, at most `max_queries` and `max_bytes`."""

    def __init__(
        self, refuse: Refuse, *, max_queries: int = MAX_QUERIES, max_bytes: int = MAX_BYTES
    ) -> None:
        self.refuse = refuse
        self.max_queries = max_queries
        self.max_bytes = max_bytes
        self._queries: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._queries)

    async def resolve(self, request: Request) -> Resolved:
        """A POST's body or a GET's query string, with the persisted query filled in."""
        if request.method != "POST":
            return self._resolve_query_string(request)
        body = await request.body()
        unchanged = Resolved(request, key=body)
        if _MARK not in body:
            return unchanged  # no JSON is parsed for a request that asks for none
        try:
            payload = decode(body)
        except JsonError:
            return unchanged
        if not isinstance(payload, dict):
            return unchanged
        query, refusal = self._query_of(payload.get("query"), payload.get("extensions"))
        if refusal is not None:
            return Resolved(request, refusal=refusal)
        if query is None:
            return unchanged
        document = {
            "query": query,
            "variables": payload.get("variables"),
            "operationName": payload.get("operationName"),
        }
        replay = _replay(request.scope, _dump({**payload, "query": query}))
        return Resolved(replay, key=_dump(document))

    def _resolve_query_string(self, request: Request) -> Resolved:
        parameters = dict(parse_qsl(request.scope.get("query_string", b"").decode("latin-1")))
        unchanged = Resolved(request)
        if "extensions" not in parameters:
            return unchanged
        try:
            extensions = decode(parameters["extensions"])
        except JsonError:
            return unchanged
        query, refusal = self._query_of(parameters.get("query"), extensions)
        if refusal is not None:
            return Resolved(request, refusal=refusal)
        if query is None:
            return unchanged
        parameters["query"] = query
        query_string = urlencode(parameters).encode("latin-1")
        return Resolved(Request({**request.scope, "query_string": query_string}, request.receive))

    def _query_of(self, query: Any, extensions: Any) -> tuple[str | None, Response | None]:
        """The query a request runs (None: it asks for no persisted query), or a refusal."""
        if not isinstance(extensions, Mapping) or "persistedQuery" not in extensions:
            return None, None
        persisted = extensions["persistedQuery"]
        if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
            return None, self.refuse(400, "Unsupported persisted query version")
        wanted = persisted.get("sha256Hash")
        if not isinstance(wanted, str) or not _HASH.match(wanted):
            return None, self.refuse(400, "sha256Hash must be 64 lower-case hexadecimal digits")
        if isinstance(query, str) and query:
            if sha256_hex(query) != wanted:
                return None, self.refuse(400, MISMATCH)
            self._remember(wanted, query)
            return query, None
        found = self._queries.get(wanted)
        if found is None:
            return None, not_found_answer()
        self._queries.move_to_end(wanted)
        return found, None

    def _remember(self, key: str, query: str) -> None:
        size = len(query.encode())
        if size > self.max_bytes or key in self._queries:
            return
        self._queries[key] = query
        self._bytes += size
        while len(self._queries) > self.max_queries or self._bytes > self.max_bytes:
            _, dropped = self._queries.popitem(last=False)
            self._bytes -= len(dropped.encode())


def not_found_answer() -> Response:
    """Apollo's answer to an unknown hash, which makes its client send the query."""
    return JSONResponse(
        {"errors": [{"message": NOT_FOUND, "extensions": {"code": NOT_FOUND_CODE}}]},
        headers={"Cache-Control": "private, no-cache, must-revalidate"},
    )


def _dump(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
