"""The one report validator that REST and GraphQL share (SPEC.md, "Report validation"), and
the text rules that the data file's names follow too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.report import ReportDraft, TenantMode
from gateway.insights.timezones import resolve_time_zone

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 4_000
MAX_ENTRIES = 1_000
"""The most ids (or tags) in one array of a report, environment groups' environments included."""
MAX_ENVIRONMENT_GROUPS = 100

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str, *, lines: bool = False) -> bool:
    """Whether `text` holds a control character (C0, DEL or C1); with `lines`, tabs and line
    breaks are allowed (a description)."""
    return (_CONTROL_BUT_LINE_BREAKS if lines else _CONTROL).search(text) is not None


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

    Rules: `SpaceId` (and `Id` on update) present and equal to the path's; `Name` 1..200
    characters without control characters, unique in the space ignoring case (`taken_names`
    are the space's other reports); `Description` at most 4,000 characters, control characters
    other than tabs and line breaks refused; at most 1,000 entries in each array, each listed
    once, every id existing in the space and every tag too; at most 100 environment groups,
    their names present, without control characters and unique ignoring case, an environment in
    at most one group; `TenantMode` one of three; `TimeZone` a Windows or IANA name.
    """
    problems: list[str] = []
    space = format_id(Kind.SPACE, catalogue.space_id)

    if not draft.space_id:
        problems.append("The SpaceId is required.")
    elif draft.space_id != path_space_id:
        problems.append(
            f"The SpaceId {draft.space_id!r} does not match the space in the path, "
            f"{path_space_id!r}."
        )
    if path_report_id is not None and not body_report_id:
        problems.append("The Id is required.")
    elif path_report_id is not None and body_report_id != path_report_id:
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
    elif has_control_characters(name):
        problems.append(f"The Name {name!r} holds control characters.")
    elif name.casefold() in {taken.casefold() for taken in taken_names}:
        problems.append(f"The Name {name!r} is already used by another report in {space}.")
    problems += _description_problems(draft.description)

    for field, entries in (
        ("ProjectGroupIds", draft.project_group_ids),
        ("ProjectIds", draft.project_ids),
        ("TenantIds", draft.tenant_ids),
        ("TenantTags", draft.tenant_tags),
    ):
        problems += _entries_problems(f"The {field}", entries)
    if any(len(entries) > MAX_ENTRIES for entries in _arrays(draft)):
        # Checking each of so many entries would only bury the point.
        raise Invalid([*problems, *_environment_group_problems(draft, catalogue, space)])

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


def _description_problems(description: str | None) -> list[str]:
    if description is None:
        return []
    if len(description) > MAX_DESCRIPTION_LENGTH:
        return [
            f"The Description is {len(description):,} characters long; "
            f"the limit is {MAX_DESCRIPTION_LENGTH:,}."
        ]
    if has_control_characters(description, lines=True):
        return ["The Description holds control characters other than tabs and line breaks."]
    return []


def _entries_problems(owner: str, entries: tuple[str, ...]) -> list[str]:
    """At most `MAX_ENTRIES` entries, each listed once; `owner` names the array."""
    if len(entries) > MAX_ENTRIES:
        return [f"{owner} has {len(entries):,} entries; the limit is {MAX_ENTRIES:,}."]
    counts = Counter(entries)
    return [f"{owner} lists {entry!r} more than once." for entry, n in counts.items() if n > 1]


def _arrays(draft: ReportDraft) -> list[tuple[object, ...]]:
    return [draft.project_group_ids, draft.project_ids, draft.tenant_ids, draft.tenant_tags]


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
    groups = draft.environment_groups
    if len(groups) > MAX_ENVIRONMENT_GROUPS:
        return [
            f"The EnvironmentGroups has {len(groups):,} entries; "
            f"the limit is {MAX_ENVIRONMENT_GROUPS}."
        ]
    problems: list[str] = []
    seen_names: set[str] = set()
    owner: dict[str, str] = {}
    for group in groups:
        name = group.name if isinstance(group.name, str) else ""
        if not name.strip():
            problems.append("Every EnvironmentGroups entry needs a Name.")
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(
                f"The environment group name {name[:40]!r}... is {len(name)} characters long; "
                f"the limit is {MAX_NAME_LENGTH}."
            )
        elif has_control_characters(name):
            problems.append(f"The environment group name {name!r} holds control characters.")
        elif name.casefold() in seen_names:
            problems.append(f"The environment group name {name!r} is used more than once.")
        seen_names.add(name.casefold())
        repeated = _entries_problems(f"The environment group {name!r}", group.environments)
        if repeated:
            problems += repeated
            continue
        for text in group.environments:
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
