"""Large collections paged without scanning what comes before the page.

Releases, deployments, tasks and interruptions are listed newest first, which here means by id
number, highest first. A page at `skip` deep in a million rows must not cost an OFFSET over
everything before it (page after page, that is quadratic): each collection's ids, in order and
after its filters, are read once per store generation into a numpy array (8 bytes an id) and
kept in `Resources.indexes`; a page is a slice of it, and its rows are then read by id, through
the primary key (`IN_LIST_LIMIT` at a time).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.store.cache import AnswerCache, Sized
from mock_server.paging import Page

IdArray = npt.NDArray[np.int64]

INDEX_BYTES = 256 * 1024 * 1024
"""What the indexes may hold: the lists of a million-deployment store's collections (8 MB each)
and its event index (about 65 MB)."""

IN_LIST_LIMIT = 500
"""Ids per `id IN (...)` when a page's rows are read."""


def index_cache() -> AnswerCache:
    return AnswerCache(max_bytes=INDEX_BYTES, max_entries=256)


async def ids_of(connection: AsyncConnection, statement: Select[Any]) -> IdArray:
    """The single integer column of `statement`, as an array, taken from the driver's cursor
    (a result row per id would cost more than the query)."""
    result = await connection.execute(statement)
    cursor = getattr(result, "cursor", None)
    rows = cursor.fetchall() if cursor is not None else result.all()
    result.close()
    return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))


async def kept_ids(
    indexes: AnswerCache,
    generation: int,
    key: Hashable,
    build: Callable[[], Awaitable[IdArray]],
) -> IdArray:
    """The id list `build` reads, kept under `key` for this generation."""

    async def sized() -> Sized:
        ids = await build()
        return Sized(ids, int(ids.nbytes) + 64)

    ids: IdArray = await indexes.get_or_build(generation, ("ids", key), sized)
    return ids


def page_of(ids: IdArray, page: Page) -> IdArray:
    return ids[page.skip : page.skip + page.take] if page.take else ids[:0]
