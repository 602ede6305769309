"""A data file's insights reports, checked by the core's one report validator against the
catalogue the file's own spaces hold, each problem prefixed with the report's place
(`InsightsReports[2]: The TimeZone ...`).

The JSON types come first, as in a REST body: a report whose properties have the wrong types
is not given to the validator (its values would mean nothing), so its type problems are listed
alone. A report with a wrong `SpaceId` is still validated, but without its references, which
cannot resolve without a space.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind
from gateway.insights.report import EnvironmentGroup, ReportDraft, TenantMode
from gateway.insights.validation import validate_report
from seed.checks import Checker, SpaceHoldings
from seed.writer import Row

_LISTS = {
    "ProjectGroupIds": "project_group_ids",
    "ProjectIds": "project_ids",
    "TenantIds": "tenant_ids",
    "TenantTags": "tenant_tags",
}


def check_report(check: Checker, where: str, item: dict[str, Any]) -> Row:
    """The report's row; omitted properties take the REST resource's defaults."""
    number = check.own_id(where, item, Kind.INSIGHTS_REPORT)
    space = check.space(where, item)
    found = check.found
    name = check.optional_text(where, item, "Name")
    description = check.optional_text(where, item, "Description")
    mode = check.optional_text(where, item, "TenantMode")
    zone = check.optional_text(where, item, "TimeZone")
    icon_id = check.optional_text(where, item, "IconId")
    icon_color = check.optional_text(where, item, "IconColor")
    lists = {field: check.texts(where, item, key) for key, field in _LISTS.items()}
    groups = _environment_groups(check, where, item)
    row: Row = {
        "id": number,
        "space_id": space,
        "name": name,
        "description": description,
        **{field: list(values or ()) for field, values in lists.items()},
        "tenant_mode": TenantMode.TENANTED_AND_UNTENANTED.value if mode is None else mode,
        "environment_groups": [
            {"Name": group.name, "Environments": list(group.environments)} for group in groups or ()
        ],
        "time_zone": "UTC" if zone is None else zone,
        "icon_id": icon_id,
        "icon_color": icon_color,
    }
    if check.found > found or groups is None:
        return row
    draft = ReportDraft(
        space_id=str(item.get("SpaceId")),
        name=name or "",
        description=description,
        tenant_mode=row["tenant_mode"],
        environment_groups=groups,
        time_zone=row["time_zone"],
        **{field: values or () for field, values in lists.items()},
    )
    holdings = check.held[space] if space is not None else SpaceHoldings()
    if space is None:
        draft = replace(
            draft,
            project_group_ids=(),
            project_ids=(),
            tenant_ids=(),
            tenant_tags=(),
            environment_groups=tuple(EnvironmentGroup(group.name) for group in groups),
        )
    try:
        validate_report(
            draft,
            holdings.catalogue(space or 0),
            path_space_id=draft.space_id,
            taken_names=holdings.report_names,
        )
    except Invalid as error:
        for problem in error.problems:
            check.problem(where, problem)
    if name:
        holdings.report_names.append(name)
    return row


def _environment_groups(
    check: Checker, where: str, item: dict[str, Any]
) -> tuple[EnvironmentGroup, ...] | None:
    """The groups as the core sees them, or None when one has the wrong JSON type."""
    values = item.get("EnvironmentGroups")
    if values is None:
        return ()
    if not isinstance(values, list):
        check.problem(f"{where}.EnvironmentGroups", "must be an array")
        return None
    groups: list[EnvironmentGroup] = []
    typed = True
    for index, group in enumerate(values):
        at = f"{where}.EnvironmentGroups[{index}]"
        if not isinstance(group, dict):
            check.problem(at, "must be an object")
            typed = False
            continue
        name = check.optional_text(at, group, "Name")
        environments = check.texts(at, group, "Environments")
        if environments is None or (name is None and group.get("Name") is not None):
            typed = False
            continue
        groups.append(EnvironmentGroup(name or "", environments))
    return tuple(groups) if typed else None
