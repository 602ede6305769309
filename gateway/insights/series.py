"""Series of a split (SPEC.md, "Series"): which series each deployment counts in, by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.metrics import MetricsQuery, SeriesKey, SeriesKind, Split, tag_set_required
from gateway.insights.problems import Field, Problem, Rule
from gateway.insights.scope import NO_TENANT

ALL = "All"
UNTENANTED = "Untenanted"
UNTAGGED = "Untagged"

Ints = npt.NDArray[np.int64]


Member = tuple[str, SeriesKind, str | None]
"""A series an entity counts in: its name, and the kind and id of the entity."""


@dataclass(frozen=True, slots=True)
class SeriesLabels:
    """Row `rows[i]` counts in series `series[i]`; a row appears once per series it counts in
    (more than once only for TenantTagSet). `always`: list every series, even empty ones.
    `keys[j]` is what stands behind series `names[j]`."""

    rows: npt.NDArray[np.intp]
    series: npt.NDArray[np.intp]
    names: tuple[str, ...]
    always: bool
    keys: tuple[SeriesKey, ...]


def name_order(name: str) -> tuple[str, str]:
    """Series order: by name ignoring case, then ordinal."""
    return (name.casefold(), name)


def series_labels(
    query: MetricsQuery,
    catalogue: SpaceCatalogue,
    environment_groups: tuple[tuple[str, frozenset[int]], ...],
    *,
    project_ids: Ints,
    environment_ids: Ints,
    tenant_ids: Ints,
) -> SeriesLabels:
    """Series by `query.split`: None (and EnvironmentGroup on a report without groups): "All";
    Project, ProjectGroup, Environment, Tenant: the entity's name ("Untenanted" for no tenant);
    EnvironmentGroup: the report's group names in its order; TenantTagSet: each tag's Name of
    the set a tenant has, else "Untagged", or "Untenanted". Names are ordered by `name_order`."""
    count = len(project_ids)
    split = query.split
    if split is Split.None_ or (split is Split.EnvironmentGroup and not environment_groups):
        every = np.arange(count)
        return SeriesLabels(
            every, np.zeros(count, dtype=np.intp), (ALL,), True, (SeriesKey(SeriesKind.ALL),)
        )
    if split is Split.EnvironmentGroup:
        names = tuple(name for name, _ in environment_groups)
        owner = {
            environment: index
            for index, (_, environments) in reversed(list(enumerate(environment_groups)))
            for environment in environments
        }
        keys = tuple(SeriesKey(SeriesKind.ENVIRONMENT_GROUP, (name,)) for name in names)
        return _labelled(
            environment_ids,
            lambda e: [(names[owner[e]], SeriesKind.ENVIRONMENT_GROUP, names[owner[e]])],
            names,
            keys,
        )
    if split is Split.Project:
        return _by_name(project_ids, lambda p: [_project_member(catalogue, p)])
    if split is Split.ProjectGroup:
        return _by_name(project_ids, lambda p: [_group_member(catalogue, p)])
    if split is Split.Environment:
        return _by_name(environment_ids, lambda e: [_environment_member(catalogue, e)])
    if split is Split.Tenant:
        return _by_name(tenant_ids, lambda t: [_tenant_member(catalogue, t)])
    return _by_name(tenant_ids, _tag_members(query, catalogue))


def _project_member(catalogue: SpaceCatalogue, project: int) -> Member:
    info = catalogue.projects.get(project)
    id_ = format_id(Kind.PROJECT, project)
    return (info.name if info else id_, SeriesKind.PROJECT, id_)


def _group_member(catalogue: SpaceCatalogue, project: int) -> Member:
    info = catalogue.projects.get(project)
    if info is None:
        return ("?", SeriesKind.PROJECT_GROUP, None)
    group = catalogue.project_groups.get(info.project_group_id)
    id_ = format_id(Kind.PROJECT_GROUP, info.project_group_id)
    return (group.name if group else id_, SeriesKind.PROJECT_GROUP, id_)


def _environment_member(catalogue: SpaceCatalogue, environment: int) -> Member:
    info = catalogue.environments.get(environment)
    id_ = format_id(Kind.ENVIRONMENT, environment)
    return (info.name if info else id_, SeriesKind.ENVIRONMENT, id_)


def _tenant_member(catalogue: SpaceCatalogue, tenant: int) -> Member:
    if tenant == NO_TENANT:
        return (UNTENANTED, SeriesKind.UNTENANTED, None)
    info = catalogue.tenants.get(tenant)
    id_ = format_id(Kind.TENANT, tenant)
    return (info.name if info else id_, SeriesKind.TENANT, id_)


def _tag_members(query: MetricsQuery, catalogue: SpaceCatalogue) -> Callable[[int], list[Member]]:
    tag_set = catalogue.tag_sets.get(query.tenant_tag_set_id or 0)
    if tag_set is None:
        shown = (
            format_id(Kind.TAG_SET, query.tenant_tag_set_id)
            if query.tenant_tag_set_id is not None
            else None
        )
        space = format_id(Kind.SPACE, catalogue.space_id)
        raise Invalid(
            [
                Problem(
                    Rule.NOT_IN_SPACE,
                    (Field.TENANT_TAG_SET_ID,),
                    shown,
                    kind=Kind.TAG_SET,
                    space=space,
                )
            ]
            if shown
            else [tag_set_required()]
        )
    names = {tag.canonical_name: tag.name for tag in tag_set.tags}
    untagged: Member = (UNTAGGED, SeriesKind.UNTAGGED, format_id(Kind.TAG_SET, tag_set.id))

    def tags_of(tenant: int) -> list[Member]:
        if tenant == NO_TENANT:
            return [(UNTENANTED, SeriesKind.UNTENANTED, None)]
        info = catalogue.tenants.get(tenant)
        found: list[Member] = [
            (names[tag], SeriesKind.TAG, tag)
            for tag in dict.fromkeys(info.tags if info else ())
            if tag in names
        ]
        return found or [untagged]

    return tags_of


def _by_name(keys: Ints, members_of: Callable[[int], list[Member]]) -> SeriesLabels:
    """Series named by what each distinct key counts in, ordered by `name_order`; a series'
    key gathers every entity of its name."""
    unique = np.unique(keys)
    gathered: dict[str, tuple[SeriesKind, dict[str, None]]] = {}
    members = {key: members_of(key) for key in unique.tolist()}
    for listed in members.values():
        for name, kind, id_ in listed:
            ids = gathered.setdefault(name, (kind, {}))[1]
            if id_ is not None:
                ids[id_] = None
    names = tuple(sorted(gathered, key=name_order))
    series_keys = tuple(SeriesKey(gathered[name][0], tuple(gathered[name][1])) for name in names)
    return _labelled(keys, lambda key: members[key], names, series_keys, unique)


def _labelled(
    keys: Ints,
    members_of: Callable[[int], list[Member]],
    names: tuple[str, ...],
    series_keys: tuple[SeriesKey, ...],
    unique: Ints | None = None,
) -> SeriesLabels:
    """Labels from each distinct key's series names: one lookup per key, not per row."""
    if unique is None:
        unique = np.unique(keys)
    position = {name: index for index, name in enumerate(names)}
    per_key = [[position[name] for name, _, _ in members_of(key)] for key in unique.tolist()]
    inverse = np.searchsorted(unique, keys)
    lengths = np.array([len(labels) for labels in per_key], dtype=np.intp)
    flat = np.array([label for labels in per_key for label in labels], dtype=np.intp)
    if (lengths == 1).all():
        return SeriesLabels(np.arange(len(keys)), flat[inverse], names, False, series_keys)
    # A row whose key has n labels is repeated n times, once per label.
    repeats = lengths[inverse]
    rows = np.repeat(np.arange(len(keys)), repeats)
    first = np.cumsum(lengths) - lengths
    run_start = np.repeat(np.cumsum(repeats) - repeats, repeats)
    within = np.arange(len(rows)) - run_start
    series = flat[np.repeat(first[inverse], repeats) + within]
    return SeriesLabels(rows, series, names, False, series_keys)


