"""The catalogue endpoints: spaces, project groups, projects, channels, environments, tag sets
and tenants, each as a paged collection, `/all` (a plain array) and `/{id}`.

A space's catalogue is small: its resources are made from the space's view (kept per store
generation, `mock_server.catalogue`), then filtered and paged in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.insights.errors import NotFound
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.scope import tagged_tenants
from gateway.store.models import Space
from mock_server import links
from mock_server.catalogue import (
    Item,
    SpaceView,
    channel_resources,
    environment_resources,
    project_group_resources,
    project_resources,
    space_numbers,
    space_resource,
    space_view,
    tag_set_resources,
    tenant_resources,
)
from mock_server.errors import ApiError
from mock_server.filters import CoreQuery
from mock_server.paging import Page, collection, parse_page
from mock_server.resources import resources_of
from mock_server.routes import Endpoint, resource, space_number

_space = Space.__table__  # type: ignore[attr-defined]


def answer(content: Any) -> Response:
    """JSON as Starlette's `JSONResponse` writes it (compact, UTF-8), encoded by orjson: a page
    of a thousand deployments is a megabyte, ten times quicker so."""
    return Response(orjson.dumps(content), media_type="application/json")


def page_of_query(query: CoreQuery) -> Page:
    """skip and take, their problems listed with the query's others."""
    try:
        return parse_page({name: values[0] for name, values in query.values.items()})
    except ApiError as error:
        query.problems.extend(error.problems)
        return Page()


def missing(text: str) -> NotFound:
    """Octopus's 404 for a resource that is not there."""
    return NotFound(f"The resource '{text}' was not found.")


async def ensure_space(connection: AsyncConnection, number: int) -> None:
    """`NotFound` when the store has no such space."""
    if await connection.scalar(select(_space.c.id).where(_space.c.id == number)) is None:
        raise missing(format_id(Kind.SPACE, number))


def paged(
    query: CoreQuery,
    page: Page,
    *,
    item_type: str,
    path: str,
    template: str,
    items: list[Item],
) -> Response:
    return answer(
        collection(
            item_type=item_type,
            path=path,
            page=page,
            total=len(items),
            items=items[page.skip : page.skip + page.take] if page.take else [],
            query=query.link_query(),
            template=template,
        )
    )


async def view_of(request: Request) -> SpaceView:
    resources = resources_of(request)
    number = space_number(request)
    async with resources.engine.connect() as connection:
        generation = await resources.generations.read()
        return await space_view(connection, resources.indexes, generation, number)


def _by_name(query: CoreQuery, items: list[Item], *, exact: bool) -> list[Item]:
    partial = query.text("partialName")
    if partial is not None:
        items = [item for item in items if partial.lower() in item["Name"].lower()]
    name = query.text("name") if exact else None
    if name is not None:
        items = [item for item in items if item["Name"].lower() == name.lower()]
    return items


def _by_ids(query: CoreQuery, items: list[Item], kind: Kind) -> list[Item]:
    wanted = query.ids("ids", kind)
    if wanted is None:
        return items
    return [item for item in items if parse_id(kind, item["Id"]) in wanted]


Select = Callable[[SpaceView, CoreQuery], list[Item]]
"""A space's items of one collection, filtered by the request's query."""


def catalogue(
    spec: links.Collection, kind: Kind, item_type: str, select: Select
) -> tuple[Endpoint, Endpoint, Endpoint]:
    """The collection, `/all` and `/{id}` endpoints of a catalogue resource."""

    async def listed(request: Request) -> Response:
        query = CoreQuery.of(request)
        page = page_of_query(query)
        view = await view_of(request)
        items = select(view, query)
        query.check()
        space_id = format_id(Kind.SPACE, view.space_id)
        return paged(
            query,
            page,
            item_type=item_type,
            path=spec.base(space_id),
            template=spec.template(space_id),
            items=items,
        )

    async def every(request: Request) -> Response:
        query = CoreQuery.of(request)
        view = await view_of(request)
        items = select(view, query)
        query.check()
        return answer(items)

    async def one(request: Request) -> Response:
        text = request.path_params["id"]
        view = await view_of(request)
        for item in select(view, _NO_QUERY):
            if item["Id"] == text:
                return answer(item)
        raise missing(text)

    return listed, every, one


_NO_QUERY = CoreQuery([])


def _project_groups(view: SpaceView, query: CoreQuery) -> list[Item]:
    items = _by_ids(query, project_group_resources(view), Kind.PROJECT_GROUP)
    return _by_name(query, items, exact=False)


def _projects(view: SpaceView, query: CoreQuery) -> list[Item]:
    items = _by_ids(query, project_resources(view), Kind.PROJECT)
    return _by_name(query, items, exact=True)


