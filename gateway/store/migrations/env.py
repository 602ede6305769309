"""Alembic's entry point: migrate the connection the caller passes in `config.attributes`.

Nothing here opens a database; `gateway.store.migrations` runs the commands on a connection of
the store's own (async) engine, inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection
from sqlmodel.sql.sqltypes import AutoString

from gateway.store.migrations import CONNECTION, TARGET_METADATA


def _render_item(kind: str, item: Any, _context: Any) -> str | Literal[False]:
    # SQLModel's str columns are plain VARCHARs; keep sqlmodel out of the revisions.
    if kind == "type" and isinstance(item, AutoString):
        return "sa.String()"
    return False


def run_migrations() -> None:
    connection = context.config.attributes.get(CONNECTION)
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "the store's migrations run on an open connection: "
            "use gateway.store.engine.migrate or `python -m gateway.store.migrations`"
        )
    context.configure(
        connection=connection,
        target_metadata=TARGET_METADATA,
        compare_type=True,
        render_item=_render_item,
        # Revisions must run on SQLite, which alters a table by copying it: batch operations
        # do that there and are plain ALTERs on PostgreSQL.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
