"""Field checks for the data file: each reads one property, records a problem naming the place
and the value when it is wrong, and returns the value to store (None when wrong).

The checker also remembers what earlier arrays defined (ids and the space each lives in, and
each space's catalogue as the core sees it), so that a reference can be checked to resolve
inside the same space and a report can be checked by the core's validator.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    SpaceCatalogue,
    TagSetInfo,
    TenantInfo,
)
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.ticks import TimestampError, parse_timestamp
from gateway.insights.validation import has_control_characters

_NAME_LIMIT = 200
_INT_LOW, _INT_HIGH = -(2**31), 2**31 - 1


@dataclass
class SpaceHoldings:
    """What one space of the file holds so far: the catalogue reports refer to, and the names of
    its reports (a later report's name must differ from these)."""

    project_groups: dict[int, ProjectGroupInfo] = field(default_factory=dict)
    projects: dict[int, ProjectInfo] = field(default_factory=dict)
    environments: dict[int, EnvironmentInfo] = field(default_factory=dict)
    tenants: dict[int, TenantInfo] = field(default_factory=dict)
    tag_sets: dict[int, TagSetInfo] = field(default_factory=dict)
    report_names: list[str] = field(default_factory=list)

    def catalogue(self, space_id: int) -> SpaceCatalogue:
        return SpaceCatalogue(
            space_id=space_id,
            project_groups=self.project_groups,
            projects=self.projects,
            environments=self.environments,
            tenants=self.tenants,
            tag_sets=self.tag_sets,
        )


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)[:80]


