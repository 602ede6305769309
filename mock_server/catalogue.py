"""The catalogue of a space as Octopus's core resources: spaces, project groups, projects,
channels, environments, tag sets and tenants.

The store holds what the data file holds (names, groups, sort orders, tags in order, default
channels); everything else a real server sends is derived here, the same way everywhere:
- `Slug`: the name in lower case, every run of other characters than letters and digits a `-`.
- `Description`: a sentence naming the resource. `LifecycleId`: one lifecycle per space,
  `Lifecycles-N` for `Spaces-N`; channels inherit their project's (null).
- `TenantedDeploymentMode`: from the project's deployments: only untenanted ones (or none)
  `Untenanted`, only tenanted ones `Tenanted`, both `TenantedOrUntenanted`.
- A tenant's `ProjectEnvironments`: the projects and environments it has deployments of.
- Tags: `Tags-N`, numbered across the store in tag set order, then the set's own order.
- `UseGuidedFailure` on an environment: true for production ones (the name starts with
  `Production`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.ids import Kind, format_id
from gateway.store.cache import AnswerCache, Sized
from gateway.store.catalogue import load_catalogue
from gateway.store.models import Channel, Deployment, Space, Tag

_space = Space.__table__  # type: ignore[attr-defined]
_channel = Channel.__table__  # type: ignore[attr-defined]
_deployment = Deployment.__table__  # type: ignore[attr-defined]
_tag = Tag.__table__  # type: ignore[attr-defined]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
TAG_COLORS = ("#1A77CA", "#00AB6F", "#FFA461", "#C5AEEE", "#FF9F9F", "#5ECD9E", "#87BFEC")
"""Tag colours, given by each tag's place in its set."""
UNTENANTED, TENANTED, BOTH = "Untenanted", "Tenanted", "TenantedOrUntenanted"

Item = dict[str, Any]


def slug(name: str) -> str:
    """`Customer Portal` -> `customer-portal`, as Octopus makes slugs."""
    return _NOT_SLUG.sub("-", name.lower()).strip("-")


class ChannelRow(NamedTuple):
    id: int
    project_id: int
    name: str
    is_default: bool


@dataclass(frozen=True)
class SpaceView:
    """What a space's catalogue resources are made of, read once per store generation."""

    space_id: int
    name: str
    is_default: bool
    catalogue: SpaceCatalogue
    channels: tuple[ChannelRow, ...]
    deployed: frozenset[tuple[int, int, int | None]]
    """Every (project, environment, tenant or None) the space has deployments of."""
    tag_numbers: dict[tuple[int, int], int]
    """The `Tags-N` number of each (tag set, position)."""

    def tenanted_mode(self, project_id: int) -> str:
        tenants = {tenant for project, _, tenant in self.deployed if project == project_id}
        if not tenants or tenants == {None}:
            return UNTENANTED
        return BOTH if None in tenants else TENANTED

    def project_environments(self, tenant_id: int) -> dict[str, list[str]]:
        wanted: defaultdict[int, set[int]] = defaultdict(set)
        for project, environment, tenant in self.deployed:
            if tenant == tenant_id:
                wanted[project].add(environment)
        return {
            format_id(Kind.PROJECT, project): [
                format_id(Kind.ENVIRONMENT, environment) for environment in sorted(wanted[project])
            ]
            for project in sorted(wanted)
        }

    def project_tenants(self, project_id: int) -> frozenset[int]:
        return frozenset(
            tenant
            for project, _, tenant in self.deployed
            if project == project_id and tenant is not None
        )


async def space_numbers(connection: AsyncConnection) -> list[tuple[int, str]]:
    """Every space's number and name, by number."""
    rows = await connection.execute(select(_space.c.id, _space.c.name).order_by(_space.c.id))
    return [(number, name) for number, name in rows]


async def space_view(
    connection: AsyncConnection, indexes: AnswerCache, generation: int, space_id: int
) -> SpaceView:
    """The space's view for this generation (raises `NotFound` for an unknown space)."""

    async def build() -> Sized:
        view = await _read_space(connection, space_id)
        size = 2_000 + 200 * (len(view.deployed) + len(view.channels) + len(view.tag_numbers))
        return Sized(view, size)

    view: SpaceView = await indexes.get_or_build(generation, ("space", space_id), build)
    return view


