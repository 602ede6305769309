"""The OpenAPI schemas of the Octopus resources, with the reference's samples
(`reference_samples.json`, copied from `octopus-insights-api.md`) as their examples."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

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


def schemas() -> dict[str, Any]:
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
