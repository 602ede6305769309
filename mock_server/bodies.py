"""Request bodies: JSON text to the core's `ReportDraft`, checking only JSON types.

What the values mean (names, ids, tags, groups, time zones) is the core validator's business;
this module answers 400 for what cannot even become a draft: text that is not JSON, a body that
is not an object, or a property of the wrong JSON type, every such problem listed at once.
Unknown properties are ignored; `null` counts as omitted (SPEC.md, Report validation).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.insights.report import EnvironmentGroup, ReportDraft, TenantMode
from gateway.strict_json import JsonError, decode
from mock_server.errors import bad_request

DEFAULT_TENANT_MODE = TenantMode.TENANTED_AND_UNTENANTED.value
_LISTS = {
    "ProjectGroupIds": "project_group_ids",
    "ProjectIds": "project_ids",
    "TenantIds": "tenant_ids",
    "TenantTags": "tenant_tags",
}


@dataclass(frozen=True, slots=True)
class ReportBody:
    draft: ReportDraft
    id: str | None
    """The body's `Id` (PUT compares it with the path)."""


def parse_json(raw: bytes) -> Any:
    try:
        return decode(raw)
    except JsonError as error:
        raise bad_request(f"The request body is not valid JSON: {error}.") from None


def _text(body: Mapping[str, Any], name: str, problems: list[str]) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    problems.append(f"{name} must be a string, not {json_type(value)}.")
    return None


def _texts(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where} must be an array of strings, not {json_type(value)}.")
        return ()
    wrong = [item for item in value if not isinstance(item, str)]
    if wrong:
        problems.append(f"{where} must hold only strings; {json.dumps(wrong[0])} is not one.")
        return ()
    return tuple(value)


def _groups(value: Any, problems: list[str]) -> tuple[EnvironmentGroup, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"EnvironmentGroups must be an array of objects, not {json_type(value)}.")
        return ()
    groups = []
    for index, item in enumerate(value):
        where = f"EnvironmentGroups[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object, not {json_type(item)}.")
            continue
        name = item.get("Name")
        if not isinstance(name, str):
            problems.append(f"{where}.Name must be a string, not {json_type(name)}.")
            name = ""
        environments = _texts(item.get("Environments"), f"{where}.Environments", problems)
        groups.append(EnvironmentGroup(name, environments))
    return tuple(groups)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def parse_report_body(raw: bytes) -> ReportBody:
    """A draft from a create or update body; a 400 lists every type problem at once.

    Omitted or null: `Name` and `SpaceId` are empty (so the validator names them), arrays empty,
    `TenantMode` TenantedAndUntenanted, `TimeZone` UTC.
    """
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_request(f"The request body must be a JSON object, not {json_type(body)}.")
    problems: list[str] = []
    space_id = _text(body, "SpaceId", problems)
    report_id = _text(body, "Id", problems)
    name = _text(body, "Name", problems)
    description = _text(body, "Description", problems)
    tenant_mode = _text(body, "TenantMode", problems)
    time_zone = _text(body, "TimeZone", problems)
    lists = {field: _texts(body.get(key), key, problems) for key, field in _LISTS.items()}
    groups = _groups(body.get("EnvironmentGroups"), problems)
    if problems:
        raise bad_request(*problems)
    draft = ReportDraft(
        space_id=space_id or "",
        name=name or "",
        description=description,
        tenant_mode=TenantMode.TENANTED_AND_UNTENANTED.value
        if tenant_mode is None
        else tenant_mode,
        environment_groups=groups,
        time_zone="UTC" if time_zone is None else time_zone,
        **lists,
    )
    return ReportBody(draft=draft, id=report_id)