class Checker:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.problems: list[str] = []
        self.more = 0
        self.spaces: set[int] = set()
        self.owner: dict[Kind, dict[int, int]] = defaultdict(dict)
        """Kind -> id number -> the number of the space it lives in."""
        self.channel_project: dict[int, int] = {}
        self.release_stream: dict[int, tuple[int, int]] = {}
        """Release -> (project, channel)."""
        self.tags: dict[int, set[str]] = {}
        """Space -> canonical tag names."""
        self.held: defaultdict[int, SpaceHoldings] = defaultdict(SpaceHoldings)
        """Space -> what it holds, for the report validator."""
        self._seen: dict[Kind, dict[int, str]] = defaultdict(dict)
        self._names: dict[tuple[Kind, str], dict[str, str]] = defaultdict(dict)

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(f"{where}: {message}")
        else:
            self.more += 1

    @property
    def found(self) -> int:
        """How many problems were found so far, listed or not."""
        return len(self.problems) + self.more

    def items(self, array: str, values: list[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        for index, item in enumerate(values):
            where = f"{array}[{index}]"
            if isinstance(item, dict):
                yield where, item
            else:
                self.problem(where, "must be an object")

    # -- plain values ------------------------------------------------------------------------

    def text(self, where: str, item: dict[str, Any], key: str) -> str | None:
        value = item.get(key)
        if value is None:
            self.problem(f"{where}.{key}", "is required")
        elif not isinstance(value, str) or not value.strip():
            self.problem(f"{where}.{key}", f"{_show(value)} must be non-empty text")
        else:
            return value
        return None

    def optional_text(self, where: str, item: dict[str, Any], key: str) -> str | None:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            self.problem(f"{where}.{key}", f"{_show(value)} must be text or null")
            return None
        return value

    def texts(self, where: str, item: dict[str, Any], key: str) -> tuple[str, ...] | None:
        """An array of text; absent or null is empty."""
        values = item.get(key)
        if values is None:
            return ()
        if not isinstance(values, list):
            self.problem(f"{where}.{key}", f"{_show(values)} must be an array")
            return None
        wrong = [value for value in values if not isinstance(value, str)]
        if wrong:
            self.problem(f"{where}.{key}", f"{_show(wrong[0])} must be text")
            return None
        return tuple(values)

    def integer(self, where: str, item: dict[str, Any], key: str, *, default: int) -> int | None:
        value = item.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{where}.{key}", f"{_show(value)} must be a whole number")
            return None
        if not _INT_LOW <= value <= _INT_HIGH:
            # The store's integer columns are 32-bit on PostgreSQL; SQLite would overflow later.
            self.problem(
                f"{where}.{key}", f"{value} must be a whole number from {_INT_LOW} to {_INT_HIGH}"
            )
            return None
        return value

    def boolean(self, where: str, item: dict[str, Any], key: str, *, default: bool) -> bool | None:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"{where}.{key}", f"{_show(value)} must be true or false")
            return None
        return value

    def timestamp(
        self, where: str, item: dict[str, Any], key: str, *, nullable: bool = False
    ) -> int | None:
        value = item.get(key)
        if value is None:
            if not nullable:
                self.problem(f"{where}.{key}", "is required")
            return None
        try:
            return parse_timestamp(value)
        except TimestampError as error:
            self.problem(f"{where}.{key}", str(error))
            return None

    def choice(
        self, where: str, item: dict[str, Any], key: str, kind: type[StrEnum], allowed: str
    ) -> str | None:
        value = item.get(key)
        if value is None:
            self.problem(f"{where}.{key}", f"is required (one of {allowed})")
        elif value not in {member.value for member in kind}:
            self.problem(f"{where}.{key}", f"{_show(value)} is not one of {allowed}")
        else:
            return str(value)
        return None

    # -- ids, names and references ---------------------------------------------------------

    def own_id(self, where: str, item: dict[str, Any], kind: Kind) -> int | None:
        value = item.get("Id")
        number = parse_id(kind, value)
        if number is None:
            if value is None:
                self.problem(f"{where}.Id", f"is required (like {kind.value}-1)")
            else:
                self.problem(f"{where}.Id", f"{_show(value)} is not an id like {kind.value}-1")
            return None
        first = self._seen[kind].get(number)
        if first is not None:
            self.problem(f"{where}.Id", f"{value} is also the id of {first}")
            return None
        self._seen[kind][number] = where
        return number

    def space(self, where: str, item: dict[str, Any]) -> int | None:
        value = item.get("SpaceId")
        number = parse_id(Kind.SPACE, value)
        if number is None:
            shown = "is required" if value is None else f"{_show(value)} is not a space id"
            self.problem(f"{where}.SpaceId", shown)
        elif number not in self.spaces:
            self.problem(f"{where}.SpaceId", f"{value} does not exist")
            return None
        return number

    def name(
        self, where: str, item: dict[str, Any], key: str, *, scope: int | None, kind: Kind
    ) -> str | None:
        """A name unique (ignoring case) among its kind in its scope: the space, or for a
        channel its project (`scope` None: the scope was wrong, uniqueness is not checked)."""
        value = self.text(where, item, key)
        if value is None:
            return None
        if len(value) > _NAME_LIMIT:
            self.problem(
                f"{where}.{key}", f"is {len(value)} characters long; the limit is {_NAME_LIMIT}"
            )
        elif has_control_characters(value):
            self.problem(f"{where}.{key}", f"{_show(value)} holds control characters")
        if kind is Kind.SPACE or scope is not None:
            label = (
                ""
                if kind is Kind.SPACE
                else format_id(Kind.PROJECT if kind is Kind.CHANNEL else Kind.SPACE, scope or 0)
            )
            taken = self._names[(kind, label)]
            first = taken.get(value.lower())
            if first is not None:
                inside = f" in {label}" if label else ""
                self.problem(
                    f"{where}.{key}", f"{_show(value)} is also the name of {first}{inside}"
                )
            else:
                taken[value.lower()] = where
        return value

    def reference(
        self,
        where: str,
        item: dict[str, Any],
        key: str,
        kind: Kind,
        space: int | None,
        *,
        nullable: bool = False,
    ) -> int | None:
        value = item.get(key)
        if value is None:
            if not nullable:
                self.problem(f"{where}.{key}", "is required")
            return None
        return self._resolve(f"{where}.{key}", value, kind, space)

    def _resolve(self, where: str, value: object, kind: Kind, space: int | None) -> int | None:
        number = parse_id(kind, value)
        if number is None:
            self.problem(where, f"{_show(value)} is not an id like {kind.value}-1")
            return None
        home = self.owner[kind].get(number)
        if home is None:
            inside = "" if space is None else f" in {format_id(Kind.SPACE, space)}"
            self.problem(where, f"{value} does not exist{inside}")
            return None
        if space is not None and home != space:
            self.problem(
                where,
                f"{value} does not exist in {format_id(Kind.SPACE, space)} "
                f"(it is in {format_id(Kind.SPACE, home)})",
            )
            return None
        return number

    def tag_list(
        self, where: str, item: dict[str, Any], key: str, space: int | None
    ) -> list[str] | None:
        values = self._list(where, item, key)
        known = self.tags.get(space or 0, set())
        seen: set[str] = set()
        for index, value in enumerate(values):
            at = f"{where}.{key}[{index}]"
            if not isinstance(value, str):
                self.problem(at, f"{_show(value)} must be a tag's canonical name (Tag Set/Tag)")
            elif space is not None and value not in known:
                self.problem(at, f"{_show(value)} is not a tag of {format_id(Kind.SPACE, space)}")
            elif value in seen:
                self.problem(at, f"{_show(value)} appears twice")
            seen.add(str(value))
        return [value for value in values if isinstance(value, str)]

    def _list(self, where: str, item: dict[str, Any], key: str) -> list[Any]:
        value = item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"{where}.{key}", f"{_show(value)} must be an array")
            return []
        return value
