"""The one report validator that REST and GraphQL share (SPEC.md, "Report validation"), and
the text rules that the data file's names follow too."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.problems import Field, Path, Problem, Rule
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
    problems: list[Problem] = []
    space = format_id(Kind.SPACE, catalogue.space_id)

    if not draft.space_id:
        problems.append(Problem(Rule.REQUIRED, (Field.SPACE_ID,)))
    elif draft.space_id != path_space_id:
        problems.append(
            Problem(Rule.SPACE_MISMATCH, (Field.SPACE_ID,), draft.space_id, other=path_space_id)
        )
    if path_report_id is not None and not body_report_id:
        problems.append(Problem(Rule.REQUIRED, (Field.ID,)))
    elif path_report_id is not None and body_report_id != path_report_id:
        problems.append(
            Problem(Rule.ID_MISMATCH, (Field.ID,), body_report_id, other=path_report_id)
        )

    name = draft.name if isinstance(draft.name, str) else ""
    if not name.strip():
        problems.append(Problem(Rule.REQUIRED, (Field.NAME,)))
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(Problem(Rule.TOO_LONG, (Field.NAME,), name, limit=MAX_NAME_LENGTH))
    elif has_control_characters(name):
        problems.append(Problem(Rule.CONTROL_CHARACTERS, (Field.NAME,), name))
    elif name.casefold() in {taken.casefold() for taken in taken_names}:
        problems.append(Problem(Rule.NAME_TAKEN, (Field.NAME,), name, space=space))
    problems += _description_problems(draft.description)

    for field, entries in (
        (Field.PROJECT_GROUP_IDS, draft.project_group_ids),
        (Field.PROJECT_IDS, draft.project_ids),
        (Field.TENANT_IDS, draft.tenant_ids),
        (Field.TENANT_TAGS, draft.tenant_tags),
    ):
        problems += _entries_problems((field,), entries)
    if any(len(entries) > MAX_ENTRIES for entries in _arrays(draft)):
        # Checking each of so many entries would only bury the point.
        raise Invalid([*problems, *_environment_group_problems(draft, catalogue, space)])

    problems += _unknown_ids(
        Field.PROJECT_GROUP_IDS,
        Kind.PROJECT_GROUP,
        draft.project_group_ids,
        catalogue.project_groups,
        space,
    )
    problems += _unknown_ids(
        Field.PROJECT_IDS, Kind.PROJECT, draft.project_ids, catalogue.projects, space
    )
    problems += _unknown_ids(
        Field.TENANT_IDS, Kind.TENANT, draft.tenant_ids, catalogue.tenants, space
    )
    tags = catalogue.tag_index()
    problems += [
        Problem(Rule.UNKNOWN_TAG, (Field.TENANT_TAGS, index), tag, space=space)
        for index, tag in enumerate(draft.tenant_tags)
        if tag not in tags
    ]
    problems += _environment_group_problems(draft, catalogue, space)

    if draft.tenant_mode not in {mode.value for mode in TenantMode}:
        problems.append(
            Problem(
                Rule.NOT_ONE_OF, (Field.TENANT_MODE,), draft.tenant_mode, choices=tuple(TenantMode)
            )
        )
    try:
        resolve_time_zone(draft.time_zone)
    except Invalid as error:
        problems += error.details
    if problems:
        raise Invalid(problems)


def _description_problems(description: str | None) -> list[Problem]:
    if description is None:
        return []
    if len(description) > MAX_DESCRIPTION_LENGTH:
        return [
            Problem(
                Rule.LONG_TEXT,
                (Field.DESCRIPTION,),
                description,
                limit=MAX_DESCRIPTION_LENGTH,
            )
        ]
    if has_control_characters(description, lines=True):
        return [Problem(Rule.CONTROL_CHARACTERS, (Field.DESCRIPTION,), description)]
    return []


def _entries_problems(
    at: Path, entries: tuple[str, ...], *, group: str | None = None
) -> list[Problem]:
    """At most `MAX_ENTRIES` entries, each listed once; `at` is the array's path, `group` the
    environment group it belongs to."""
    if len(entries) > MAX_ENTRIES:
        return [Problem(Rule.TOO_MANY_ENTRIES, at, len(entries), limit=MAX_ENTRIES, group=group)]
    seen: set[str] = set()
    reported: set[str] = set()
    problems = []
    for index, entry in enumerate(entries):
        if entry in seen and entry not in reported:
            problems.append(Problem(Rule.REPEATED_ENTRY, (*at, index), entry, group=group))
            reported.add(entry)
        seen.add(entry)
    return problems


def _arrays(draft: ReportDraft) -> list[tuple[object, ...]]:
    return [draft.project_group_ids, draft.project_ids, draft.tenant_ids, draft.tenant_tags]


def _first_indexes(texts: tuple[str, ...]) -> list[tuple[int, str]]:
    """Each distinct text with the index it first appears at: a repeated text is one problem."""
    first: dict[str, int] = {}
    for index, text in enumerate(texts):
        first.setdefault(text, index)
    return [(index, text) for text, index in first.items()]


def _unknown_ids(
    field: Field,
    kind: Kind,
    texts: tuple[str, ...],
    known: Mapping[int, object],
    space: str,
) -> list[Problem]:
    problems = []
    for index, text in _first_indexes(texts):
        number = parse_id(kind, text)
        if number is None or number not in known:
            problems.append(
                Problem(Rule.NOT_IN_SPACE, (field, index), text, kind=kind, space=space)
            )
    return problems


def _environment_group_problems(
    draft: ReportDraft, catalogue: SpaceCatalogue, space: str
) -> list[Problem]:
    groups = draft.environment_groups
    if len(groups) > MAX_ENVIRONMENT_GROUPS:
        return [
            Problem(
                Rule.TOO_MANY_ENTRIES,
                (Field.ENVIRONMENT_GROUPS,),
                len(groups),
                limit=MAX_ENVIRONMENT_GROUPS,
            )
        ]
    problems: list[Problem] = []
    seen_names: set[str] = set()
    owner: dict[str, str] = {}
    for position, group in enumerate(groups):
        at: Path = (Field.ENVIRONMENT_GROUPS, position)
        name = group.name if isinstance(group.name, str) else ""
        named: Path = (*at, Field.NAME)
        if not name.strip():
            problems.append(Problem(Rule.GROUP_NAME_REQUIRED, named))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(Problem(Rule.TOO_LONG, named, name, limit=MAX_NAME_LENGTH))
        elif has_control_characters(name):
            problems.append(Problem(Rule.CONTROL_CHARACTERS, named, name))
        elif name.casefold() in seen_names:
            problems.append(Problem(Rule.GROUP_NAME_REPEATED, named, name))
        seen_names.add(name.casefold())
        listed_at: Path = (*at, Field.ENVIRONMENTS)
        repeated = _entries_problems(listed_at, group.environments, group=name)
        if repeated:
            problems += repeated
            continue
        for index, text in enumerate(group.environments):
            where = (*listed_at, index)
            number = parse_id(Kind.ENVIRONMENT, text)
            if number is None or number not in catalogue.environments:
                problems.append(
                    Problem(
                        Rule.NOT_IN_SPACE,
                        where,
                        text,
                        kind=Kind.ENVIRONMENT,
                        space=space,
                        group=name,
                    )
                )
            elif text in owner and owner[text] != name:
                problems.append(
                    Problem(
                        Rule.ENVIRONMENT_IN_TWO_GROUPS, where, text, other=owner[text], group=name
                    )
                )
            else:
                owner.setdefault(text, name)
    return problems
