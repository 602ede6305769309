"""Offset paging behind opaque cursors: `first`/`after` in, edges and `pageInfo` out."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

from gateway.graphql.codes import BAD_USER_INPUT

MAX_PAGE_SIZE = 100
"""The most items one page may ask for."""

DEFAULT_PAGE_SIZE = 30
"""Octopus's default page size."""

_PREFIX = "offset:"

Node = TypeVar("Node")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor points at; a cursor this server did not write is a client error."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isdigit():
        raise bad_page(f"The cursor {cursor!r} is not one this server gave out.")
    return int(number)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A validated page: skip `offset` items, take at most `limit`."""

    offset: int
    limit: int


def bad_page(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})


def page_request(first: int, after: str | None, *, maximum: int = MAX_PAGE_SIZE) -> PageRequest:
    """`first` items after the cursor `after` (exclusive)."""
    if not 0 <= first <= maximum:
        raise bad_page(f"first must be between 0 and {maximum}; it was {first}.")
    offset = 0 if after is None else decode_cursor(after) + 1
    return PageRequest(offset=offset, limit=first)


@strawberry.type(description="Where a page stands in its whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items come before this page.")
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item (pass it as `after` for the next page); "
        "null on an empty page."
    )


@strawberry.type(description="An item of a page and its cursor.")
class Edge(Generic[Node]):
    cursor: str = strawberry.field(description="Pass as `after` to get the items that follow.")
    node: Node = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, with the list's total size.")
class Connection(Generic[Node]):
    total_count: int = strawberry.field(description="How many items the whole list holds.")
    edges: list[Edge[Node]] = strawberry.field(description="The page's items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")

    @strawberry.field(description="The page's items, without cursors.")
    def nodes(self) -> list[Node]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, items: Sequence[Node], *, total: int, page: PageRequest) -> Connection[Node]:
        """A connection over `items`, the page's own items starting at `page.offset`."""
        edges = [
            Edge(cursor=encode_cursor(page.offset + index), node=item)
            for index, item in enumerate(items)
        ]
        return cls(
            total_count=total,
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.offset + len(edges) < total,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
