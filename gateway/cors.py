"""Which browsers may call the gateway from other origins (CORS), for Starlette's middleware.

Only the configured origins are answered; requests carry the API key in a header (no cookies,
so no credentials mode). Preflights are cached by browsers for ten minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ALLOWED_HEADERS = (
    "Content-Type",
    "X-Octopus-ApiKey",
    # Apollo Client's client awareness headers.
    "apollographql-client-name",
    "apollographql-client-version",
)
PREFLIGHT_MAX_AGE = 600


def cors_options(origins: Sequence[str]) -> dict[str, Any]:
    """`CORSMiddleware`'s options for these origins (`*` allows any)."""
    return {
        "allow_origins": list(origins),
        "allow_methods": ["GET", "POST"],
        "allow_headers": list(ALLOWED_HEADERS),
        "max_age": PREFLIGHT_MAX_AGE,
    }
