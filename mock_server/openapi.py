"""The OpenAPI 3.1 document of exactly the endpoints this server serves, with the reference's
samples (`reference_samples.json`, copied from `octopus-insights-api.md`) as examples."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from mock_server.faults import MAX_DELAY_MS
from mock_server.paging import DEFAULT_TAKE, MAX_INT
from mock_server.wire import root_document

_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_TEXTS = {"type": "array", "items": _TEXT}
_DURATION = {
    "type": ["string", "null"],
    "pattern": r"^-?[0-9]+:[0-5][0-9]:[0-5][0-9]\.[0-9]{1,7}$",
    "description": "[-]H:mm:ss.f, total hours unpadded, 1 to 7 fraction digits",
}
_TIMESTAMP = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{7}Z$",
}
_COUNT = {"type": "integer", "minimum": 0}
COLLECTION_LINKS = (
    "Self",
    "Template",
    "Page.All",
    "Page.Current",
    "Page.Last",
    "Page.Next",
    "Page.Previous",
)
_TENANT_MODES = ["Untenanted", "Tenanted", "TenantedAndUntenanted"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


@cache
def reference_samples() -> dict[str, Any]:
    text = files("mock_server").joinpath("reference_samples.json").read_text(encoding="utf-8")
    samples: dict[str, Any] = json.loads(text)
    return samples


def _object(properties: dict[str, Any], *, required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _stats(value: dict[str, Any]) -> dict[str, Any]:
    return _object(
        {
            "Count": _COUNT,
            "Mean": value,
            "Median": value,
            "Min": value,
            "Max": value,
            "NinetyFifth": value,
        }
    )


def _schemas() -> dict[str, Any]:
    environment_group = _object({"Name": _TEXT, "Environments": _TEXTS})
    body_group = {
        "type": "object",
        "properties": {"Name": _TEXT, "Environments": {"type": ["array", "null"], "items": _TEXT}},
        "required": ["Name"],
    }
    # What the server accepts: null is taken as omitted, an empty or absent SpaceId (and Id)
    # as the path's, TenantMode in any case; the reference marks SpaceId and Id required.
    texts_or_null = {"type": ["array", "null"], "items": _TEXT}
    body_properties: dict[str, Any] = {
        "SpaceId": _TEXT_OR_NULL,
        "Name": {"type": "string", "minLength": 1, "maxLength": 200},
        "Description": _TEXT_OR_NULL,
        "ProjectGroupIds": texts_or_null,
        "ProjectIds": texts_or_null,
        "TenantIds": texts_or_null,
        "TenantTags": texts_or_null,
        "TenantMode": {
            "type": ["string", "null"],
            "description": "Untenanted, Tenanted or TenantedAndUntenanted (any case)",
            "examples": _TENANT_MODES,
        },
        "EnvironmentGroups": {"type": ["array", "null"], "items": ref("EnvironmentGroupBody")},
        "TimeZone": {"type": ["string", "null"], "description": "a Windows or IANA time zone name"},
    }
    samples = reference_samples()
    return {
        "Error": {
            **_object({"ErrorMessage": _TEXT, "Errors": _TEXTS}),
            "example": {
                "ErrorMessage": "There was a problem with your request.",
                "Errors": ["Name must be 1 to 200 characters long."],
            },
        },
        "Links": {"type": "object", "additionalProperties": _TEXT},
        "RootDocument": {
            **_object(
                {
                    "Application": _TEXT,
                    "Version": _TEXT,
                    "ApiVersion": _TEXT,
                    "Links": ref("Links"),
                }
            ),
            "example": root_document(),
        },
        "SpaceDocument": _object({"Id": _TEXT, "Name": _TEXT, "Links": ref("Links")}),
        "EnvironmentGroup": environment_group,
        "EnvironmentGroupBody": body_group,
        "InsightsReport": {
            **_object(
                {
                    "Id": _TEXT,
                    "SpaceId": _TEXT,
                    "Name": _TEXT,
                    "Description": _TEXT_OR_NULL,
                    "ProjectGroupIds": _TEXTS,
                    "ProjectIds": _TEXTS,
                    "TenantIds": _TEXTS,
                    "TenantTags": _TEXTS,
                    "TenantMode": {"type": "string", "enum": _TENANT_MODES},
                    "EnvironmentGroups": {"type": "array", "items": ref("EnvironmentGroup")},
                    "TimeZone": _TEXT,
                    "IconId": _TEXT_OR_NULL,
                    "IconColor": _TEXT_OR_NULL,
                    "Links": _object({"Self": _TEXT, "Logo": _TEXT}),
                }
            ),
            "example": samples["Report"],
        },
        "InsightsReportCollection": {
            **_object(
                {
                    "ItemType": {"const": "InsightsReport"},
                    "TotalResults": _COUNT,
                    "ItemsPerPage": _COUNT,
                    "NumberOfPages": _COUNT,
                    "LastPageNumber": _COUNT,
                    "Items": {"type": "array", "items": ref("InsightsReport")},
                    "Links": {
                        "type": "object",
                        "properties": dict.fromkeys(COLLECTION_LINKS, _TEXT),
                        "required": ["Self", "Template", "Page.All", "Page.Current", "Page.Last"],
                        "additionalProperties": False,
                    },
                }
            ),
            "example": samples["ReportCollection"],
        },
        "CreateReport": {
            "type": "object",
            "properties": body_properties,
            "required": ["Name"],
            "example": samples["CreateReportRequest"],
        },
        "UpdateReport": {
            "type": "object",
            "properties": {"SpaceId": _TEXT_OR_NULL, "Id": _TEXT_OR_NULL, **body_properties},
            "required": ["Name"],
            "example": samples["UpdateReportRequest"],
        },
        "Deployment": _object(
            {
                "Id": _TEXT,
                "ReleaseVersion": _TEXT,
                "TaskState": {
                    "type": "string",
                    "enum": ["Success", "Failed", "Canceled", "TimedOut"],
                },
                "CompletedTime": _TIMESTAMP,
                "HadGuidedFailure": {"type": "boolean"},
                "LeadTime": _DURATION,
                "LeadTimeCalculatedFromVersion": _TEXT_OR_NULL,
                "TimeSincePreviouslySuccessfulDeployment": _DURATION,
                "PreviousSuccessfulDeploymentId": _TEXT_OR_NULL,
                "TimeToRecovery": _DURATION,
                "DeploymentsUntilRecovery": {"type": ["integer", "null"], "minimum": 1},
                "RecoveredFromFailedDeploymentId": _TEXT_OR_NULL,
                "RecoveredFromFailedReleaseVersion": _TEXT_OR_NULL,
            }
        ),
        "Stream": _object(
            {
                "ProjectId": _TEXT,
                "ProjectName": _TEXT_OR_NULL,
                "ChannelId": _TEXT,
                "ChannelName": _TEXT_OR_NULL,
                "EnvironmentId": _TEXT,
                "EnvironmentName": _TEXT_OR_NULL,
                "TenantId": _TEXT_OR_NULL,
                "TenantName": _TEXT_OR_NULL,
                "Deployments": {"type": "array", "items": ref("Deployment")},
            }
        ),
        "Deployments": {
            **_object({"ReportName": _TEXT, "Streams": {"type": "array", "items": ref("Stream")}}),
            "example": samples["Deployments"],
        },
        "DurationStatistics": _stats(_DURATION),
        "CountStatistics": _stats({"type": ["number", "null"]}),
        "FailureRate": _object(
            {
                "Successful": _COUNT,
                "DeploymentFailure": _COUNT,
                "SuccessfulButHadGuidedFailure": _COUNT,
                "Total": _COUNT,
                "Failed": _COUNT,
                "Rate": {"type": "number", "minimum": 0, "maximum": 1},
            }
        ),
        "Interval": _object(
            {
                "StartOfInterval": {"type": "string", "format": "date"},
                "NumberOfSuccessfulDeployments": _COUNT,
                "LeadTime": ref("DurationStatistics"),
                "DeploymentFailureRate": ref("FailureRate"),
                "TimeSincePreviousDeployment": ref("DurationStatistics"),
                "MeanTimeToRecovery": ref("DurationStatistics"),
                "DeploymentsUntilRecovery": ref("CountStatistics"),
            }
        ),
        "Metrics": {
            **_object(
                {
                    "Series": {
                        "type": "array",
                        "items": _object(
                            {
                                "Name": _TEXT,
                                "Intervals": {"type": "array", "items": ref("Interval")},
                            }
                        ),
                    }
                }
            ),
            "example": samples["Metrics"],
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


_UNAUTHORIZED = _error("No valid API key")
_NOT_FOUND = _error("No such space or report")
_BAD_REQUEST = _error("Bad input; one line per problem in Errors")

_SPACE = {
    "name": "spaceId",
    "in": "path",
    "required": True,
    "description": "Id of the space",
    "schema": {"type": "string", "pattern": "^Spaces-[1-9][0-9]{0,17}$"},
    "example": "Spaces-1",
}
_REPORT = {
    "name": "reportId",
    "in": "path",
    "required": True,
    "description": "Id of the report",
    "schema": {"type": "string", "pattern": "^InsightsReports-[1-9][0-9]{0,17}$"},
    "example": "InsightsReports-1",
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _paths() -> dict[str, Any]:
    reports = "/api/{spaceId}/insights/reports"
    report = reports + "/{reportId}"
    paging = [
        _query(
            "skip",
            "Number of items to skip",
            {"type": "integer", "minimum": 0, "maximum": MAX_INT, "default": 0},
        ),
        _query(
            "take",
            "Number of items to take (the page size)",
            {"type": "integer", "minimum": 0, "maximum": MAX_INT, "default": DEFAULT_TAKE},
        ),
    ]
    metrics_parameters = [
        _query(
            "split",
            "How to split the metrics (matched ignoring case)",
            {
                "type": "string",
                "enum": [
                    "None",
                    "Project",
                    "ProjectGroup",
                    "Environment",
                    "EnvironmentGroup",
                    "Tenant",
                    "TenantTagSet",
                ],
                "default": "None",
            },
        ),
        _query(
            "tenantTagSetId",
            "The tag set to split on; required with split TenantTagSet, ignored otherwise",
            {"type": "string"},
        ),
        _query(
            "timeRange",
            "The time period (matched ignoring case)",
            {
                "type": "string",
                "enum": ["LastMonth", "LastQuarter", "LastYear"],
                "default": "LastQuarter",
            },
        ),
        _query(
            "granularity",
            "The interval length (matched ignoring case)",
            {"type": "string", "enum": ["Daily", "Weekly", "Monthly"], "default": "Weekly"},
        ),
    ]
    return {
        "/api": {
            "get": {
                "operationId": "getRoot",
                "summary": "The root document, with a link to the Insights reports",
                "responses": {
                    "200": _json("The root document", "RootDocument"),
                    "401": _UNAUTHORIZED,
                },
            }
        },
        "/api/{spaceId}": {
            "parameters": [_SPACE],
            "get": {
                "operationId": "getSpace",
                "summary": "A space's home document",
                "responses": {
                    "200": _json("The space's links", "SpaceDocument"),
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        reports: {
            "parameters": [_SPACE],
            "get": {
                "operationId": "listInsightsReports",
                "summary": "A page of the space's Insights reports, by name",
                "parameters": paging,
                "responses": {
                    "200": _json("A page of reports", "InsightsReportCollection"),
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
                    "201": _json("The new report", "InsightsReport"),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report: {
            "parameters": [_SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReport",
                "summary": "An Insights report",
                "responses": {
                    "200": _json("The report", "InsightsReport"),
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
                    "200": _json("The updated report", "InsightsReport"),
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
            "parameters": [_SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReportDeployments",
                "summary": "The report's streams and deployments: 12 whole months and this one",
                "responses": {
                    "200": _json("The streams", "Deployments"),
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report + "/metrics": {
            "parameters": [_SPACE, _REPORT],
            "get": {
                "operationId": "getInsightsReportMetrics",
                "summary": "The report's aggregated metrics",
                "parameters": metrics_parameters,
                "responses": {
                    "200": _json("The series", "Metrics"),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHORIZED,
                    "404": _NOT_FOUND,
                },
            },
        },
        report + "/logo": {
            "parameters": [_SPACE, _REPORT],
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


DESCRIPTION = f"""The Octopus Deploy Insights REST API, served from an Insights Gateway store.

Every operation needs an API key, in the `X-Octopus-ApiKey` header or the `apikey` query parameter.

Fault injection: send `Prefer: delay=MS` (0 to {MAX_DELAY_MS}) to wait before the request is
handled, and `Prefer: status=CODE` (400 to 599) to get that status with an Octopus error body
instead; both may be combined (`Prefer: delay=500, status=503`). The answer carries
`Preference-Applied`."""


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
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Octopus-ApiKey"},
                "ApiKeyQuery": {"type": "apiKey", "in": "query", "name": "apikey"},
            },
        },
    }
