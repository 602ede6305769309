"""The schema: Query, Mutation, and the limits every request runs under."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import strawberry
from graphql import GraphQLError
from sqlalchemy import select
from sqlmodel import col
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from gateway.graphql.arguments import (
    After,
    EnvironmentFilter,
    First,
    From,
    ProjectFilter,
    ReportId,
    SpaceId,
    TenantFilter,
    To,
)
from gateway.graphql.codes import ErrorCodes
from gateway.graphql.context import Info
from gateway.graphql.entities import Node
from gateway.graphql.enums import Outcome, SeriesKind
from gateway.graphql.errors import GatewayErrors, should_mask
from gateway.graphql.limits import MAX_TOKENS, QueryCost, ShapeLimits
from gateway.graphql.mutations import Mutation
from gateway.graphql.nodes import find_node
from gateway.graphql.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Connection,
    bad_page,
    page_request,
)
from gateway.graphql.reads import read_series_deployments
from gateway.graphql.scalars import SCALARS
from gateway.graphql.streams import Deployment
from gateway.graphql.types import Report, Space, find_report, reports_page
from gateway.insights.ids import Kind, parse_id
from gateway.store.models import Space as SpaceRow

logger = logging.getLogger("gateway")


@strawberry.input(description="A series, as its `key` names it: `{ kind id }`.")
class SeriesKeyInput:
    kind: SeriesKind = strawberry.field(description="What kind of entity stands behind it.")
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The key's id: an entity's id, an environment group's name, a tag's "
        "canonical name, for UNTAGGED a tag set's id; none for ALL and UNTENANTED.",
    )


@strawberry.type(description="Reads: spaces, their reports, and each report's streams and metrics.")
class Query:
    @strawberry.field(description="Every space, by name.")
    async def spaces(self, info: Info) -> list[Space]:
        async with info.context.sessions() as session:
            rows = (
                await session.scalars(
                    select(SpaceRow).order_by(col(SpaceRow.name), col(SpaceRow.id))
                )
            ).all()
        return [Space.from_model(row) for row in rows]

    @strawberry.field(description="A space by id; null when there is none.")
    async def space(self, info: Info, id: SpaceId) -> Space | None:
        row = await _space_row(info, id)
        return None if row is None else Space.from_model(row)

    @strawberry.field(
        description="The reports of a space by name (ignoring case), then id; null when there "
        "is no such space."
    )
    async def reports(
        self,
        info: Info,
        space_id: SpaceId,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Report] | None:
        row = await _space_row(info, space_id)
        if row is None:
            return None
        return await reports_page(info, space_id=row.id, first=first, after=after)

    @strawberry.field(description="A report by id; null when the space has no such report.")
    async def report(self, info: Info, space_id: SpaceId, id: ReportId) -> Report | None:
        row = await _space_row(info, space_id)
        return None if row is None else await find_report(info, space_id=row.id, id=id)

    @strawberry.field(
        description="Anything with an Octopus id (Spaces-1, Projects-2, Deployments-3, "
        "InsightsReports-4, ...); null when there is none."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="An Octopus id.")],
    ) -> Node | None:
        return await find_node(info, id)

    @strawberry.field(description="Several nodes by id, in the order asked; null for each missing.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Octopus ids (at most 100).")
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise bad_page(f"ids may hold at most {MAX_PAGE_SIZE} ids; it held {len(ids)}.")
        return list(await asyncio.gather(*(find_node(info, id) for id in ids)))

    @strawberry.field(
        description="The drill-down from a chart point: the deployments counted in one series "
        "(by its `key`) between `from` and `to` (an interval's own), by completion time; null "
        "when the space has no such report. Every counted outcome by default."
    )
    async def deployments(
        self,
        info: Info,
        space_id: SpaceId,
        report_id: ReportId,
        start: From = None,
        to: To = None,
        series_key: Annotated[
            SeriesKeyInput | None,
            strawberry.argument(description="The series (a series' `key`); default ALL."),
        ] = None,
        outcome: Annotated[
            list[Outcome] | None,
            strawberry.argument(
                description="Only these outcomes; default every counted one (not NOT_COUNTED)."
            ),
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        project_ids: ProjectFilter = None,
        environment_ids: EnvironmentFilter = None,
        tenant_ids: TenantFilter = None,
    ) -> Connection[Deployment] | None:
        page = page_request(first, after)
        row = await _space_row(info, space_id)
        report = None if row is None else await find_report(info, space_id=row.id, id=report_id)
        if report is None:
            return None
        key = series_key or SeriesKeyInput(kind=SeriesKind.ALL)
        return await read_series_deployments(
            info,
            report.report,
            page,
            kind=key.kind,
            id=key.id,
            outcomes=outcome,
            start=start,
            end=to,
            projects=project_ids,
            environments=environment_ids,
            tenants=tenant_ids,
        )


async def _space_row(info: Info, id: str) -> SpaceRow | None:
    number = parse_id(Kind.SPACE, id)
    return None if number is None else await info.context.loaders.spaces.load(number)


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema, logging a client's mistake in one line and only a bug with its
    traceback."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if should_mask(error):
                StrawberryLogger.error(error, execution_context)
            else:
                code = (error.extensions or {}).get("code", "GRAPHQL_ERROR")
                logger.info("client error %s: %s", code, " ".join(error.message.split()))


def create_schema() -> strawberry.Schema:
    """The schema with its limits; unexpected errors are masked and logged."""
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map=SCALARS),  # type: ignore[arg-type]
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=256),
            lambda: AddValidationRules([ShapeLimits]),
            lambda: ValidationCache(maxsize=256),
            QueryCost,
            ErrorCodes,
            lambda: GatewayErrors(should_mask_error=should_mask),
        ],
    )


schema = create_schema()

__all__ = ["Query", "create_schema", "schema"]
