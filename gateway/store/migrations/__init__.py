"""The store's schema migrations (Alembic), run in code on a connection the caller holds.

`versions/` holds one revision per change of `gateway.store.models`, numbered `0001`, `0002`...;
the first creates the schema from nothing, on SQLite and PostgreSQL alike. After changing the
models, write the next revision with `python -m gateway.store.migrations revision "what changed"`,
then read and correct what it generated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData
from sqlmodel import SQLModel

import gateway.store.models  # noqa: F401  (registers the tables)

DIRECTORY = Path(__file__).parent
CONNECTION = "connection"
"""The key of `Config.attributes` under which env.py finds the connection to migrate."""
TARGET_METADATA: MetaData = SQLModel.metadata
VERSION_TABLE = "alembic_version"


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built here rather than read from an alembic.ini."""
    settings = Config()
    settings.set_main_option("script_location", str(DIRECTORY))
    settings.set_main_option("file_template", "r%%(rev)s_%%(slug)s")
    settings.attributes[CONNECTION] = connection
    return settings


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The revision this code reads and writes."""
    revision = scripts().get_current_head()
    if revision is None:
        raise RuntimeError(f"no migration under {DIRECTORY / 'versions'}")
    return revision


def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in scripts().walk_revisions())


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None when it has never been migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Apply every migration up to `revision`, in the connection's transaction."""
    command.upgrade(config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    """Undo migrations down to `revision` ("base": nothing left)."""
    command.downgrade(config(connection), revision)


def stamp(connection: Connection, revision: str) -> None:
    """Record `revision` as applied without running anything."""
    command.stamp(config(connection), revision)


def differences(connection: Connection) -> list[Any]:
    """What the database's schema lacks or has beyond the models (empty when they agree)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found: list[Any] = compare_metadata(context, TARGET_METADATA)
    return found


def next_revision_id() -> str:
    numbers = [int(revision) for revision in known_revisions() if revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def write_revision(connection: Connection, message: str) -> Path:
    """Autogenerate the next revision: what the models have beyond a database at head."""
    created = command.revision(
        config(connection), message=message, autogenerate=True, rev_id=next_revision_id()
    )
    scripts_written = created if isinstance(created, list) else [created]
    if not scripts_written or scripts_written[0] is None:
        raise RuntimeError("Alembic wrote no revision")
    return Path(scripts_written[0].path)
