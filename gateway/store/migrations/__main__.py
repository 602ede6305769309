"""`python -m gateway.store.migrations revision MESSAGE`: write the next migration.

It migrates a scratch SQLite database to the current head and autogenerates what the models have
beyond it; review the file before committing it (renames come out as drop and create).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine

from gateway.store.migrations import head, upgrade, write_revision


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.store.migrations")
    commands = parser.add_subparsers(dest="command", required=True)
    revision = commands.add_parser("revision", help="autogenerate the next migration")
    revision.add_argument("message", help="what the migration changes, in a few words")
    commands.add_parser("head", help="print the revision this code reads and writes")
    arguments = parser.parse_args(argv)
    if arguments.command == "head":
        sys.stdout.write(f"{head()}\n")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            with engine.begin() as connection:
                upgrade(connection)
                path = write_revision(connection, arguments.message)
        finally:
            engine.dispose()
    sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
