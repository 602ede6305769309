"""The one report validator that REST and GraphQL share (SPEC.md, "Report validation")."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.problems import Field, Path, Problem, Rule
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
    problems: list[Problem] = []
    space = format_id(Kind.SPACE, catalogue.space_id)

    if draft.space_id and draft.space_id != path_space_id:
        problems.append(
            Problem(Rule.SPACE_MISMATCH, (Field.SPACE_ID,), draft.space_id, other=path_space_id)
        )
    if path_report_id is not None and body_report_id and body_report_id != path_report_id:
        problems.append(
            Problem(Rule.ID_MISMATCH, (Field.ID,), body_report_id, other=path_report_id)
        )

    name = draft.name if isinstance(draft.name, str) else ""
    if not name.strip():
        problems.append(Problem(Rule.REQUIRED, (Field.NAME,)))
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(Problem(Rule.TOO_LONG, (Field.NAME,), name, limit=MAX_NAME_LENGTH))
    elif name.casefold() in {taken.casefold() for taken in taken_names}:
        problems.append(Problem(Rule.NAME_TAKEN, (Field.NAME,), name, space=space))

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
    problems: list[Problem] = []
    seen_names: set[str] = set()
    owner: dict[str, str] = {}
    for position, group in enumerate(draft.environment_groups):
        at: Path = (Field.ENVIRONMENT_GROUPS, position)
        name = group.name if isinstance(group.name, str) else ""
        if not name.strip():
            problems.append(Problem(Rule.GROUP_NAME_REQUIRED, (*at, Field.NAME)))
        elif name.casefold() in seen_names:
            problems.append(Problem(Rule.GROUP_NAME_REPEATED, (*at, Field.NAME), name))
        seen_names.add(name.casefold())
        for index, text in _first_indexes(group.environments):
            where = (*at, Field.ENVIRONMENTS, index)
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
