"""From a chart point to the deployments behind it: a series (by its key) over a window.

A series is found by the split its key's kind implies and the name the key's entity gives it,
and deployments are placed in series by `series_labels`, the function `/metrics` uses, so the
deployments listed for an interval are exactly those its counts are made of.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np

from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    SpaceCatalogue,
    TenantInfo,
)
from gateway.insights.deployments import Outcome, outcome_of
from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.metrics import MetricsQuery, SeriesKind, Split
from gateway.insights.problems import Field, Problem, Rule
from gateway.insights.report import Report
from gateway.insights.scope import NO_TENANT, resolve_scope
from gateway.insights.series import ALL, UNTAGGED, UNTENANTED, series_labels
from gateway.insights.streams import DeploymentView, StreamView

COUNTED = frozenset({Outcome.SUCCESSFUL, Outcome.FAILED, Outcome.SUCCESS_WITH_GUIDED_FAILURE})
"""The outcomes an interval's counts are made of."""

_ID: tuple[Field, Field] = (Field.SERIES_KEY, Field.ID)

_ENTITIES = {
    SeriesKind.PROJECT: (Kind.PROJECT, Split.Project),
    SeriesKind.PROJECT_GROUP: (Kind.PROJECT_GROUP, Split.ProjectGroup),
    SeriesKind.ENVIRONMENT: (Kind.ENVIRONMENT, Split.Environment),
    SeriesKind.TENANT: (Kind.TENANT, Split.Tenant),
}


@dataclass(frozen=True, slots=True)
class SeriesChoice:
    """A series as `/metrics` makes it: the split (and tag set) and the series' name."""

    split: Split
    tenant_tag_set_id: int | None
    name: str


def choose_series(
    kind: SeriesKind, id: str | None, *, report: Report, catalogue: SpaceCatalogue
) -> SeriesChoice:
    """The series a key names; raises `Invalid` when the key names nothing in the space.

    ALL: no split. PROJECT, PROJECT_GROUP, ENVIRONMENT, TENANT: the entity's id. UNTENANTED:
    the tenant split's "Untenanted". ENVIRONMENT_GROUP: a group name of the report. TAG: a tag's
    canonical name (`Location/Europe`), split on its tag set. UNTAGGED: a tag set's id.
    """
    space = format_id(Kind.SPACE, catalogue.space_id)
    if kind in (SeriesKind.ALL, SeriesKind.UNTENANTED):
        if id is not None:
            raise Invalid([Problem(Rule.KEY_ID_UNEXPECTED, _ID, id, choices=(kind,))])
        if kind is SeriesKind.ALL:
            return SeriesChoice(Split.None_, None, ALL)
        return SeriesChoice(Split.Tenant, None, UNTENANTED)
    if id is None:
        raise Invalid([Problem(Rule.KEY_ID_REQUIRED, _ID, choices=(kind,))])
    if kind in _ENTITIES:
        id_kind, split = _ENTITIES[kind]
        number = parse_id(id_kind, id)
        if number is None:
            raise Invalid([Problem(Rule.MALFORMED_ID, _ID, id, kind=id_kind)])
        name = _entity_name(catalogue, id_kind, number)
        if name is None:
            raise Invalid([Problem(Rule.NOT_IN_SPACE, _ID, id, kind=id_kind, space=space)])
        return SeriesChoice(split, None, name)
    if kind is SeriesKind.ENVIRONMENT_GROUP:
        if id not in {group.name for group in report.environment_groups}:
            raise Invalid([Problem(Rule.UNKNOWN_GROUP, _ID, id)])
        return SeriesChoice(Split.EnvironmentGroup, None, id)
    if kind is SeriesKind.TAG:
        found = catalogue.tag_index().get(id)
        if found is None:
            raise Invalid([Problem(Rule.UNKNOWN_TAG, _ID, id, space=space)])
        tag_set, tag = found
        return SeriesChoice(Split.TenantTagSet, tag_set.id, tag.name)
    number = parse_id(Kind.TAG_SET, id)
    if number is None:
        raise Invalid([Problem(Rule.MALFORMED_ID, _ID, id, kind=Kind.TAG_SET)])
    if number not in catalogue.tag_sets:
        raise Invalid([Problem(Rule.NOT_IN_SPACE, _ID, id, kind=Kind.TAG_SET, space=space)])
    return SeriesChoice(Split.TenantTagSet, number, UNTAGGED)


def _entity_name(catalogue: SpaceCatalogue, kind: Kind, number: int) -> str | None:
    entity: ProjectInfo | ProjectGroupInfo | EnvironmentInfo | TenantInfo | None
    if kind is Kind.PROJECT:
        entity = catalogue.projects.get(number)
    elif kind is Kind.PROJECT_GROUP:
        entity = catalogue.project_groups.get(number)
    elif kind is Kind.ENVIRONMENT:
        entity = catalogue.environments.get(number)
    else:
        entity = catalogue.tenants.get(number)
    return None if entity is None else entity.name


@dataclass(frozen=True, slots=True)
class SeriesDeployment:
    stream: StreamView
    deployment: DeploymentView


def series_deployments(
    streams: Sequence[StreamView],
    *,
    report: Report,
    catalogue: SpaceCatalogue,
    query: MetricsQuery,
    choice: SeriesChoice,
    outcomes: Collection[Outcome] = COUNTED,
) -> list[SeriesDeployment]:
    """The deployments of `streams` (a report's streams over a window, narrowed by the query's
    filters) that count in the chosen series, with one of `outcomes`, by completion time then
    id number."""
    listed = [
        SeriesDeployment(stream, deployment)
        for stream in streams
        for deployment in stream.deployments
        if outcome_of(deployment.task_state, deployment.had_guided_failure) in outcomes
    ]
    scope = resolve_scope(report, catalogue)
    labels = series_labels(
        replace(query, split=choice.split, tenant_tag_set_id=choice.tenant_tag_set_id),
        catalogue,
        scope.environment_groups,
        project_ids=np.array([item.stream.project_id for item in listed], dtype=np.int64),
        environment_ids=np.array([item.stream.environment_id for item in listed], dtype=np.int64),
        tenant_ids=np.array(
            [
                NO_TENANT if item.stream.tenant_id is None else item.stream.tenant_id
                for item in listed
            ],
            dtype=np.int64,
        ),
    )
    if choice.name not in labels.names:
        return []
    wanted = labels.names.index(choice.name)
    chosen = [
        listed[row]
        for row, series in zip(labels.rows, labels.series, strict=True)
        if series == wanted
    ]
    return sorted(chosen, key=lambda item: (item.deployment.completed, item.deployment.id))
