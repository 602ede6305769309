"""The rules of the Insights API that JSON Schema cannot state, checked on a schemathesis case
by reading the store with plain SQL, so that a 400 for a schema-valid request can be told
apart from a wrong one.

They are: a body's `SpaceId` (and `Id`) must be the path's; a report's name must be unused in
its space (ignoring case); every referenced id and tag must exist in the space; environment
group names are unique ignoring case and an environment is in one group only; `TimeZone` must
be a known zone; `tenantTagSetId` is required with split `TenantTagSet`, and must be a tag set
of the space.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import schemathesis

from gateway.insights.errors import Invalid
from gateway.insights.timezones import resolve_time_zone


def _number(text: object, prefix: str) -> int | None:
    if not isinstance(text, str):
        return None
    head, _, digits = text.partition("-")
    return int(digits) if head == prefix and digits.isdigit() else None


class StoreFacts:
    """What the store holds, read afresh for each case (the stateful phase writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _rows(self, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
        try:
            return connection.execute(sql, parameters).fetchall()
        finally:
            connection.close()

    def ids(self, table: str, space: int) -> set[int]:
        return {row[0] for row in self._rows(f"SELECT id FROM {table} WHERE space_id = ?", space)}

    def tags(self, space: int) -> set[str]:
        sql = (
            "SELECT tag.canonical_name FROM tag JOIN tag_set ON tag.tag_set_id = tag_set.id "
            "WHERE tag_set.space_id = ?"
        )
        return {row[0] for row in self._rows(sql, space)}

    def report_names(self, space: int, *, other_than: int | None) -> set[str]:
        rows = self._rows("SELECT id, name FROM insights_report WHERE space_id = ?", space)
        return {name.casefold() for number, name in rows if number != other_than}


def broken_rule(case: schemathesis.Case, store: StoreFacts) -> str | None:
    """The first value rule the case's request breaks, or None."""
    space = _number(str(case.path_parameters.get("spaceId", "")), "Spaces")
    if space is None:
        return None
    report_text = case.path_parameters.get("reportId")
    report = None if report_text is None else _number(str(report_text), "InsightsReports")
    if case.method.upper() == "GET":
        return _metrics_rule(case.query or {}, store, space)
    body = case.body if isinstance(case.body, dict) else {}
    return _body_rule(body, store, space, case.path_parameters, report)


def _metrics_rule(query: dict[str, Any], store: StoreFacts, space: int) -> str | None:
    if str(query.get("split", "")).strip().casefold() != "tenanttagset":
        return None
    tag_set = _number(str(query.get("tenantTagSetId") or ""), "TagSets")
    if tag_set is None or tag_set not in store.ids("tag_set", space):
        return "split TenantTagSet needs a tag set of the space"
    return None


def _body_rule(
    body: dict[str, Any],
    store: StoreFacts,
    space: int,
    path: dict[str, Any],
    report: int | None,
) -> str | None:
    if body.get("SpaceId") != path.get("spaceId"):
        return "SpaceId is not the path's"
    if report is not None and body.get("Id") != path.get("reportId"):
        return "Id is not the path's"
    name = body.get("Name")
    if isinstance(name, str) and name.casefold() in store.report_names(space, other_than=report):
        return "the name is taken"
    for key, table, prefix in (
        ("ProjectGroupIds", "project_group", "ProjectGroups"),
        ("ProjectIds", "project", "Projects"),
        ("TenantIds", "tenant", "Tenants"),
    ):
        known = store.ids(table, space)
        if any(_number(text, prefix) not in known for text in body.get(key) or ()):
            return f"{key} names an id not in the space"
    if set(body.get("TenantTags") or ()) - store.tags(space):
        return "TenantTags names a tag not in the space"
    groups = body.get("EnvironmentGroups") or []
    names = [str(group.get("Name", "")).casefold() for group in groups]
    if len(set(names)) < len(names):
        return "two environment groups share a name"
    environments = [text for group in groups for text in group.get("Environments") or ()]
    if len(set(environments)) < len(environments):
        return "an environment is in two groups"
    known = store.ids("environment", space)
    if any(_number(text, "Environments") not in known for text in environments):
        return "an environment group names an environment not in the space"
    zone = body.get("TimeZone")
    if zone is not None:
        try:
            resolve_time_zone(zone)
        except Invalid:
            return "TimeZone is not a known zone"
    return None