async def _read_space(connection: AsyncConnection, space_id: int) -> SpaceView:
    catalogue = await load_catalogue(connection, space_id=space_id)
    spaces = await space_numbers(connection)
    name = next(name for number, name in spaces if number == space_id)
    channels = await connection.execute(
        select(_channel.c.id, _channel.c.project_id, _channel.c.name, _channel.c.is_default)
        .where(_channel.c.space_id == space_id)
        .order_by(_channel.c.id)
    )
    d = _deployment.c
    deployed = await connection.execute(
        select(d.project_id, d.environment_id, d.tenant_id).distinct().where(d.space_id == space_id)
    )
    tags = await connection.execute(
        select(_tag.c.tag_set_id, _tag.c.position).order_by(_tag.c.tag_set_id, _tag.c.position)
    )
    return SpaceView(
        space_id=space_id,
        name=name,
        is_default=space_id == spaces[0][0],
        catalogue=catalogue,
        channels=tuple(ChannelRow(r[0], r[1], r[2], bool(r[3])) for r in channels),
        deployed=frozenset((r[0], r[1], r[2]) for r in deployed),
        tag_numbers={(r[0], r[1]): rank for rank, r in enumerate(tags, start=1)},
    )


def _space_id(view: SpaceView) -> str:
    return format_id(Kind.SPACE, view.space_id)


def space_resource(number: int, name: str, *, is_default: bool) -> Item:
    space_id = format_id(Kind.SPACE, number)
    return {
        "Id": space_id,
        "Name": name,
        "Slug": slug(name),
        "Description": f"The {name} space.",
        "IsDefault": is_default,
        "TaskQueueStopped": False,
        "SpaceManagersTeams": [f"teams-spacemanagers-{space_id}"],
        "SpaceManagersTeamMembers": [],
        "Icon": None,
        "ExtensionSettings": [],
        "Links": {
            "Self": f"/api/spaces/{space_id}",
            "SpaceHome": f"/api/{space_id}",
            "Web": f"/app#/spaces/{space_id}",
        },
    }


def project_group_resources(view: SpaceView) -> list[Item]:
    space_id = _space_id(view)
    items: list[Item] = []
    for group in sorted(view.catalogue.project_groups.values(), key=lambda g: g.id):
        group_id = format_id(Kind.PROJECT_GROUP, group.id)
        items.append(
            {
                "Id": group_id,
                "SpaceId": space_id,
                "Name": group.name,
                "Slug": slug(group.name),
                "Description": f"The {group.name} projects.",
                "EnvironmentIds": [],
                "RetentionPolicyId": None,
                "Links": {
                    "Self": f"/api/{space_id}/projectgroups/{group_id}",
                    "Projects": f"/api/{space_id}/projectgroups/{group_id}/projects",
                    "Web": f"/app#/{space_id}/projects?projectGroupId={group_id}",
                },
            }
        )
    return items


def lifecycle_id(space_number: int) -> str:
    return format_id(Kind.LIFECYCLE, space_number)


def project_resources(view: SpaceView) -> list[Item]:
    space_id = _space_id(view)
    items: list[Item] = []
    for project in sorted(view.catalogue.projects.values(), key=lambda p: p.id):
        project_id = format_id(Kind.PROJECT, project.id)
        path = f"/api/{space_id}/projects/{project_id}"
        items.append(
            {
                "Id": project_id,
                "SpaceId": space_id,
                "Name": project.name,
                "Slug": slug(project.name),
                "Description": f"Deploys {project.name}.",
                "ProjectGroupId": format_id(Kind.PROJECT_GROUP, project.project_group_id),
                "LifecycleId": lifecycle_id(view.space_id),
                "IsDisabled": False,
                "TenantedDeploymentMode": view.tenanted_mode(project.id),
                "VariableSetId": f"variableset-{project_id}",
                "DeploymentProcessId": f"deploymentprocess-{project_id}",
                "DiscreteChannelRelease": False,
                "IncludedLibraryVariableSetIds": [],
                "DefaultGuidedFailureMode": "EnvironmentDefault",
                "AutoCreateRelease": False,
                "ClonedFromProjectId": None,
                "Links": {
                    "Self": path,
                    "Releases": f"{path}/releases{{?skip,take}}",
                    "Channels": f"{path}/channels{{?skip,take}}",
                    "Web": f"/app#/{space_id}/projects/{project_id}",
                },
            }
        )
    return items


