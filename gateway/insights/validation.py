"""The one report validator that REST and GraphQL share (SPEC.md, "Report validation")."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.report import ReportDraft, TenantMode
from gateway.insights.timezones import resolve_time_zone

MAX_NAME_LENGTH = 200


def validate_report(
    draft: ReportDraft,
    catalogue: SpaceCatalogue,
    *,
    path_space_id: str,
    path_report_id: str | None = None,
    body_report_id: str | None = None,
    taken_names: Collection[str],
) -> None:
    """Raise `Invalid` listing every rule the draft breaks, or return when it breaks none.

    Rules: `Name` 1..200 characters, unique in the space ignoring case (`taken_names` are the
    space's other reports); every id exists in the space; every tag exists; environment group
    names present and unique ignoring case, an environment in at most one group; `TenantMode`
    one of three; `TimeZone` a Windows or IANA name; `SpaceId` (and `Id` on update) equal to
    the path's. An empty `SpaceId` or absent `Id` is taken as the path's.
    """
    problems: list[str] = []
    space = format_id(Kind.SPACE, catalogue.space_id)

    if draft.space_id and draft.space_id != path_space_id:
        problems.append(
            f"The SpaceId {draft.space_id!r} does not match the space in the path, "
            f"{path_space_id!r}."
        )
    if path_report_id is not None and body_report_id and body_report_id != path_report_id:
        problems.append(
            f"The Id {body_report_id!r} does not match the report in the path, {path_report_id!r}."
        )

    name = draft.name if isinstance(draft.name, str) else ""
    if not name.strip():
        problems.append("The Name is required.")
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(
            f"The Name {name[:40]!r}... is {len(name)} characters long; "
            f"the limit is {MAX_NAME_LENGTH}."
        )
    elif name.casefold() in {taken.casefold() for taken in taken_names}:
        problems.append(f"The Name {name!r} is already used by another report in {space}.")

    problems += _unknown_ids(
        "ProjectGroupIds",
        Kind.PROJECT_GROUP,
        draft.project_group_ids,
        catalogue.project_groups,
        "project group",
        space,
    )
    problems += _unknown_ids(
        "ProjectIds", Kind.PROJECT, draft.project_ids, catalogue.projects, "project", space
    )
    problems += _unknown_ids(
        "TenantIds", Kind.TENANT, draft.tenant_ids, catalogue.tenants, "tenant", space
    )
    tags = catalogue.tag_index()
    problems += [
        f"The TenantTags entry {tag!r} is not a tag in {space} (tags are written 'Tag Set/Tag')."
        for tag in draft.tenant_tags
        if tag not in tags
    ]
    problems += _environment_group_problems(draft, catalogue, space)

    if draft.tenant_mode not in {mode.value for mode in TenantMode}:
        allowed = ", ".join(f"'{mode.value}'" for mode in TenantMode)
        problems.append(
            f"The TenantMode {draft.tenant_mode!r} is not valid; it should be one of {allowed}."
        )
    try:
        resolve_time_zone(draft.time_zone)
    except Invalid as error:
        problems += error.problems
    if problems:
        raise Invalid(problems)


def _unknown_ids(
    field: str,
    kind: Kind,
    texts: tuple[str, ...],
    known: Mapping[int, object],
    noun: str,
    space: str,
) -> list[str]:
    problems = []
    for text in dict.fromkeys(texts):
        number = parse_id(kind, text)
        if number is None or number not in known:
            problems.append(f"The {field} entry {text!r} is not a {noun} in {space}.")
    return problems


def _environment_group_problems(
    draft: ReportDraft, catalogue: SpaceCatalogue, space: str
) -> list[str]:
    problems: list[str] = []
    seen_names: set[str] = set()
    owner: dict[str, str] = {}
    for group in draft.environment_groups:
        name = group.name if isinstance(group.name, str) else ""
        if not name.strip():
            problems.append("Every EnvironmentGroups entry needs a Name.")
        elif name.casefold() in seen_names:
            problems.append(f"The environment group name {name!r} is used more than once.")
        seen_names.add(name.casefold())
        for text in dict.fromkeys(group.environments):
            number = parse_id(Kind.ENVIRONMENT, text)
            if number is None or number not in catalogue.environments:
                problems.append(
                    f"The environment {text!r} of environment group {name!r} "
                    f"is not an environment in {space}."
                )
            elif text in owner and owner[text] != name:
                problems.append(
                    f"The environment {text!r} is in environment groups {owner[text]!r} and "
                    f"{name!r}; an environment can be in one group only."
                )
            else:
                owner.setdefault(text, name)
    return problems
