"""`python -m gateway` serves the GraphQL gateway; `export-schema` writes its SDL."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.settings import (
    Settings,
    add_server_arguments,
    parse_origin,
    settings_from_arguments,
)

DEFAULT_PORT = 8080
SCHEMA_FILE = Path(__file__).parent / "graphql" / "schema.graphql"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gateway",
        description="Insights Gateway: DORA metrics over Octopus Deploy data, as GraphQL.",
    )
    add_server_arguments(parser, default_port=DEFAULT_PORT)
    parser.add_argument(
        "--cors-origin",
        action="append",
        dest="cors_origins",
        type=parse_origin,
        metavar="ORIGIN",
        help="let browsers on this origin call the gateway, like https://app.example.com "
        "(repeatable; * for any; env INSIGHTS_CORS_ORIGINS, comma-separated; default none)",
    )
    commands = parser.add_subparsers(
        dest="command", title="commands", description="with none, serve GraphQL at /graphql"
    )
    export = commands.add_parser("export-schema", help="write the schema's SDL to a file")
    export.add_argument(
        "--output", type=Path, default=SCHEMA_FILE, help=f"where to write (default {SCHEMA_FILE})"
    )
    export.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the file differs"
    )
    return parser


def schema_sdl() -> str:
    from gateway.graphql.schema import schema

    return schema.as_str() + "\n"


def export_schema(output: Path, *, check: bool) -> int:
    sdl = schema_sdl()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != sdl:
            print(
                f"{output} is out of date: run `python -m gateway export-schema`", file=sys.stderr
            )
            return 1
        print(f"{output} is up to date")
        return 0
    output.write_text(sdl, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def serve(settings: Settings) -> int:
    from gateway.app import create_app
    from gateway.serving import serve
    from gateway.store.engine import StoreError, check_servable

    try:
        asyncio.run(check_servable(settings.database_url))
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    url = f"http://{settings.host}:{settings.port}/graphql"
    key = settings.api_keys[0]
    print(f"Insights Gateway (GraphQL): {url}")
    print(f"API key: {key}" + (" (generated)" if settings.api_keys_generated else ""))
    print(f"GraphiQL: {url}?apikey={key}")
    sys.stdout.flush()
    serve(settings, factory="gateway.app:app_from_env", create=create_app)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.command == "export-schema":
        return export_schema(arguments.output, check=arguments.check)
    return serve(settings_from_arguments(arguments, default_port=DEFAULT_PORT))


if __name__ == "__main__":
    sys.exit(main())