def channel_resources(view: SpaceView, project_id: int | None = None) -> list[Item]:
    space_id = _space_id(view)
    items: list[Item] = []
    for channel in view.channels:
        if project_id is not None and channel.project_id != project_id:
            continue
        channel_id = format_id(Kind.CHANNEL, channel.id)
        owner = format_id(Kind.PROJECT, channel.project_id)
        items.append(
            {
                "Id": channel_id,
                "SpaceId": space_id,
                "ProjectId": owner,
                "Name": channel.name,
                "Slug": slug(channel.name),
                "Description": f"The {channel.name} channel.",
                "IsDefault": channel.is_default,
                "LifecycleId": None,
                "Rules": [],
                "TenantTags": [],
                "Links": {
                    "Self": f"/api/{space_id}/channels/{channel_id}",
                    "Project": f"/api/{space_id}/projects/{owner}",
                },
            }
        )
    return items


def uses_guided_failure(environment_name: str) -> bool:
    return environment_name.startswith("Production")


def environment_resources(view: SpaceView) -> list[Item]:
    space_id = _space_id(view)
    items: list[Item] = []
    for environment in sorted(view.catalogue.environments.values(), key=lambda e: e.id):
        environment_id = format_id(Kind.ENVIRONMENT, environment.id)
        items.append(
            {
                "Id": environment_id,
                "SpaceId": space_id,
                "Name": environment.name,
                "Slug": slug(environment.name),
                "Description": f"The {environment.name} environment.",
                "SortOrder": environment.sort_order,
                "UseGuidedFailure": uses_guided_failure(environment.name),
                "AllowDynamicInfrastructure": False,
                "ExtensionSettings": [],
                "Links": {
                    "Self": f"/api/{space_id}/environments/{environment_id}",
                    "Web": f"/app#/{space_id}/infrastructure/environments/{environment_id}",
                },
            }
        )
    return items


def tag_set_resources(view: SpaceView) -> list[Item]:
    space_id = _space_id(view)
    items: list[Item] = []
    ordered = sorted(view.catalogue.tag_sets.values(), key=lambda s: s.id)
    for order, tag_set in enumerate(ordered):
        tag_set_id = format_id(Kind.TAG_SET, tag_set.id)
        tags = [
            {
                "Id": format_id(Kind.TAG, view.tag_numbers[(tag_set.id, position)]),
                "Name": tag.name,
                "CanonicalTagName": tag.canonical_name,
                "Color": TAG_COLORS[position % len(TAG_COLORS)],
                "Description": "",
                "SortOrder": position,
            }
            for position, tag in enumerate(tag_set.tags)
        ]
        items.append(
            {
                "Id": tag_set_id,
                "SpaceId": space_id,
                "Name": tag_set.name,
                "Description": f"Tenants by {tag_set.name}.",
                "SortOrder": order,
                "Type": "MultiSelect",
                "Scopes": ["Tenant"],
                "Tags": tags,
                "Links": {"Self": f"/api/{space_id}/tagsets/{tag_set_id}"},
            }
        )
    return items


def tenant_resources(view: SpaceView) -> list[Item]:
    space_id = _space_id(view)
    items: list[Item] = []
    for tenant in sorted(view.catalogue.tenants.values(), key=lambda t: t.id):
        tenant_id = format_id(Kind.TENANT, tenant.id)
        items.append(
            {
                "Id": tenant_id,
                "SpaceId": space_id,
                "Name": tenant.name,
                "Slug": slug(tenant.name),
                "Description": f"{tenant.name}, a tenant.",
                "TenantTags": list(tenant.tags),
                "ProjectEnvironments": view.project_environments(tenant.id),
                "IsDisabled": False,
                "ClonedFromTenantId": None,
                "Links": {
                    "Self": f"/api/{space_id}/tenants/{tenant_id}",
                    "Web": f"/app#/{space_id}/tenants/{tenant_id}/overview",
                },
            }
        )
    return items
