"""The schema: Query, Mutation, and the limits every request runs under."""

from __future__ import annotations

import logging

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

from gateway.graphql.context import Info
from gateway.graphql.errors import GatewayErrors, not_found, should_mask
from gateway.graphql.limits import MAX_TOKENS, QueryCost, ShapeLimits
from gateway.graphql.mutations import Mutation
from gateway.graphql.paging import DEFAULT_PAGE_SIZE, Connection
from gateway.graphql.scalars import SCALARS
from gateway.graphql.types import (
    After,
    First,
    Report,
    ReportId,
    Space,
    SpaceId,
    find_report,
    reports_page,
)
from gateway.insights.ids import Kind, parse_id
from gateway.store.models import Space as SpaceRow

logger = logging.getLogger("gateway")


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

    @strawberry.field(description="The reports of a space by name (ignoring case), then id.")
    async def reports(
        self,
        info: Info,
        space_id: SpaceId,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Report]:
        row = await _space_row(info, space_id)
        if row is None:
            raise not_found(f"There is no space with id {space_id}.")
        return await reports_page(info, space_id=row.id, first=first, after=after)

    @strawberry.field(description="A report by id; null when the space has no such report.")
    async def report(self, info: Info, space_id: SpaceId, id: ReportId) -> Report | None:
        row = await _space_row(info, space_id)
        return None if row is None else await find_report(info, space_id=row.id, id=id)


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
            lambda: GatewayErrors(should_mask_error=should_mask),
        ],
    )


schema = create_schema()

__all__ = ["Query", "create_schema", "schema"]
