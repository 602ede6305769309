"""Relay's `node(id:)`: anything with an Octopus id, found by the kind its prefix names.

Octopus ids are unique per kind across spaces, and the prefix names the kind, so they serve as
global ids as they are (`Projects-1`, `InsightsReports-2`). A missing thing is null, as for
`space` and `report`.
"""

from __future__ import annotations

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
from gateway.store.insights import find_deployment
from gateway.store.reports import report_from_row


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
    match kind:
        case Kind.SPACE:
            space = await loaders.spaces.load(number)
            return None if space is None else Space.from_model(space)
        case Kind.PROJECT_GROUP:
            group = await loaders.project_groups.load(number)
            return None if group is None else ProjectGroup.from_model(group)
        case Kind.PROJECT:
            project = await loaders.projects.load(number)
            return None if project is None else Project.from_model(project)
        case Kind.CHANNEL:
            channel = await loaders.channels.load(number)
            return None if channel is None else Channel.from_model(channel)
        case Kind.ENVIRONMENT:
            environment = await loaders.environments.load(number)
            return None if environment is None else Environment.from_model(environment)
        case Kind.TENANT:
            tenant = await loaders.tenants.load(number)
            return None if tenant is None else Tenant.from_model(tenant)
        case Kind.TAG_SET:
            tag_set = await loaders.tag_sets.load(number)
            return None if tag_set is None else TagSet.from_model(tag_set)
    async with info.context.sessions() as session:
        if kind is Kind.RELEASE:
            release = await session.get(models.Release, number)
            return None if release is None else Release.from_model(release)
        if kind is Kind.INSIGHTS_REPORT:
            row = await session.get(models.InsightsReport, number)
            return None if row is None else Report.from_core(report_from_row(row))
        located = await find_deployment(session, deployment_id=number)
    if located is None:
        return None
    return Deployment.from_core(located.view, stream=located)
