"""Octopus paging: `skip` and `take`, and the collection resource with its page links.

SPEC.md, REST conventions: both default (0, 30), integers from 0 to 2147483647;
`NumberOfPages` = ceil(TotalResults / take) (0 when take is 0), `LastPageNumber` =
max(NumberOfPages - 1, 0); links `Self`, `Template`, `Page.All`, `Page.Current`, `Page.Last`
always, then `Page.Next` while take > 0 and skip + take < TotalResults, and `Page.Previous`
when skip > 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mock_server.errors import bad_request

MAX_INT = 2_147_483_647
DEFAULT_TAKE = 30
_DIGITS = re.compile(r"[0-9]+\Z")


@dataclass(frozen=True, slots=True)
class Page:
    skip: int = 0
    take: int = DEFAULT_TAKE


def parse_page(query: Mapping[str, str]) -> Page:
    """skip and take from a query string; a 400 lists every bad one."""
    values: dict[str, int] = {}
    problems = []
    for name, default in (("skip", 0), ("take", DEFAULT_TAKE)):
        text = query.get(name)
        if text is None:
            values[name] = default
        elif _DIGITS.match(text) and len(text) <= len(str(MAX_INT)) and int(text) <= MAX_INT:
            values[name] = int(text)
        else:
            problems.append(
                f"The {name} parameter must be a whole number from 0 to {MAX_INT}; {text!r} is not."
            )
    if problems:
        raise bad_request(*problems)
    return Page(values["skip"], values["take"])


def collection(
    *,
    item_type: str,
    path: str,
    page: Page,
    total: int,
    items: list[dict[str, Any]],
    query: str = "",
    template: str | None = None,
) -> dict[str, Any]:
    """Octopus's paged collection resource, properties in the reference's order. A filtered
    collection's links keep its filters (`query`, after skip and take), so that following
    `Page.Next` pages through the same collection; `template` replaces `{?skip,take}`."""
    skip, take = page.skip, page.take
    pages = -(-total // take) if take > 0 else 0
    last_page = max(pages - 1, 0)
    rest = f"&{query}" if query else ""

    def link(at: int, size: int) -> str:
        return f"{path}?skip={at}&take={size}{rest}"

    links = {
        "Self": link(skip, take),
        "Template": template or f"{path}{{?skip,take}}",
        "Page.All": link(0, MAX_INT),
        "Page.Current": link(skip, take),
        "Page.Last": link(last_page * take, take),
    }
    if take > 0 and skip + take < total:
        links["Page.Next"] = link(skip + take, take)
    if skip > 0:
        links["Page.Previous"] = link(max(skip - take, 0), take)
    return {
        "ItemType": item_type,
        "TotalResults": total,
        "ItemsPerPage": take,
        "NumberOfPages": pages,
        "LastPageNumber": last_page,
        "Items": items,
        "Links": links,
    }
