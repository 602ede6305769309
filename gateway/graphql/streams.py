"""A report's streams and their deployments, with every per-deployment fact (SPEC.md)."""

from __future__ import annotations

from typing import Annotated, Protocol

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.entities import Channel, Environment, Node, Project, Release, Tenant
from gateway.graphql.enums import Outcome, TaskState
from gateway.graphql.paging import DEFAULT_PAGE_SIZE, Connection, page_request
from gateway.graphql.scalars import Timestamp, seconds
from gateway.insights.ids import Kind, format_id
from gateway.insights.streams import DeploymentView, StreamView


class StreamIds(Protocol):
    """The ids of a deployment's stream (a `StreamView`, a `StreamKey`, a found deployment)."""

    @property
    def project_id(self) -> int: ...

    @property
    def channel_id(self) -> int: ...

    @property
    def environment_id(self) -> int: ...

    @property
    def tenant_id(self) -> int | None: ...


def _optional_id(kind: Kind, number: int | None) -> strawberry.ID | None:
    return None if number is None else strawberry.ID(format_id(kind, number))


@strawberry.type(
    description="A finished deployment of a stream and its insights facts. Durations are in "
    "seconds; a fact that does not apply is null."
)
class Deployment(Node):
    project_number: strawberry.Private[int]
    channel_number: strawberry.Private[int]
    environment_number: strawberry.Private[int]
    tenant_number: strawberry.Private[int | None]
    id: strawberry.ID = strawberry.field(description="The Octopus id, like Deployments-1.")
    release_version: str = strawberry.field(description="The version that was deployed.")
    task_state: TaskState = strawberry.field(description="The state the task finished in.")
    outcome: Outcome = strawberry.field(description="What the deployment counts as in metrics.")
    completed_time: Timestamp = strawberry.field(description="When the deployment finished.")
    had_guided_failure: bool = strawberry.field(
        description="Whether the deployment went through a guided failure."
    )
    lead_time: float | None = strawberry.field(
        description="Seconds from the creation of the earliest release not yet deployed to this "
        "stream to this deployment's completion (successful deployments only; negative when "
        "that release was created after the deployment finished)."
    )
    lead_time_calculated_from_version: str | None = strawberry.field(
        description="The version of the release the lead time is measured from."
    )
    time_since_previous_successful_deployment: float | None = strawberry.field(
        description="Seconds since the stream's previous successful deployment "
        "(successful deployments that have one only)."
    )
    previous_successful_deployment_id: strawberry.ID | None = strawberry.field(
        description="The stream's previous successful deployment."
    )
    time_to_recovery: float | None = strawberry.field(
        description="Seconds from the first failed deployment since the previous success to "
        "this successful one; null when nothing failed in between."
    )
    deployments_until_recovery: int | None = strawberry.field(
        description="How many failed deployments lie between the previous success and this one."
    )
    recovered_from_failed_deployment_id: strawberry.ID | None = strawberry.field(
        description="The first failed deployment this one recovered from."
    )
    recovered_from_failed_release_version: str | None = strawberry.field(
        description="The version of the first failed deployment this one recovered from."
    )

    @classmethod
    def from_core(cls, view: DeploymentView, *, stream: StreamIds) -> Deployment:
        return cls(
            project_number=stream.project_id,
            channel_number=stream.channel_id,
            environment_number=stream.environment_id,
            tenant_number=stream.tenant_id,
            id=strawberry.ID(format_id(Kind.DEPLOYMENT, view.id)),
            release_version=view.release_version,
            task_state=TaskState(view.task_state.value),
            outcome=Outcome.of(view.task_state, view.had_guided_failure),
            completed_time=Timestamp(view.completed),
            had_guided_failure=view.had_guided_failure,
            lead_time=seconds(view.lead_time),
            lead_time_calculated_from_version=view.lead_time_from_version,
            time_since_previous_successful_deployment=seconds(view.time_since_previous_success),
            previous_successful_deployment_id=_optional_id(
                Kind.DEPLOYMENT, view.previous_successful_deployment_id
            ),
            time_to_recovery=seconds(view.time_to_recovery),
            deployments_until_recovery=view.deployments_until_recovery,
            recovered_from_failed_deployment_id=_optional_id(
                Kind.DEPLOYMENT, view.recovered_from_deployment_id
            ),
            recovered_from_failed_release_version=view.recovered_from_release_version,
        )

    async def _release(self, info: Info, version: str | None) -> Release | None:
        if version is None:
            return None
        row = await info.context.loaders.releases.load((self.project_number, version))
        return None if row is None else Release.from_model(row)

    @strawberry.field(description="The release that was deployed.")
    async def release(self, info: Info) -> Release | None:
        return await self._release(info, self.release_version)

    @strawberry.field(description="The release the lead time is measured from.")
    async def lead_time_calculated_from_release(self, info: Info) -> Release | None:
        return await self._release(info, self.lead_time_calculated_from_version)

    @strawberry.field(description="The release of the first failed deployment recovered from.")
    async def recovered_from_failed_release(self, info: Info) -> Release | None:
        return await self._release(info, self.recovered_from_failed_release_version)

    @strawberry.field(description="The project deployed.")
    async def project(self, info: Info) -> Project:
        return await project_of(info, self.project_number)

    @strawberry.field(description="The channel of the release deployed.")
    async def channel(self, info: Info) -> Channel:
        return await channel_of(info, self.channel_number)

    @strawberry.field(description="The environment deployed to.")
    async def environment(self, info: Info) -> Environment:
        return await environment_of(info, self.environment_number)

    @strawberry.field(description="The tenant deployed for; null for untenanted deployments.")
    async def tenant(self, info: Info) -> Tenant | None:
        return await tenant_of(info, self.tenant_number)


