"""`python -m seed`: generate a realistic store, import or export a data file, or seed the demo.

Exit codes: 0 done, 2 refused (bad input, or a store that needs --reset), 130 interrupted.

This module reads the command line and, for a large generation, starts simulating the history
in a second process at once; the commands themselves (`seed.commands`) are imported after that,
since the store's modules take half a second to import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gateway.settings import (
    DEFAULT_DATABASE_URL,
    add_store_arguments,
    parse_port,
    settings_from_arguments,
)
from seed.defaults import DEFAULT_DEPLOYMENTS, DEFAULT_SEED, HISTORY_MONTHS, SEPARATE_PROCESS_FROM
from seed.producer import HistoryProducer


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m seed",
        description="Fill an Insights Gateway store with Octopus data: generated, or from a file.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser(
        "generate",
        help="generate a believable, deterministic company history",
        description=f"Generate {HISTORY_MONTHS} months of a company's Octopus history up to "
        "--now. The same --seed, --deployments and --now always give the same data.",
    )
    add_store_arguments(generate)
    generate.add_argument(
        "--seed", type=_count, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    generate.add_argument(
        "--deployments",
        type=_count,
        default=DEFAULT_DEPLOYMENTS,
        metavar="N",
        help=f"about how many deployments to make (default {DEFAULT_DEPLOYMENTS:,})",
    )
    _reset_and_quiet(generate)

    load = commands.add_parser(
        "import",
        help="load a data file (SPEC.md) into the store",
        description="Validate a data file whole and load it; nothing is written when it has "
        "problems, and every problem is listed.",
    )
    load.add_argument("file", metavar="FILE", help="the data file, or - for standard input")
    _database_argument(load)
    _reset_and_quiet(load)

    dump = commands.add_parser(
        "export",
        help="write the store as a data file",
        description="Write the store's Octopus data as a data file; the same store always "
        "gives the same bytes.",
    )
    dump.add_argument("file", metavar="FILE", help="where to write, or - for standard output")
    _database_argument(dump)

    migrate_command = commands.add_parser(
        "migrate",
        help="create the store's tables, or bring them to this version",
        description="Apply the schema migrations the store lacks (run once after each "
        "upgrade, before starting the servers). Safe to run from several machines at once.",
    )
    _database_argument(migrate_command)

    sync = commands.add_parser(
        "sync",
        help="copy an Octopus Server's deployment history into the store",
        description="Read an Octopus Server's spaces, catalogue, releases, deployments, tasks, "
        "guided failures and Insights reports into the store. The first run copies everything; "
        "later runs copy only what changed. Stopped at any moment, a run goes on where it was "
        "when run again. The key needs only read permissions.",
    )
    sync.add_argument(
        "--octopus-url",
        help="the server's URL, like https://octopus.example (env INSIGHTS_OCTOPUS_URL)",
    )
    sync.add_argument(
        "--octopus-api-key", help="an API key of the server (env INSIGHTS_OCTOPUS_API_KEY)"
    )
    sync.add_argument(
        "--space",
        action="append",
        dest="spaces",
        metavar="Spaces-N",
        help="a space to copy (repeat for several; default: every space)",
    )
    sync.add_argument(
        "--concurrency",
        type=_count,
        default=4,
        metavar="N",
        help="requests in flight at once (default 4)",
    )
    _database_argument(sync)
    sync.add_argument(
        "--reset",
        action="store_true",
        help="replace whatever the store holds (another server's data, generated data)",
    )
    sync.add_argument("--quiet", action="store_true", help="no progress bar")

    demo = commands.add_parser(
        "demo",
        help="seed the demo store (replacing only a store the demo made)",
        description=f"Generate the default demo ({DEFAULT_DEPLOYMENTS:,} deployments, seed "
        f"{DEFAULT_SEED}) into the store. A store that holds other data is left alone.",
    )
    add_store_arguments(demo)
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.add_argument(
        "--serve",
        action="store_true",
        help="then run the mock server and the gateway on it until Ctrl-C (what `make demo` does)",
    )
    demo.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        help="with --serve: the key both servers accept (env INSIGHTS_API_KEYS; default: a "
        "random key, printed)",
    )
    demo.add_argument("--host", help="with --serve: the address to listen on (default 127.0.0.1)")
    demo.add_argument(
        "--gateway-port", type=parse_port, default=8080, help="with --serve (default 8080)"
    )
    demo.add_argument(
        "--mock-port", type=parse_port, default=8081, help="with --serve (default 8081)"
    )
    return parser


def _database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the store (env INSIGHTS_DATABASE_URL; "
        f"default {DEFAULT_DATABASE_URL})",
    )


def _reset_and_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reset",
        action="store_true",
        help="replace whatever the store holds (also an incomplete store or another schema)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    history = start_history(arguments)
    try:
        from seed.commands import run

        return run(arguments, history)
    finally:
        if history is not None:
            history.close()


def start_history(arguments: argparse.Namespace) -> HistoryProducer | None:
    """The history of a large `generate`, started in a second process; None for other commands
    and sizes, and when the settings do not read (the command then says what is wrong)."""
    if arguments.command != "generate" or arguments.deployments < SEPARATE_PROCESS_FROM:
        return None
    try:
        now = settings_from_arguments(arguments).clock()()
    except Exception:  # the command reports it, as it reports every bad setting
        return None
    return HistoryProducer(seed=arguments.seed, deployments=arguments.deployments, now=now)


if __name__ == "__main__":
    sys.exit(main())
