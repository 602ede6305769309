"""The OpenAPI paths of Octopus's core resources (`mock_server.openapi` merges them in, with
`openapi_core_schemas`): every route of `mock_server.core_routes`, its parameters as this
server reads them."""

from __future__ import annotations

from typing import Any

from gateway.insights.deployments import TaskState
from gateway.insights.ids import Kind
from mock_server import links
from mock_server.derivation import CATEGORIES
from mock_server.openapi_parts import PAGING, SPACE, error, in_any_case, json_answer, query
from mock_server.openapi_schemas import ref

_TEXT = {"type": "string"}
_STATES = [state.value for state in TaskState]
_AUTO_ID = {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}


def _id(kind: Kind) -> str:
    return f"{kind.value}-[1-9][0-9]{{0,17}}"


def _path(name: str, kind: Kind, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
        "example": f"{kind.value}-1",
    }


def _ids(name: str, kind: Kind, description: str) -> dict[str, Any]:
    item = _id(kind)
    pattern = f"^({item})?(,({item})?)*$"
    return query(
        name,
        f"{description} (comma list of {kind.value}-N)",
        {"type": "string", "pattern": pattern},
    )


def _one(name: str, kind: Kind, description: str) -> dict[str, Any]:
    return query(name, description, {"type": "string", "pattern": f"^({_id(kind)})?$"})


_FLAG = {
    "type": "string",
    "pattern": f"^({in_any_case('true')}|{in_any_case('false')})$",
    "description": "true or false, in any case",
}


def _choices(name: str, values: list[str], description: str) -> dict[str, Any]:
    """A comma list of fixed values, matched in any case (empty items skipped)."""
    item = "|".join(in_any_case(value) for value in values)
    pattern = f"^({item})?(,({item})?)*$"
    return query(
        name,
        f"{description} (comma list of {', '.join(values)})",
        {"type": "string", "pattern": pattern},
    )


def _moment(name: str, description: str) -> dict[str, Any]:
    return query(
        name,
        f"{description}: a date (UTC) or an ISO 8601 timestamp with a time zone",
        {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]},
    )


_PARTIAL = query("partialName", "Only items whose name contains this (ignoring case)", _TEXT)
_NAME = query("name", "Only the item with this name (ignoring case)", _TEXT)
_UNAUTHORIZED = error("No valid API key")
_NOT_FOUND = error("No such space or resource")
_BAD_REQUEST = error("Bad input; one line per problem in Errors")


def _operation(
    operation_id: str, summary: str, schema: dict[str, Any], parameters: list[Any], *, paged: bool
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": json_answer(summary, schema)}
    if paged or parameters:
        responses["400"] = _BAD_REQUEST
    responses["401"] = _UNAUTHORIZED
    responses["404"] = _NOT_FOUND
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
    }


def _family(
    spec: links.Collection,
    name: str,
    plural: str,
    kind: Kind,
    filters: list[Any],
    *,
    every: bool = True,
) -> dict[str, Any]:
    """The collection, `/all` and `/{id}` paths of one resource."""
    base = f"/api/{{spaceId}}{spec.path}" if spec.spaced else f"/api{spec.path}"
    spaced = [SPACE] if spec.spaced else []
    paths: dict[str, Any] = {
        base: {
            "parameters": spaced,
            "get": _operation(
                f"list{plural}",
                f"A page of {plural}",
                ref(f"{name}ResourceCollection"),
                [*PAGING, *filters],
                paged=True,
            ),
        },
        f"{base}/{{id}}": {
            "parameters": [*spaced, _path("id", kind, f"Id of the {name}")],
            "get": _operation(f"get{name}", f"A {name}", ref(f"{name}Resource"), [], paged=False),
        },
    }
    if every:
        paths[f"{base}/all"] = {
            "parameters": spaced,
            "get": _operation(
                f"all{plural}",
                f"Every {name}",
                {"type": "array", "items": ref(f"{name}Resource")},
                filters,
                paged=False,
            ),
        }
    return paths


def _task_filters() -> list[Any]:
    return [
        _ids("ids", Kind.SERVER_TASK, "Only these tasks"),
        _ids("spaces", Kind.SPACE, "Only tasks of these spaces"),
        query("name", "Only tasks of this name (deployments run as Deploy)", _TEXT),
        _choices("states", _STATES, "Only tasks in these states"),
        _one("project", Kind.PROJECT, "Only tasks of this project"),
        _one("environment", Kind.ENVIRONMENT, "Only tasks to this environment"),
        _one("tenant", Kind.TENANT, "Only tasks for this tenant"),
        query("active", "Only unfinished tasks", _FLAG),
        query("running", "Only Executing or Cancelling tasks", _FLAG),
        query("hasPendingInterruptions", "Only tasks waiting for guidance", _FLAG),
        *(
            _moment(
                f"{end}{what}Date",
                f"{'Earliest' if end == 'from' else 'Latest'} {what.lower()} time",
            )
            for what in ("Completed", "Queue", "Start")
            for end in ("from", "to")
        ),
    ]


