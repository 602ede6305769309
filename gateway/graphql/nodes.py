"""Relay's `node(id:)`: anything with an Octopus id, found by the kind its prefix names.

Octopus ids are unique per kind across spaces, and the prefix names the kind, so they serve as
global ids as they are (`Projects-1`, `InsightsReports-2`). A missing thing is null, as for
`space` and `report`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.dataloader import DataLoader

from gateway.graphql.context import Info
from gateway.graphql.entities import (
    Channel,
    Environment,
    Node,
    Project,
    ProjectGroup,
    Release,
    TagSet,
    Tenant,
)
from gateway.graphql.streams import Deployment
from gateway.graphql.types import Report, Space
from gateway.insights.ids import Kind, parse_id
from gateway.store import models
from gateway.store.reports import report_from_row
from gateway.store.streams import find_deployment


def _kind_of(id: str) -> tuple[Kind, int] | None:
    for kind in Kind:
        number = parse_id(kind, id)
        if number is not None:
            return kind, number
    return None


async def find_node(info: Info, id: str) -> Node | None:
    """The thing an id names, or None."""
    found = _kind_of(id)
    if found is None:
        return None
    kind, number = found
    loaders = info.context.loaders
    by_loader: dict[Kind, tuple[DataLoader[int, Any], Callable[[Any], Node]]] = {
        Kind.SPACE: (loaders.spaces, Space.from_model),
        Kind.PROJECT_GROUP: (loaders.project_groups, ProjectGroup.from_model),
        Kind.PROJECT: (loaders.projects, Project.from_model),
        Kind.CHANNEL: (loaders.channels, Channel.from_model),
        Kind.ENVIRONMENT: (loaders.environments, Environment.from_model),
        Kind.TENANT: (loaders.tenants, Tenant.from_model),
        Kind.TAG_SET: (loaders.tag_sets, TagSet.from_model),
    }
    if kind in by_loader:
        loader, build = by_loader[kind]
        row = await loader.load(number)
        return None if row is None else build(row)
    async with info.context.sessions() as session:
        if kind is Kind.RELEASE:
            release = await session.get(models.Release, number)
            return None if release is None else Release.from_model(release)
        if kind is Kind.INSIGHTS_REPORT:
            report = await session.get(models.InsightsReport, number)
            return None if report is None else Report.from_core(report_from_row(report))
        located = await find_deployment(session, deployment_id=number)
    if located is None:
        return None
    return Deployment.from_core(located.view, stream=located)
