"""A store found damaged while a server runs: told apart from a failed query, and remembered,
so that the server says so (503, `/admin/health`) and writes nothing more into it.

Damage is what SQLite reports as SQLITE_CORRUPT or SQLITE_NOTADB: the file's pages no longer
hold a database. It is found at start by `PRAGMA quick_check` (`gateway.store.engine`), or
later by the query that reads a damaged page.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

_DAMAGE_CODES = frozenset({11, 26})
"""SQLITE_CORRUPT and SQLITE_NOTADB."""

DAMAGED_ADVICE = (
    "restore the store from a backup, or make it anew with `python -m seed generate --reset` "
    "(or `import FILE --reset`)"
)


def damage_of(error: BaseException | None) -> str | None:
    """SQLite's words for the damage `error` reports, or None when it reports none (the driver's
    error may be wrapped by SQLAlchemy, as `orig`, or chained as the cause)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, sqlite3.DatabaseError) and (
            getattr(error, "sqlite_errorcode", None) in _DAMAGE_CODES
        ):
            return str(error)
        error = getattr(error, "orig", None) or error.__cause__
        seen += 1
    return None


@dataclass
class StoreHealth:
    """What a server has learnt of its store's health while running."""

    damage: str | None = None
    """SQLite's words for the damage found, or None while none has been."""

    def record(self, error: BaseException | None) -> bool:
        """Remember the damage `error` reports; whether it reports any."""
        found = damage_of(error)
        if found is not None and self.damage is None:
            self.damage = found
        return found is not None

    def message(self) -> str:
        return f"The store is damaged ({self.damage}); {DAMAGED_ADVICE}."
