"""The event endpoints, `/api/events` (and a space's), newest first, and what `regarding`
means, for events and interruptions alike: the document's own deployment (a deployment, its
task or its interruption) or every deployment of the project, release, environment, channel,
tenant or space it names. Any other document has none."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from gateway.insights.ids import Kind, format_id, parse_id, split_id
from mock_server import links
from mock_server.catalogue_routes import answer, ensure_space, missing, page_of_query
from mock_server.deployments import DeploymentFilter, deployment_ids, deployment_rows
from mock_server.derivation import KIND_OF_CATEGORY, EventKind, event_resource
from mock_server.events import EventIndex, EventSelection, event_index
from mock_server.filters import CoreQuery
from mock_server.listing import IdArray, page_of
from mock_server.paging import Page, collection
from mock_server.resources import resources_of
from mock_server.routes import resource, space_number

_DOCUMENT = "regarding"
_OWN = (Kind.DEPLOYMENT, Kind.SERVER_TASK, Kind.INTERRUPTION)
_FIELDS = {
    Kind.PROJECT: "projects",
    Kind.RELEASE: "releases",
    Kind.ENVIRONMENT: "environments",
    Kind.CHANNEL: "channels",
    Kind.TENANT: "tenants",
    Kind.SPACE: "spaces",
}


def _document(text: str) -> tuple[Kind | None, int] | None:
    """The kind (None for a kind no deployment relates to) and number of a document id; None
    when the text is not an id."""
    found = split_id(text)
    if found is None:
        return None
    prefix, number = found
    kinds = {kind.value: kind for kind in Kind}
    return kinds.get(prefix), number


def regarding_filter(query: CoreQuery, where: DeploymentFilter, text: str) -> DeploymentFilter:
    """`where` narrowed to the deployments the document `text` relates to."""
    found = _document(text)
    if found is None:
        query.problems.append(
            f"The {_DOCUMENT} value {text!r} is not a document id like 'Deployments-1'."
        )
        return where
    kind, number = found
    single = frozenset({number})
    if kind in _OWN:
        return replace(where, ids=single if where.ids is None else where.ids & single)
    if kind in _FIELDS:
        field = _FIELDS[kind]
        current: frozenset[int] | None = getattr(where, field)
        narrowed: dict[str, Any] = {field: single if current is None else current & single}
        return replace(where, **narrowed)
    return replace(where, states=frozenset())


def _newest_first(positions: IdArray | None, total: int, page: Page) -> tuple[int, IdArray]:
    """How many events are chosen, and the positions of the page's, newest first."""
    if positions is None:
        positions = np.arange(total, dtype=np.int64)
    newest = positions[::-1]
    return len(positions), page_of(newest, page)


async def _events(request: Request, space: int | None) -> Response:
    query = CoreQuery.of(request)
    page = page_of_query(query)
    spaces = query.ids("spaces", Kind.SPACE)
    if space is not None:
        spaces = frozenset({space}) if spaces is None else spaces & {space}
    categories = query.items("eventCategories")
    kinds = None
    if categories is not None:
        kinds = frozenset(int(KIND_OF_CATEGORY[c]) for c in categories if c in KIND_OF_CATEGORY)
    regarding = query.text(_DOCUMENT)
    related = None if regarding is None else regarding_filter(query, DeploymentFilter(), regarding)
    document = None if regarding is None else _document(regarding)
    if document is not None and document[0] is Kind.INTERRUPTION:
        guided = frozenset({int(EventKind.GUIDED_FAILURE)})
        kinds = guided if kinds is None else kinds & guided
    selection = EventSelection(
        ids=query.ids("ids", Kind.EVENT),
        spaces=spaces,
        kinds=kinds,
        occurred=query.span("from", "to"),
        auto_ids=_auto_ids(query),
    )
    query.check()
    resources = resources_of(request)
    async with resources.engine.connect() as connection:
        if space is not None:
            await ensure_space(connection, space)
        generation = await resources.generations.read()
        index = await event_index(connection, resources.indexes, generation)
        if related is not None:
            chosen = await deployment_ids(connection, resources.indexes, generation, related)
            selection = replace(selection, deployments=chosen)
        total, positions = _newest_first(selection.positions(index), len(index), page)
        items = await _event_items(connection, index, positions)
    spec = links.EVENTS if space is None else links.SPACE_EVENTS
    space_id = None if space is None else format_id(Kind.SPACE, space)
    return answer(
        collection(
            item_type="Event",
            path=spec.base(space_id),
            page=page,
            total=total,
            items=items,
            query=query.link_query(),
            template=spec.template(space_id),
        )
    )


def _auto_ids(query: CoreQuery) -> tuple[int | None, int | None] | None:
    low, high = query.whole("fromAutoId"), query.whole("toAutoId")
    return None if low is None and high is None else (low, high)


async def _event_items(
    connection: AsyncConnection, index: EventIndex, positions: IdArray
) -> list[dict[str, object]]:
    numbers = index.deployment[positions]
    rows = {row.id: row for row in await deployment_rows(connection, np.unique(numbers))}
    return [
        event_resource(
            rows[int(number)],
            EventKind(int(index.kind[position])),
            int(index.occurred[position]),
            int(position) + 1,
        )
        for position, number in zip(positions.tolist(), numbers.tolist(), strict=True)
        if int(number) in rows
    ]


async def list_events(request: Request) -> Response:
    return await _events(request, None)


async def list_space_events(request: Request) -> Response:
    return await _events(request, space_number(request))


async def get_event(request: Request) -> Response:
    text = request.path_params["id"]
    number = parse_id(Kind.EVENT, text)
    resources = resources_of(request)
    async with resources.engine.connect() as connection:
        generation = await resources.generations.read()
        index = await event_index(connection, resources.indexes, generation)
        if number is None or number > len(index):
            raise missing(text)
        items = await _event_items(connection, index, np.array([number - 1]))
    if not items:
        raise missing(text)
    return answer(items[0])


FIRST_EVENT_ROUTES = [resource("/api/events", GET=list_events)]
"""Its path would match `/api/{spaceId}`: it goes before the Insights routes."""

EVENT_ROUTES = [
    resource("/api/events/{id}", GET=get_event),
    resource("/api/{spaceId}/events", GET=list_space_events),
]
