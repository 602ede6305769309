"""`python -m mock_server`: serve the Octopus Insights REST API from a store.

    python -m mock_server [--host H] [--port 8081] [--database-url URL] [--api-key KEY] [--now TIME]
                          [--workers N] [--access-log]

Flags override INSIGHTS_* environment variables (see gateway.settings). With no key configured a
random one is generated and printed; a configured key is shown masked.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from gateway.insights.ticks import format_timestamp
from gateway.serving import serve
from gateway.settings import Settings, add_server_arguments, settings_from_arguments
from gateway.store.engine import StoreError, check_servable
from mock_server.app import DEFAULT_PORT, create_app


def parse_arguments(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m mock_server",
        description="A mock Octopus Deploy server: the Insights REST API, served from a store.",
    )
    add_server_arguments(parser, default_port=DEFAULT_PORT)
    return settings_from_arguments(parser.parse_args(argv), default_port=DEFAULT_PORT)


def masked(key: str) -> str:
    return key[:6] + "..." if len(key) > 10 else "***"


def banner(settings: Settings) -> str:
    url = f"http://{settings.host}:{settings.port}"
    if settings.api_keys_generated:
        keys = settings.api_keys[0]
    else:
        keys = ", ".join(masked(key) for key in settings.api_keys) + " (as configured)"
    example_key = settings.api_keys[0] if settings.api_keys_generated else "KEY"
    lines = [
        f"Mock Octopus server: {url}/api  (Swagger UI: {url}/docs)",
        f"API key: {keys}",
        f"Try: curl -H 'X-Octopus-ApiKey: {example_key}' {url}/api/Spaces-1/insights/reports",
    ]
    if settings.now is not None:
        lines.append(f"Clock fixed at {format_timestamp(settings.now)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_arguments(argv)

    try:
        asyncio.run(check_servable(settings.database_url))
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(banner(settings), flush=True)
    serve(settings, factory="mock_server.app:create_app", create=create_app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
