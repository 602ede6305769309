"""Creating, updating and deleting reports. Expected failures are union results; the store
validates with the core's validator and writes nothing when it refuses. Each write commits when
its resolver returns."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.enums import TenantMode, text
from gateway.graphql.errors import store_damaged
from gateway.graphql.types import Report, ReportId, SpaceId
from gateway.insights import report as core
from gateway.insights.errors import Invalid, NotFound, listed
from gateway.insights.ids import Kind, parse_id
from gateway.store import reports


@strawberry.input(description="A named group of environments.")
class EnvironmentGroupInput:
    name: str = strawberry.field(description="The group's name, unique within the report.")
    environment_ids: list[strawberry.ID] = strawberry.field(
        description="The ids of the group's environments; an environment in at most one group."
    )


@strawberry.input(description="Every property of a report a client sets.")
class ReportInput:
    space_id: strawberry.ID = strawberry.field(description="The space of the report.")
    name: str = strawberry.field(description="1 to 200 characters, unique in the space (any case).")
    description: str | None = strawberry.field(default=None, description="A description.")
    project_group_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Project groups whose projects to include."
    )
    project_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Projects to include."
    )
    tenant_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Tenants to select."
    )
    tenant_tags: list[str] = strawberry.field(
        default_factory=list, description="Tenant tags (`Tag Set/Tag`) whose tenants to select."
    )
    tenant_mode: TenantMode = strawberry.field(
        default=TenantMode.TENANTED_AND_UNTENANTED, description="Which deployments count."
    )
    environment_groups: list[EnvironmentGroupInput] = strawberry.field(
        default_factory=list, description="Environment groups; none means every environment."
    )
    time_zone: str = strawberry.field(
        default="UTC", description="A Windows or IANA time zone name."
    )

    def to_draft(self) -> core.ReportDraft:
        return core.ReportDraft(
            space_id=self.space_id,
            name=self.name,
            description=self.description,
            project_group_ids=tuple(self.project_group_ids),
            project_ids=tuple(self.project_ids),
            tenant_ids=tuple(self.tenant_ids),
            tenant_tags=tuple(self.tenant_tags),
            tenant_mode=text(self.tenant_mode),
            environment_groups=tuple(
                core.EnvironmentGroup(name=group.name, environments=tuple(group.environment_ids))
                for group in self.environment_groups
            ),
            time_zone=self.time_zone,
        )


@strawberry.type(description="The input broke one or more rules; nothing was written.")
class ValidationProblems:
    message: str = strawberry.field(description="A summary.")
    problems: list[str] = strawberry.field(
        description="Every problem, each a sentence naming the value (at most 100, then how "
        "many more)."
    )

    @classmethod
    def from_core(cls, error: Invalid) -> ValidationProblems:
        return cls(
            message="There was a problem with your request.", problems=listed(error.problems)
        )


@strawberry.type(name="NotFound", description="The space or report does not exist.")
class NotFoundProblem:
    message: str = strawberry.field(description="What was not found.")


@strawberry.type(description="A report was deleted.")
class DeletedReport:
    id: strawberry.ID = strawberry.field(description="The id of the deleted report.")


ReportResult = Annotated[
    Report | ValidationProblems | NotFoundProblem,
    strawberry.union(
        "ReportResult",
        description="The report as stored, or why nothing was written.",
    ),
]
DeleteReportResult = Annotated[
    DeletedReport | NotFoundProblem,
    strawberry.union("DeleteReportResult", description="The deleted report's id, or not found."),
]


def _refuse_if_damaged(info: Info) -> None:
    """Nothing more is written into a store found damaged."""
    if info.context.health.damage is not None:
        raise store_damaged(info.context.health)


def _no_space(space_id: str) -> NotFoundProblem:
    return NotFoundProblem(message=f"There is no space with id {space_id}.")


def _no_report(id: str) -> NotFoundProblem:
    return NotFoundProblem(message=f"There is no insights report with id {id}.")


@strawberry.type(description="Changes to reports.")
class Mutation:
    @strawberry.mutation(description="Create a report (its id is allocated, never reused).")
    async def create_report(
        self,
        info: Info,
        input: Annotated[ReportInput, strawberry.argument(description="The new report.")],
    ) -> ReportResult:
        _refuse_if_damaged(info)
        space = parse_id(Kind.SPACE, input.space_id)
        if space is None:
            return _no_space(input.space_id)
        try:
            async with info.context.sessions.begin() as session:
                report = await reports.create_report(
                    session, space_id=space, draft=input.to_draft()
                )
        except Invalid as error:
            return ValidationProblems.from_core(error)
        except NotFound as error:
            return NotFoundProblem(message=str(error))
        return Report.from_core(report)

    @strawberry.mutation(description="Replace every property of a report (its icon stays).")
    async def update_report(
        self,
        info: Info,
        id: ReportId,
        input: Annotated[
            ReportInput, strawberry.argument(description="Every property, as it should be.")
        ],
    ) -> ReportResult:
        _refuse_if_damaged(info)
        space = parse_id(Kind.SPACE, input.space_id)
        if space is None:
            return _no_space(input.space_id)
        number = parse_id(Kind.INSIGHTS_REPORT, id)
        if number is None:
            return _no_report(id)
        try:
            async with info.context.sessions.begin() as session:
                report = await reports.update_report(
                    session,
                    space_id=space,
                    report_id=number,
                    draft=input.to_draft(),
                    body_report_id=id,
                )
        except Invalid as error:
            return ValidationProblems.from_core(error)
        except NotFound as error:
            return NotFoundProblem(message=str(error))
        return Report.from_core(report)

    @strawberry.mutation(description="Delete a report.")
    async def delete_report(
        self, info: Info, space_id: SpaceId, id: ReportId
    ) -> DeleteReportResult:
        _refuse_if_damaged(info)
        space = parse_id(Kind.SPACE, space_id)
        if space is None:
            return _no_space(space_id)
        number = parse_id(Kind.INSIGHTS_REPORT, id)
        if number is None:
            return _no_report(id)
        try:
            async with info.context.sessions.begin() as session:
                await reports.delete_report(session, space_id=space, report_id=number)
        except NotFound as error:
            return NotFoundProblem(message=str(error))
        return DeletedReport(id=id)