def _channels(view: SpaceView, query: CoreQuery) -> list[Item]:
    items = _by_ids(query, channel_resources(view), Kind.CHANNEL)
    return _by_name(query, items, exact=False)


def _environments(view: SpaceView, query: CoreQuery) -> list[Item]:
    items = _by_ids(query, environment_resources(view), Kind.ENVIRONMENT)
    return _by_name(query, items, exact=True)


def _tag_sets(view: SpaceView, query: CoreQuery) -> list[Item]:
    items = _by_ids(query, tag_set_resources(view), Kind.TAG_SET)
    return _by_name(query, items, exact=False)


def _tenants(view: SpaceView, query: CoreQuery) -> list[Item]:
    """Tenants by ids, name, `tags` (canonical names: a tag of each named set, as report scope
    matches them) and `projectId` (tenants with deployments of that project)."""
    items = _by_name(query, _by_ids(query, tenant_resources(view), Kind.TENANT), exact=True)
    tags = query.items("tags")
    if tags is not None:
        chosen = tagged_tenants(tuple(tags), view.catalogue)
        items = [item for item in items if parse_id(Kind.TENANT, item["Id"]) in chosen]
    project = query.one_id("projectId", Kind.PROJECT)
    if project is not None:
        connected = frozenset().union(*(view.project_tenants(number) for number in project))
        items = [item for item in items if parse_id(Kind.TENANT, item["Id"]) in connected]
    return items


async def _spaces(request: Request) -> list[Item]:
    async with resources_of(request).engine.connect() as connection:
        numbers = await space_numbers(connection)
    first = numbers[0][0] if numbers else None
    return [space_resource(number, name, is_default=number == first) for number, name in numbers]


def _spaces_selected(query: CoreQuery, items: list[Item]) -> list[Item]:
    return _by_name(query, _by_ids(query, items, Kind.SPACE), exact=False)


async def list_spaces(request: Request) -> Response:
    query = CoreQuery.of(request)
    page = page_of_query(query)
    items = _spaces_selected(query, await _spaces(request))
    query.check()
    return paged(
        query,
        page,
        item_type="Space",
        path=links.SPACES.base(),
        template=links.SPACES.template(),
        items=items,
    )


async def all_spaces(request: Request) -> Response:
    query = CoreQuery.of(request)
    items = _spaces_selected(query, await _spaces(request))
    query.check()
    return answer(items)


async def get_space(request: Request) -> Response:
    text = request.path_params["id"]
    for item in await _spaces(request):
        if item["Id"] == text:
            return answer(item)
    raise missing(text)


async def project_channels(request: Request) -> Response:
    query = CoreQuery.of(request)
    page = page_of_query(query)
    view = await view_of(request)
    text = request.path_params["projectId"]
    project = parse_id(Kind.PROJECT, text)
    if project is None or project not in view.catalogue.projects:
        raise missing(text)
    items = _by_name(query, channel_resources(view, project), exact=False)
    query.check()
    space_id = format_id(Kind.SPACE, view.space_id)
    path = f"/api/{space_id}/projects/{text}/channels"
    return paged(
        query,
        page,
        item_type="Channel",
        path=path,
        template=f"{path}{{?{','.join(links.PROJECT_CHANNELS)}}}",
        items=items,
    )


def _catalogue_routes(
    spec: links.Collection, kind: Kind, item_type: str, select: Select
) -> list[Route]:
    listed, every, one = catalogue(spec, kind, item_type, select)
    base = f"/api/{{spaceId}}{spec.path}"
    return [
        resource(base, GET=listed),
        resource(f"{base}/all", GET=every),
        resource(f"{base}/{{id}}", GET=one),
    ]


SPACE_LIST_ROUTE = resource("/api/spaces", GET=list_spaces)
"""Its path would match `/api/{spaceId}`: it goes before the Insights routes."""

CATALOGUE_ROUTES = [
    resource("/api/spaces/all", GET=all_spaces),
    resource("/api/spaces/{id}", GET=get_space),
    *_catalogue_routes(links.PROJECT_GROUPS, Kind.PROJECT_GROUP, "ProjectGroup", _project_groups),
    *_catalogue_routes(links.PROJECTS, Kind.PROJECT, "Project", _projects),
    resource("/api/{spaceId}/projects/{projectId}/channels", GET=project_channels),
    *_catalogue_routes(links.CHANNELS, Kind.CHANNEL, "Channel", _channels),
    *_catalogue_routes(links.ENVIRONMENTS, Kind.ENVIRONMENT, "Environment", _environments),
    *_catalogue_routes(links.TAG_SETS, Kind.TAG_SET, "TagSet", _tag_sets),
    *_catalogue_routes(links.TENANTS, Kind.TENANT, "Tenant", _tenants),
]
