"""API keys: `X-Octopus-ApiKey` header or `apikey` query parameter, compared in constant time.

Everything under `/api` and `/admin` needs a key, except the OpenAPI document (the contract is
not data, and the Swagger UI page fetches it before a key is typed in). A missing or wrong key is
answered 401 with the body SPEC.md gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth import key_accepted, presented_key
from mock_server.errors import UNAUTHORIZED, error_response

PUBLIC_PATHS = frozenset({"/api/openapi.json"})
PROTECTED_PREFIXES = ("/api", "/admin")


def needs_key(path: str) -> bool:
    if path in PUBLIC_PATHS:
        return False
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PROTECTED_PREFIXES)


class ApiKeyGuard:
    def __init__(self, app: ASGIApp, *, keys: Sequence[str]) -> None:
        self.app = app
        self.keys = tuple(key.encode() for key in keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and needs_key(scope["path"])
            and not key_accepted(presented_key(scope), self.keys)
        ):
            await error_response(401, UNAUTHORIZED)(scope, receive, send)
            return
        await self.app(scope, receive, send)