def core_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    paths.update(
        _family(
            links.SPACES,
            "Space",
            "Spaces",
            Kind.SPACE,
            [_ids("ids", Kind.SPACE, "Only these spaces"), _PARTIAL],
        )
    )
    for spec, name, plural, kind, extra in (
        (links.PROJECT_GROUPS, "ProjectGroup", "ProjectGroups", Kind.PROJECT_GROUP, []),
        (links.PROJECTS, "Project", "Projects", Kind.PROJECT, [_NAME]),
        (links.CHANNELS, "Channel", "Channels", Kind.CHANNEL, []),
        (links.ENVIRONMENTS, "Environment", "Environments", Kind.ENVIRONMENT, [_NAME]),
        (links.TAG_SETS, "TagSet", "TagSets", Kind.TAG_SET, []),
        (
            links.TENANTS,
            "Tenant",
            "Tenants",
            Kind.TENANT,
            [
                _NAME,
                query(
                    "tags",
                    "Only tenants with a tag of each named tag set (canonical names, comma list)",
                    _TEXT,
                ),
                _one("projectId", Kind.PROJECT, "Only tenants with deployments of this project"),
            ],
        ),
    ):
        filters = [_ids("ids", kind, f"Only these {plural}"), _PARTIAL, *extra]
        paths.update(_family(spec, name, plural, kind, filters))
    project = {"parameters": [SPACE, _path("projectId", Kind.PROJECT, "Id of the project")]}
    paths["/api/{spaceId}/projects/{projectId}/channels"] = {
        **project,
        "get": _operation(
            "listProjectChannels",
            "A page of the project's channels",
            ref("ChannelResourceCollection"),
            [*PAGING, _PARTIAL],
            paged=True,
        ),
    }
    paths["/api/{spaceId}/projects/{projectId}/releases"] = {
        **project,
        "get": _operation(
            "listProjectReleases",
            "A page of the project's releases, newest first",
            ref("ReleaseResourceCollection"),
            PAGING,
            paged=True,
        ),
    }
    paths.update(
        _family(
            links.RELEASES,
            "Release",
            "Releases",
            Kind.RELEASE,
            [_ids("ids", Kind.RELEASE, "Only these releases")],
            every=False,
        )
    )
    paths.update(
        _family(
            links.DEPLOYMENTS,
            "Deployment",
            "Deployments",
            Kind.DEPLOYMENT,
            [
                _ids("ids", Kind.DEPLOYMENT, "Only these deployments"),
                _ids("projects", Kind.PROJECT, "Only deployments of these projects"),
                _ids("environments", Kind.ENVIRONMENT, "Only deployments to these environments"),
                _ids("channels", Kind.CHANNEL, "Only deployments of these channels"),
                _ids("tenants", Kind.TENANT, "Only deployments for these tenants"),
                _choices("taskState", _STATES, "Only deployments whose task is in these states"),
            ],
            every=False,
        )
    )
    paths.update(
        _family(links.TASKS, "Task", "Tasks", Kind.SERVER_TASK, _task_filters(), every=False)
    )
    paths["/api/{spaceId}/tasks"] = {
        "parameters": [SPACE],
        "get": _operation(
            "listSpaceTasks",
            "A page of the space's tasks, newest first",
            ref("TaskResourceCollection"),
            [*PAGING, *_task_filters()],
            paged=True,
        ),
    }
    regarding = query(
        "regarding",
        "Only what relates to this document (Deployments-N, ServerTasks-N, Projects-N, ...)",
        {"type": "string", "pattern": "^([A-Za-z]+-[1-9][0-9]{0,17})?$"},
    )
    paths.update(
        _family(
            links.INTERRUPTIONS,
            "Interruption",
            "Interruptions",
            Kind.INTERRUPTION,
            [
                _ids("ids", Kind.INTERRUPTION, "Only these interruptions"),
                regarding,
                query("pendingOnly", "Only interruptions still waiting", _FLAG),
            ],
            every=False,
        )
    )
    event_filters = [
        _ids("ids", Kind.EVENT, "Only these events"),
        _ids("spaces", Kind.SPACE, "Only events of these spaces"),
        query(
            "eventCategories",
            f"Only these categories (comma list; derived here: {', '.join(CATEGORIES.values())})",
            _TEXT,
        ),
        regarding,
        _moment("from", "Earliest time"),
        _moment("to", "Latest time"),
        query("fromAutoId", "Lowest auto id", _AUTO_ID),
        query("toAutoId", "Highest auto id", _AUTO_ID),
    ]
    paths.update(_family(links.EVENTS, "Event", "Events", Kind.EVENT, event_filters, every=False))
    paths["/api/{spaceId}/events"] = {
        "parameters": [SPACE],
        "get": _operation(
            "listSpaceEvents",
            "A page of the space's events, newest first",
            ref("EventResourceCollection"),
            [*PAGING, *event_filters],
            paged=True,
        ),
    }
    return paths