def lifecycle_position(
    key: SeriesKey,
    catalogue: SpaceCatalogue,
    environment_groups: tuple[tuple[str, frozenset[int]], ...],
) -> int | None:
    """Where a series stands in the deployment lifecycle, the order Octopus's UI lists
    environments in: an environment's `SortOrder`, an environment group's smallest; None for
    series of other kinds (and environments the space no longer holds)."""
    if key.kind is SeriesKind.ENVIRONMENT:
        numbers = [number for id_ in key.ids if (number := parse_id(Kind.ENVIRONMENT, id_))]
    elif key.kind is SeriesKind.ENVIRONMENT_GROUP:
        numbers = [number for name, ids in environment_groups if name in key.ids for number in ids]
    else:
        return None
    orders = [info.sort_order for n in numbers if (info := catalogue.environments.get(n))]
    return min(orders) if orders else None


def in_lifecycle_order(
    keys: Sequence[SeriesKey],
    catalogue: SpaceCatalogue,
    environment_groups: tuple[tuple[str, frozenset[int]], ...],
) -> list[int]:
    """The indexes of `keys` in lifecycle order (see `lifecycle_position`); ties, and series
    without a position (after the others), keep their order."""

    def position(index: int) -> tuple[bool, int]:
        found = lifecycle_position(keys[index], catalogue, environment_groups)
        return (found is None, found or 0)

    return sorted(range(len(keys)), key=position)
