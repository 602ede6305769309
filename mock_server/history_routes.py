"""The history endpoints: releases, deployments, server tasks, interruptions and events.

Each is a filter over the store's releases or deployments, listed newest first from an id list
kept per store generation (`mock_server.listing`), so a page deep in a million costs what the
first page costs. Tasks, interruptions and events are derived (`mock_server.derivation`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.insights.deployments import TaskState
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.store.models import Project
from mock_server import links
from mock_server.catalogue_routes import answer, ensure_space, missing, page_of_query
from mock_server.deployments import (
    DeploymentFilter,
    DeploymentRow,
    ReleaseFilter,
    deployment_ids,
    deployment_resource,
    deployment_rows,
    release_ids,
    release_resource,
    release_rows,
)
from mock_server.derivation import (
    RUNNING,
    TASK_NAME,
    UNFINISHED,
    interruption_resource,
    task_resource,
)
from mock_server.event_routes import EVENT_ROUTES, FIRST_EVENT_ROUTES, regarding_filter
from mock_server.filters import CoreQuery
from mock_server.listing import page_of
from mock_server.paging import collection
from mock_server.resources import resources_of
from mock_server.routes import resource, space_number

_project = Project.__table__  # type: ignore[attr-defined]
STATES = tuple(state.value for state in TaskState)
Shape = Callable[[DeploymentRow], dict[str, Any]]
"""A deployment as one of the resources derived from it."""


def _narrowed(
    values: frozenset[int] | None, wanted: frozenset[int] | None
) -> frozenset[int] | None:
    if wanted is None:
        return values
    return wanted if values is None else values & wanted


async def _deployments_page(
    request: Request,
    query: CoreQuery,
    where: DeploymentFilter,
    *,
    item_type: str,
    path: str,
    template: str,
    shape: Shape,
    space: int | None,
) -> Response:
    page = page_of_query(query)
    query.check()
    resources = resources_of(request)
    async with resources.engine.connect() as connection:
        if space is not None:
            await ensure_space(connection, space)
        generation = await resources.generations.read()
        ids = await deployment_ids(connection, resources.indexes, generation, where)
        rows = await deployment_rows(connection, page_of(ids, page))
    return answer(
        collection(
            item_type=item_type,
            path=path,
            page=page,
            total=len(ids),
            items=[shape(row) for row in rows],
            query=query.link_query(),
            template=template,
        )
    )


async def _one_deployment(
    request: Request, kind: Kind, where: DeploymentFilter, shape: Shape
) -> Response:
    text = request.path_params["id"]
    number = parse_id(kind, text)
    if number is None:
        raise missing(text)
    where = replace(where, ids=frozenset({number}))
    resources = resources_of(request)
    async with resources.engine.connect() as connection:
        rows = await deployment_rows(connection, np.array([number], dtype=np.int64))
    rows = [row for row in rows if where.spaces is None or row.space_id in where.spaces]
    if not rows or (where.guided_only and not rows[0].had_guided_failure):
        raise missing(text)
    return answer(shape(rows[0]))


# -- releases -------------------------------------------------------------------------------


async def _releases(
    request: Request, query: CoreQuery, where: ReleaseFilter, path: str, template: str
) -> Response:
    page = page_of_query(query)
    query.check()
    resources = resources_of(request)
    async with resources.engine.connect() as connection:
        await ensure_space(connection, space_number(request))
        generation = await resources.generations.read()
        ids = await release_ids(connection, resources.indexes, generation, where)
        rows = await release_rows(connection, page_of(ids, page))
    return answer(
        collection(
            item_type="Release",
            path=path,
            page=page,
            total=len(ids),
            items=[release_resource(row) for row in rows],
            query=query.link_query(),
            template=template,
        )
    )


async def list_releases(request: Request) -> Response:
    query = CoreQuery.of(request)
    space = space_number(request)
    where = ReleaseFilter(spaces=frozenset({space}), ids=query.ids("ids", Kind.RELEASE))
    space_id = format_id(Kind.SPACE, space)
    return await _releases(
        request, query, where, links.RELEASES.base(space_id), links.RELEASES.template(space_id)
    )


async def project_releases(request: Request) -> Response:
    query = CoreQuery.of(request)
    space = space_number(request)
    text = request.path_params["projectId"]
    project = parse_id(Kind.PROJECT, text)
    async with resources_of(request).engine.connect() as connection:
        owner = await connection.scalar(select(_project.c.space_id).where(_project.c.id == project))
    if project is None or owner != space:
        raise missing(text)
    where = ReleaseFilter(spaces=frozenset({space}), projects=frozenset({project}))
    path = f"/api/{format_id(Kind.SPACE, space)}/projects/{text}/releases"
    return await _releases(
        request, query, where, path, f"{path}{{?{','.join(links.PROJECT_RELEASES)}}}"
    )


async def get_release(request: Request) -> Response:
    text = request.path_params["id"]
    number = parse_id(Kind.RELEASE, text)
    space = space_number(request)
    rows = []
    if number is not None:
        async with resources_of(request).engine.connect() as connection:
            rows = await release_rows(connection, np.array([number], dtype=np.int64))
    if not rows or rows[0].space_id != space:
        raise missing(text)
    return answer(release_resource(rows[0]))


# -- deployments ----------------------------------------------------------------------------


async def list_deployments(request: Request) -> Response:
    query = CoreQuery.of(request)
    space = space_number(request)
    where = DeploymentFilter(
        spaces=frozenset({space}),
        ids=query.ids("ids", Kind.DEPLOYMENT),
        projects=query.ids("projects", Kind.PROJECT),
        environments=query.ids("environments", Kind.ENVIRONMENT),
        channels=query.ids("channels", Kind.CHANNEL),
        tenants=query.ids("tenants", Kind.TENANT),
        states=query.choices("taskState", STATES),
    )
    space_id = format_id(Kind.SPACE, space)
    return await _deployments_page(
        request,
        query,
        where,
        item_type="Deployment",
        path=links.DEPLOYMENTS.base(space_id),
        template=links.DEPLOYMENTS.template(space_id),
        shape=deployment_resource,
        space=space,
    )


async def get_deployment(request: Request) -> Response:
    where = DeploymentFilter(spaces=frozenset({space_number(request)}))
    return await _one_deployment(request, Kind.DEPLOYMENT, where, deployment_resource)


# -- tasks ----------------------------------------------------------------------------------


def task_filter(query: CoreQuery, spaces: frozenset[int] | None) -> DeploymentFilter:
    """The deployments whose tasks the query asks for (only deployment tasks exist here)."""
    states = query.choices("states", STATES)
    if query.flag("active"):
        states = _narrowed_texts(states, UNFINISHED)
    if query.flag("running"):
        states = _narrowed_texts(states, RUNNING)
    pending = query.flag("hasPendingInterruptions")
    if pending:
        states = _narrowed_texts(states, UNFINISHED)
    name = query.text("name")
    if name is not None and name.lower() != TASK_NAME.lower():
        states = frozenset()
    return DeploymentFilter(
        spaces=_narrowed(spaces, query.ids("spaces", Kind.SPACE)),
        ids=query.ids("ids", Kind.SERVER_TASK),
        projects=query.one_id("project", Kind.PROJECT),
        environments=query.one_id("environment", Kind.ENVIRONMENT),
        tenants=query.one_id("tenant", Kind.TENANT),
        states=states,
        guided_only=pending,
        queued=query.span("fromQueueDate", "toQueueDate"),
        started=query.span("fromStartDate", "toStartDate"),
        completed=query.span("fromCompletedDate", "toCompletedDate"),
    )


def _narrowed_texts(values: frozenset[str] | None, wanted: frozenset[str]) -> frozenset[str]:
    return wanted if values is None else values & wanted


async def list_tasks(request: Request) -> Response:
    query = CoreQuery.of(request)
    return await _deployments_page(
        request,
        query,
        task_filter(query, None),
        item_type="Task",
        path=links.TASKS.base(),
        template=links.TASKS.template(),
        shape=task_resource,
        space=None,
    )


async def list_space_tasks(request: Request) -> Response:
    query = CoreQuery.of(request)
    space = space_number(request)
    space_id = format_id(Kind.SPACE, space)
    return await _deployments_page(
        request,
        query,
        task_filter(query, frozenset({space})),
        item_type="Task",
        path=links.SPACE_TASKS.base(space_id),
        template=links.SPACE_TASKS.template(space_id),
        shape=task_resource,
        space=space,
    )


async def get_task(request: Request) -> Response:
    return await _one_deployment(request, Kind.SERVER_TASK, DeploymentFilter(), task_resource)


# -- interruptions --------------------------------------------------------------------------


async def list_interruptions(request: Request) -> Response:
    query = CoreQuery.of(request)
    space = space_number(request)
    where = DeploymentFilter(
        spaces=frozenset({space}),
        ids=query.ids("ids", Kind.INTERRUPTION),
        guided_only=True,
        states=UNFINISHED if query.flag("pendingOnly") else None,
    )
    regarding = query.text("regarding")
    if regarding is not None:
        where = regarding_filter(query, where, regarding)
    space_id = format_id(Kind.SPACE, space)
    return await _deployments_page(
        request,
        query,
        where,
        item_type="Interruption",
        path=links.INTERRUPTIONS.base(space_id),
        template=links.INTERRUPTIONS.template(space_id),
        shape=interruption_resource,
        space=space,
    )


async def get_interruption(request: Request) -> Response:
    where = DeploymentFilter(spaces=frozenset({space_number(request)}), guided_only=True)
    return await _one_deployment(request, Kind.INTERRUPTION, where, interruption_resource)


FIRST_HISTORY_ROUTES = [
    resource("/api/tasks", GET=list_tasks),
    *FIRST_EVENT_ROUTES,
]
"""Their paths would match `/api/{spaceId}`: they go before the Insights routes."""

HISTORY_ROUTES: list[Route] = [
    resource("/api/tasks/{id}", GET=get_task),
    resource("/api/{spaceId}/releases", GET=list_releases),
    resource("/api/{spaceId}/releases/{id}", GET=get_release),
    resource("/api/{spaceId}/projects/{projectId}/releases", GET=project_releases),
    resource("/api/{spaceId}/deployments", GET=list_deployments),
    resource("/api/{spaceId}/deployments/{id}", GET=get_deployment),
    resource("/api/{spaceId}/tasks", GET=list_space_tasks),
    resource("/api/{spaceId}/interruptions", GET=list_interruptions),
    resource("/api/{spaceId}/interruptions/{id}", GET=get_interruption),
    *EVENT_ROUTES,
]
