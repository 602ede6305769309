"""Octopus's things a report refers to: project groups, projects, channels, environments,
tenants, tag sets and releases. Built from store rows, followed through DataLoaders."""

from __future__ import annotations

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.scalars import Timestamp
from gateway.insights.ids import Kind, format_id
from gateway.store import models


@strawberry.interface(
    description="Anything with an Octopus id (`Projects-1`): the id's prefix names its kind, so "
    "ids are unique across kinds and `node(id:)` fetches any of them."
)
class Node:
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Projects-1.")


@strawberry.type(description="A group of projects.")
class ProjectGroup(Node):
    number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like ProjectGroups-1.")
    name: str = strawberry.field(description="The group's name.")

    @classmethod
    def from_model(cls, row: models.ProjectGroup) -> ProjectGroup:
        return cls(
            number=row.id, id=strawberry.ID(format_id(Kind.PROJECT_GROUP, row.id)), name=row.name
        )

    @strawberry.field(description="The group's projects, by name.")
    async def projects(self, info: Info) -> list[Project]:
        rows = await info.context.loaders.projects_of_group.load(self.number)
        return [Project.from_model(row) for row in rows]


@strawberry.type(description="A project: what is deployed.")
class Project(Node):
    number: strawberry.Private[int]
    group_number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Projects-1.")
    name: str = strawberry.field(description="The project's name.")

    @classmethod
    def from_model(cls, row: models.Project) -> Project:
        return cls(
            number=row.id,
            group_number=row.project_group_id,
            id=strawberry.ID(format_id(Kind.PROJECT, row.id)),
            name=row.name,
        )

    @strawberry.field(description="The group the project belongs to.")
    async def project_group(self, info: Info) -> ProjectGroup:
        row = await info.context.loaders.project_groups.load(self.group_number)
        assert row is not None  # a foreign key
        return ProjectGroup.from_model(row)

    @strawberry.field(description="The project's channels, by name.")
    async def channels(self, info: Info) -> list[Channel]:
        rows = await info.context.loaders.channels_of_project.load(self.number)
        return [Channel.from_model(row) for row in rows]


@strawberry.type(description="A channel of a project: a line of releases (a stream per channel).")
class Channel(Node):
    number: strawberry.Private[int]
    project_number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Channels-1.")
    name: str = strawberry.field(description="The channel's name.")
    is_default: bool = strawberry.field(
        description="Whether this is the project's default channel."
    )

    @classmethod
    def from_model(cls, row: models.Channel) -> Channel:
        return cls(
            number=row.id,
            project_number=row.project_id,
            id=strawberry.ID(format_id(Kind.CHANNEL, row.id)),
            name=row.name,
            is_default=row.is_default,
        )

    @strawberry.field(description="The channel's project.")
    async def project(self, info: Info) -> Project:
        row = await info.context.loaders.projects.load(self.project_number)
        assert row is not None  # a foreign key
        return Project.from_model(row)


@strawberry.type(description="An environment deployments go to, like Production.")
class Environment(Node):
    number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Environments-1.")
    name: str = strawberry.field(description="The environment's name.")
    sort_order: int = strawberry.field(
        description="The environment's place in the deployment lifecycle (lower first)."
    )

    @classmethod
    def from_model(cls, row: models.Environment) -> Environment:
        return cls(
            number=row.id,
            id=strawberry.ID(format_id(Kind.ENVIRONMENT, row.id)),
            name=row.name,
            sort_order=row.sort_order,
        )


@strawberry.type(description="A tenant: a customer or site that receives its own deployments.")
class Tenant(Node):
    number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Tenants-1.")
    name: str = strawberry.field(description="The tenant's name.")

    @classmethod
    def from_model(cls, row: models.Tenant) -> Tenant:
        return cls(number=row.id, id=strawberry.ID(format_id(Kind.TENANT, row.id)), name=row.name)

    @strawberry.field(
        description="The tenant's tags by canonical name (`Tag Set/Tag`), in the tenant's order."
    )
    async def tags(self, info: Info) -> list[str]:
        rows = await info.context.loaders.tenant_tags.load(self.number)
        return [row.canonical_name for row in rows]


@strawberry.type(description="A tag of a tag set.")
class Tag:
    name: str = strawberry.field(description="The tag's name, like Europe.")
    canonical_name: str = strawberry.field(
        description="The tag set's name and the tag's, like Location/Europe."
    )


@strawberry.type(description="A set of tenant tags, like Location.")
class TagSet(Node):
    number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like TagSets-1.")
    name: str = strawberry.field(description="The tag set's name.")

    @classmethod
    def from_model(cls, row: models.TagSet) -> TagSet:
        return cls(number=row.id, id=strawberry.ID(format_id(Kind.TAG_SET, row.id)), name=row.name)

    @strawberry.field(description="The set's tags, in the set's order.")
    async def tags(self, info: Info) -> list[Tag]:
        rows = await info.context.loaders.tags.load(self.number)
        return [Tag(name=row.name, canonical_name=row.canonical_name) for row in rows]


@strawberry.type(description="A release: a version of a project, created on a channel.")
class Release(Node):
    project_number: strawberry.Private[int]
    channel_number: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Releases-1.")
    version: str = strawberry.field(description="The release's version, like 2022.3.1.")
    created: Timestamp = strawberry.field(
        description="When the release was created (Octopus's `Assembled`)."
    )

    @classmethod
    def from_model(cls, row: models.Release) -> Release:
        return cls(
            project_number=row.project_id,
            channel_number=row.channel_id,
            id=strawberry.ID(format_id(Kind.RELEASE, row.id)),
            version=row.version,
            created=Timestamp(row.assembled),
        )

    @strawberry.field(description="The release's project.")
    async def project(self, info: Info) -> Project:
        row = await info.context.loaders.projects.load(self.project_number)
        assert row is not None  # a foreign key
        return Project.from_model(row)

    @strawberry.field(description="The channel the release was created on.")
    async def channel(self, info: Info) -> Channel:
        row = await info.context.loaders.channels.load(self.channel_number)
        assert row is not None  # a foreign key
        return Channel.from_model(row)
