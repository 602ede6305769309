"""The OpenAPI 3.1 document of exactly the endpoints this server serves; its schemas, with the
reference's samples as examples, are in `openapi_schemas`."""

from __future__ import annotations

from functools import cache
from typing import Any

from mock_server.faults import MAX_DELAY_MS
from mock_server.openapi_core import core_paths
from mock_server.openapi_core_schemas import core_schemas
from mock_server.openapi_parts import PAGING, SPACE, any_case, error, json_answer, query
from mock_server.openapi_schemas import ref, reference_samples, schemas

__all__ = ["openapi_document", "reference_samples"]


_SPLITS = [
    "None",
    "Project",
    "ProjectGroup",
    "Environment",
    "EnvironmentGroup",
    "Tenant",
    "TenantTagSet",
]
_TIME_RANGES = ["LastMonth", "LastQuarter", "LastYear"]
_GRANULARITIES = ["Daily", "Weekly", "Monthly"]

_UNAUTHORIZED = error("No valid API key")
_NOT_FOUND = error("No such space or report")
_BAD_REQUEST = error("Bad input; one line per problem in Errors")

_REPORT = {
    "name": "reportId",
    "in": "path",
    "required": True,
    "description": "Id of the report",
    "schema": {"type": "string", "pattern": "^InsightsReports-[1-9][0-9]{0,17}$"},
    "example": "InsightsReports-1",
}


def _paths() -> dict[str, Any]:
    reports = "/api/{spaceId}/insights/reports"
    report = reports + "/{reportId}"
    metrics_parameters = [
        query(
            "split",
            "How to split the metrics, one of " + ", ".join(_SPLITS) + " (in any case)",
            {
                "type": "string",
                "pattern": any_case(_SPLITS),
                "default": "None",
                "examples": _SPLITS,
            },
        ),
        query(
            "tenantTagSetId",
            "The tag set to split on, like TagSets-1: required with split TenantTagSet (a 400 "
            "names it when missing), ignored otherwise",
            {"type": "string"},
        ),
        query(
            "timeRange",
            "The time period, one of " + ", ".join(_TIME_RANGES) + " (in any case)",
            {
                "type": "string",
                "pattern": any_case(_TIME_RANGES),
                "default": "LastQuarter",
                "examples": _TIME_RANGES,
            },
        ),
        query(
            "granularity",
            "The interval length, one of " + ", ".join(_GRANULARITIES) + " (in any case)",
            {
                "type": "string",
                "pattern": any_case(_GRANULARITIES),
                "default": "Weekly",
                "examples": _GRANULARITIES,
            },
        ),
    ]
    return {
        "/api": {
            "get": {
                "operationId": "getRoot",
                "summary": "The root document, with a link to the Insights reports",
                "responses": {
                    "200": json_answer("The root document", ref("RootDocument")),
                    "401": _UNAUTHORIZED,
                },
            }
        },
        "/api/{spaceId}": {
            "parameters": [SPACE],
            "get": {
                "operationId": "getSpace",
                "summary": "A space's home document",
                "responses": {
                    "200": json_answer("The space's links", ref("SpaceDocument")),
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        reports: {
            "parameters": [SPACE],
            "get": {
                "operationId": "listInsightsReports",
                "summary": "A page of the space's Insights reports, by name",
                "parameters": PAGING,
                "responses": {
                    "200": json_answer("A page of reports", ref("InsightsReportCollection")),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
            "post": {
                "operationId": "createInsightsReport",
                "summary": "Create an Insights report",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("CreateReport")}},
                },
                "responses": {
                    "201": json_answer("The new report", ref("InsightsReport")),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report: {
            "parameters": [SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReport",
                "summary": "An Insights report",
                "responses": {
                    "200": json_answer("The report", ref("InsightsReport")),
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
            "put": {
                "operationId": "updateInsightsReport",
                "summary": "Update an Insights report",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("UpdateReport")}},
                },
                "responses": {
                    "200": json_answer("The updated report", ref("InsightsReport")),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
            "delete": {
                "operationId": "deleteInsightsReport",
                "summary": "Delete an Insights report",
                "responses": {
                    "200": {"description": "Deleted; the body is empty"},
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report + "/deployments": {
            "parameters": [SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReportDeployments",
                "summary": "The report's streams and deployments: 12 whole months and this one",
                "responses": {
                    "200": json_answer("The streams", ref("Deployments")),
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report + "/metrics": {
            "parameters": [SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReportMetrics",
                "summary": "The report's aggregated metrics",
                "parameters": metrics_parameters,
                "responses": {
                    "200": json_answer("The series", ref("Metrics")),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report + "/logo": {
            "parameters": [SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReportLogo",
                "summary": "The report's logo",
                "responses": {
                    "200": {
                        "description": "An SVG image",
                        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
                    },
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
    }


DESCRIPTION = f"""The Octopus Deploy Insights REST API and the core resources beside it (spaces,
projects, releases, deployments, tasks, interruptions, events), served from an Insights Gateway
store.

Every operation needs an API key, in the `X-Octopus-ApiKey` header or the `apikey` query parameter.

Fault injection: send `Prefer: delay=MS` (0 to {MAX_DELAY_MS}) to wait before the request is
handled, and `Prefer: status=CODE` (400 to 599) to get that status with an Octopus error body
instead; both may be combined (`Prefer: delay=500, status=503`). The answer carries
`Preference-Applied`; an injected 429 or 503 carries `Retry-After` (`Prefer: retry-after=S`,
default 1). A malformed preference is a 400. The header is described here rather than as a
parameter of each operation: the statuses it asks for are any the client names.

Limits: a request body over 1 MB is a 413, one that stops arriving for 10 seconds a 408."""


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}
_FAULTS = {
    "429": {
        **error("Too many requests: only when injected (see Fault injection)"),
        "headers": _RETRY_AFTER,
    },
    "503": {
        **error("Unavailable: the store was found damaged, or a fault was injected"),
        "headers": _RETRY_AFTER,
    },
}
_TOO_LARGE = {"413": error("The request body is larger than 1 MB")}
_TOO_SLOW = {"408": error("The request body stopped arriving for 10 seconds")}


def _with_common_responses(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation may answer an injected fault; one with a body, a refused body."""
    for item in paths.values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            extra = {**_FAULTS, **(_TOO_LARGE | _TOO_SLOW if "requestBody" in operation else {})}
            operation["responses"] = {**operation["responses"], **extra}
    return paths


@cache
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Octopus Deploy Insights API (mock)",
            "version": "1.0.0",
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/"}],
        "security": [{"ApiKeyHeader": []}, {"ApiKeyQuery": []}],
        "paths": _with_common_responses({**_paths(), **core_paths()}),
        "components": {
            "schemas": {**schemas(), **core_schemas()},
            "securitySchemes": {
                "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Octopus-ApiKey"},
                "ApiKeyQuery": {"type": "apiKey", "in": "query", "name": "apikey"},
            },
        },
    }
