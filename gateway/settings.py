"""Settings shared by the gateway, the mock server and the seeder: flags first, then environment.

| flag             | environment          | default                                   |
|------------------|----------------------|-------------------------------------------|
| --database-url   | INSIGHTS_DATABASE_URL | sqlite+aiosqlite:///./data/insights.db   |
| --api-key        | INSIGHTS_API_KEYS    | a random key, printed at start            |
| --now            | INSIGHTS_NOW         | the current time                          |
| --host / --port  | INSIGHTS_HOST / _PORT | 127.0.0.1 / per server                   |
| --workers        | INSIGHTS_WORKERS     | 1 (server processes sharing the port)     |
| --access-log     | INSIGHTS_ACCESS_LOG  | off (a line per request costs throughput) |
"""

from __future__ import annotations

import argparse
import os
import secrets
import string
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from gateway.insights.ticks import (
    CLOCK_RANGE,
    TimestampError,
    format_timestamp,
    in_clock_range,
    parse_timestamp,
)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/insights.db"


def generate_api_key() -> str:
    """An Octopus-style key: `API-` and 26 upper-case letters and digits."""
    alphabet = string.ascii_uppercase + string.digits
    return "API-" + "".join(secrets.choice(alphabet) for _ in range(26))


@dataclass(frozen=True)
class Settings:
    """Everything a server or the seeder needs to start; nothing is read at import time."""

    database_url: str = DEFAULT_DATABASE_URL
    api_keys: tuple[str, ...] = field(default_factory=lambda: (generate_api_key(),))
    now: int | None = None
    """A fixed clock in ticks, or None for the real time."""
    host: str = "127.0.0.1"
    port: int = 8080
    api_keys_generated: bool = True
    """True when no key was configured and one was generated (the servers print it)."""
    workers: int = 1
    """Server processes (uvicorn workers) sharing the port; each keeps its own caches."""
    access_log: bool = False

    def clock(self) -> Callable[[], int]:
        """Now, in ticks: fixed when `now` is set."""
        if self.now is not None:
            fixed = self.now
            return lambda: fixed
        return lambda: time.time_ns() // 100

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, port: int = 8080) -> Settings:
        """Settings from INSIGHTS_* environment variables."""
        environ = os.environ if environ is None else environ
        settings = cls(port=port)
        if url := environ.get("INSIGHTS_DATABASE_URL"):
            settings = replace(settings, database_url=url)
        if keys := parse_api_keys(environ.get("INSIGHTS_API_KEYS", "")):
            settings = replace(settings, api_keys=keys, api_keys_generated=False)
        if now := environ.get("INSIGHTS_NOW"):
            settings = replace(settings, now=_from_env("INSIGHTS_NOW", parse_now, now))
        if host := environ.get("INSIGHTS_HOST"):
            settings = replace(settings, host=host)
        if value := environ.get("INSIGHTS_PORT"):
            settings = replace(settings, port=_from_env("INSIGHTS_PORT", parse_port, value))
        if value := environ.get("INSIGHTS_WORKERS"):
            settings = replace(
                settings, workers=_from_env("INSIGHTS_WORKERS", parse_workers, value)
            )
        if value := environ.get("INSIGHTS_ACCESS_LOG"):
            settings = replace(settings, access_log=value.strip().lower() in _TRUE)
        return settings

    def to_env(self) -> dict[str, str]:
        """The INSIGHTS_* variables `from_env` reads back as these settings: how worker
        processes, which uvicorn starts from an import string, get them."""
        environ = {
            "INSIGHTS_DATABASE_URL": self.database_url,
            "INSIGHTS_API_KEYS": ",".join(self.api_keys),
            "INSIGHTS_HOST": self.host,
            "INSIGHTS_PORT": str(self.port),
            "INSIGHTS_WORKERS": str(self.workers),
            "INSIGHTS_ACCESS_LOG": "1" if self.access_log else "0",
        }
        if self.now is not None:
            environ["INSIGHTS_NOW"] = format_timestamp(self.now)
        return environ


_TRUE = frozenset({"1", "true", "yes", "on"})


class SettingsError(ValueError):
    """An environment variable whose value is not usable; the message names it."""


def _from_env(name: str, parse: Callable[[str], int], text: str) -> int:
    try:
        return parse(text)
    except argparse.ArgumentTypeError as error:
        raise SettingsError(f"{name}: {error}") from None


def parse_workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if workers < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers (1 or more)")
    return workers


def parse_api_keys(text: str) -> tuple[str, ...]:
    """Keys separated by commas or white space."""
    return tuple(key for key in text.replace(",", " ").split() if key)


def parse_now(text: str) -> int:
    """An ISO 8601 timestamp with a zone within `CLOCK_RANGE`, in ticks (argparse-friendly
    errors)."""
    try:
        now = parse_timestamp(text)
    except TimestampError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not in_clock_range(now):
        raise argparse.ArgumentTypeError(f"{text!r} is not a clock {CLOCK_RANGE}")
    return now


def parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (1-65535)")
    return port


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the store (env INSIGHTS_DATABASE_URL; "
        f"default {DEFAULT_DATABASE_URL}; PostgreSQL: postgresql+asyncpg://user:pw@host/db)",
    )
    parser.add_argument(
        "--now",
        type=parse_now,
        help="a fixed clock, ISO 8601 with a zone, e.g. 2026-11-26T12:00:00Z (env INSIGHTS_NOW)",
    )


def add_server_arguments(parser: argparse.ArgumentParser, *, default_port: int) -> None:
    add_store_arguments(parser)
    parser.add_argument(
        "--host", help="address to listen on (env INSIGHTS_HOST; default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=parse_port, help=f"port (env INSIGHTS_PORT; default {default_port})"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        help="an accepted API key; repeat for several (env INSIGHTS_API_KEYS, comma-separated; "
        "default: a random key printed at start)",
    )
    parser.add_argument(
        "--workers",
        type=parse_workers,
        help="server processes sharing the port (env INSIGHTS_WORKERS; default 1)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        default=None,
        help="log a line per request (env INSIGHTS_ACCESS_LOG=1; default off)",
    )


def settings_from_arguments(
    arguments: argparse.Namespace,
    environ: Mapping[str, str] | None = None,
    *,
    default_port: int = 8080,
) -> Settings:
    """Flags override the environment, which overrides the defaults. A command's bad
    environment variable ends it as a bad flag does: `error: ...` and exit status 2."""
    try:
        settings = Settings.from_env(environ, port=default_port)
    except SettingsError as error:
        sys.stderr.write(f"error: {error}\n")
        raise SystemExit(2) from None
    changes: dict[str, object] = {}
    if getattr(arguments, "database_url", None):
        changes["database_url"] = arguments.database_url
    if getattr(arguments, "now", None) is not None:
        changes["now"] = arguments.now
    if getattr(arguments, "host", None):
        changes["host"] = arguments.host
    if getattr(arguments, "port", None):
        changes["port"] = arguments.port
    if getattr(arguments, "workers", None):
        changes["workers"] = arguments.workers
    if getattr(arguments, "access_log", None):
        changes["access_log"] = True
    keys: Sequence[str] | None = getattr(arguments, "api_keys", None)
    if keys:
        changes["api_keys"] = tuple(key for text in keys for key in parse_api_keys(text))
        changes["api_keys_generated"] = False
    return replace(settings, **changes)  # type: ignore[arg-type]
