"""Series of a split (SPEC.md, "Series"): which series each deployment counts in, by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id
from gateway.insights.metrics import MetricsQuery, Split
from gateway.insights.scope import NO_TENANT

ALL = "All"
UNTENANTED = "Untenanted"
UNTAGGED = "Untagged"

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SeriesLabels:
    """Row `rows[i]` counts in series `series[i]`; a row appears once per series it counts in
    (more than once only for TenantTagSet). `always`: list every series, even empty ones."""

    rows: npt.NDArray[np.intp]
    series: npt.NDArray[np.intp]
    names: tuple[str, ...]
    always: bool


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
        return SeriesLabels(np.arange(count), np.zeros(count, dtype=np.intp), (ALL,), True)
    if split is Split.EnvironmentGroup:
        names = tuple(name for name, _ in environment_groups)
        owner = {
            environment: index
            for index, (_, environments) in reversed(list(enumerate(environment_groups)))
            for environment in environments
        }
        return _labelled(environment_ids, lambda e: [names[owner[e]]], names)
    if split is Split.Project:
        return _by_name(project_ids, lambda p: [_project_name(catalogue, p)])
    if split is Split.ProjectGroup:

        def group_name(project: int) -> list[str]:
            info = catalogue.projects.get(project)
            group = catalogue.project_groups.get(info.project_group_id) if info else None
            if group is not None:
                return [group.name]
            return [format_id(Kind.PROJECT_GROUP, info.project_group_id) if info else "?"]

        return _by_name(project_ids, group_name)
    if split is Split.Environment:
        return _by_name(
            environment_ids,
            lambda e: [
                info.name
                if (info := catalogue.environments.get(e))
                else format_id(Kind.ENVIRONMENT, e)
            ],
        )
    if split is Split.Tenant:
        return _by_name(tenant_ids, lambda t: [_tenant_name(catalogue, t)])
    return _by_name(tenant_ids, _tag_names(query, catalogue))


def _project_name(catalogue: SpaceCatalogue, project: int) -> str:
    info = catalogue.projects.get(project)
    return info.name if info else format_id(Kind.PROJECT, project)


def _tenant_name(catalogue: SpaceCatalogue, tenant: int) -> str:
    if tenant == NO_TENANT:
        return UNTENANTED
    info = catalogue.tenants.get(tenant)
    return info.name if info else format_id(Kind.TENANT, tenant)


def _tag_names(query: MetricsQuery, catalogue: SpaceCatalogue) -> Callable[[int], list[str]]:
    tag_set = catalogue.tag_sets.get(query.tenant_tag_set_id or 0)
    if tag_set is None:
        shown = (
            format_id(Kind.TAG_SET, query.tenant_tag_set_id)
            if query.tenant_tag_set_id is not None
            else None
        )
        space = format_id(Kind.SPACE, catalogue.space_id)
        raise Invalid(
            [f"The tenantTagSetId {shown!r} is not a tag set in {space}."]
            if shown
            else ["The tenantTagSetId is required when split is 'TenantTagSet'."]
        )
    names = {tag.canonical_name: tag.name for tag in tag_set.tags}

    def tags_of(tenant: int) -> list[str]:
        if tenant == NO_TENANT:
            return [UNTENANTED]
        info = catalogue.tenants.get(tenant)
        found = list(
            dict.fromkeys(names[tag] for tag in (info.tags if info else ()) if tag in names)
        )
        return found or [UNTAGGED]

    return tags_of


def _by_name(keys: Ints, names_of: Callable[[int], list[str]]) -> SeriesLabels:
    unique = np.unique(keys)
    every = sorted({name for key in unique.tolist() for name in names_of(key)}, key=name_order)
    return _labelled(keys, names_of, tuple(every), unique)


def _labelled(
    keys: Ints,
    names_of: Callable[[int], list[str]],
    names: tuple[str, ...],
    unique: Ints | None = None,
) -> SeriesLabels:
    """Labels from each distinct key's series names: one lookup per key, not per row."""
    if unique is None:
        unique = np.unique(keys)
    position = {name: index for index, name in enumerate(names)}
    per_key = [[position[name] for name in names_of(key)] for key in unique.tolist()]
    inverse = np.searchsorted(unique, keys)
    lengths = np.array([len(labels) for labels in per_key], dtype=np.intp)
    flat = np.array([label for labels in per_key for label in labels], dtype=np.intp)
    if (lengths == 1).all():
        return SeriesLabels(np.arange(len(keys)), flat[inverse], names, False)
    # A row whose key has n labels is repeated n times, once per label.
    repeats = lengths[inverse]
    rows = np.repeat(np.arange(len(keys)), repeats)
    first = np.cumsum(lengths) - lengths
    run_start = np.repeat(np.cumsum(repeats) - repeats, repeats)
    within = np.arange(len(rows)) - run_start
    series = flat[np.repeat(first[inverse], repeats) + within]
    return SeriesLabels(rows, series, names, False)