@strawberry.type(
    description="The deployments of one project, channel, environment and tenant (or none), "
    "in completion order: the sequence the metrics are computed over."
)
class Stream:
    project_number: strawberry.Private[int]
    channel_number: strawberry.Private[int]
    environment_number: strawberry.Private[int]
    tenant_number: strawberry.Private[int | None]
    project_id: strawberry.ID = strawberry.field(description="The project's id.")
    channel_id: strawberry.ID = strawberry.field(description="The channel's id.")
    environment_id: strawberry.ID = strawberry.field(description="The environment's id.")
    tenant_id: strawberry.ID | None = strawberry.field(
        description="The tenant's id; null for untenanted deployments."
    )
    project_name: str = strawberry.field(description="The project's name.")
    channel_name: str = strawberry.field(description="The channel's name.")
    environment_name: str = strawberry.field(description="The environment's name.")
    tenant_name: str | None = strawberry.field(
        description="The tenant's name; null for untenanted deployments."
    )
    deployments: list[Deployment] = strawberry.field(
        description="The stream's deployments in the window, oldest first."
    )

    @classmethod
    def from_core(cls, view: StreamView) -> Stream:
        return cls(
            project_number=view.project_id,
            channel_number=view.channel_id,
            environment_number=view.environment_id,
            tenant_number=view.tenant_id,
            project_id=strawberry.ID(format_id(Kind.PROJECT, view.project_id)),
            channel_id=strawberry.ID(format_id(Kind.CHANNEL, view.channel_id)),
            environment_id=strawberry.ID(format_id(Kind.ENVIRONMENT, view.environment_id)),
            tenant_id=_optional_id(Kind.TENANT, view.tenant_id),
            project_name=view.project_name,
            channel_name=view.channel_name,
            environment_name=view.environment_name,
            tenant_name=view.tenant_name,
            deployments=[
                Deployment.from_core(deployment, stream=view) for deployment in view.deployments
            ],
        )

    @strawberry.field(description="The stream's deployments in the window, oldest first, a page.")
    def deployments_page(
        self,
        first: Annotated[
            int, strawberry.argument(description="How many items to return (0 to 100).")
        ] = DEFAULT_PAGE_SIZE,
        after: Annotated[
            str | None,
            strawberry.argument(description="Return the items after this cursor."),
        ] = None,
    ) -> Connection[Deployment]:
        page = page_request(first, after)
        chosen = self.deployments[page.offset : page.offset + page.limit]
        return Connection[Deployment].of(chosen, total=len(self.deployments), page=page)

    @strawberry.field(description="The project.")
    async def project(self, info: Info) -> Project:
        return await project_of(info, self.project_number)

    @strawberry.field(description="The channel.")
    async def channel(self, info: Info) -> Channel:
        return await channel_of(info, self.channel_number)

    @strawberry.field(description="The environment.")
    async def environment(self, info: Info) -> Environment:
        return await environment_of(info, self.environment_number)

    @strawberry.field(description="The tenant; null for untenanted deployments.")
    async def tenant(self, info: Info) -> Tenant | None:
        return await tenant_of(info, self.tenant_number)


async def project_of(info: Info, number: int) -> Project:
    row = await info.context.loaders.projects.load(number)
    assert row is not None  # streams come from stored deployments
    return Project.from_model(row)


async def channel_of(info: Info, number: int) -> Channel:
    row = await info.context.loaders.channels.load(number)
    assert row is not None
    return Channel.from_model(row)


async def environment_of(info: Info, number: int) -> Environment:
    row = await info.context.loaders.environments.load(number)
    assert row is not None
    return Environment.from_model(row)


async def tenant_of(info: Info, number: int | None) -> Tenant | None:
    if number is None:
        return None
    row = await info.context.loaders.tenants.load(number)
    return None if row is None else Tenant.from_model(row)


StreamConnection = Connection[Stream]
