"""The OpenAPI schemas of the Octopus resources, with the reference's samples
(`reference_samples.json`, copied from `octopus-insights-api.md`) as their examples."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from gateway.insights.validation import (
    MAX_DESCRIPTION_LENGTH,
    MAX_ENTRIES,
    MAX_ENVIRONMENT_GROUPS,
    MAX_NAME_LENGTH,
)
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
_CONTROL = "\\u0000-\\u001f\\u007f-\\u009f"
_NAME = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_NAME_LENGTH,
    # Something other than white space, and no control character.
    "pattern": f"^(?=.*\\S)[^{_CONTROL}]*$",
}
_NO_CONTROL_BUT_LINE_BREAKS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
_SPACE_ID = {"type": "string", "pattern": "^Spaces-[1-9][0-9]{0,17}$"}
_REPORT_ID = {"type": "string", "pattern": "^InsightsReports-[1-9][0-9]{0,17}$"}


def _entries(most: int) -> dict[str, Any]:
    """An array of ids or tags: each at most once; null is taken as empty."""
    return {"type": ["array", "null"], "items": _TEXT, "maxItems": most, "uniqueItems": True}


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
        "properties": {"Name": _NAME, "Environments": _entries(MAX_ENTRIES)},
        "required": ["Name"],
    }
    # What the server accepts (gateway.insights.validation): null is taken as omitted; SpaceId
    # (and Id) are required and must be the path's; names unique ignoring case; every id must
    # exist in the space. The last three are rules JSON Schema cannot state: they are 400s.
    body_properties: dict[str, Any] = {
        "SpaceId": _SPACE_ID,
        "Name": _NAME,
        "Description": {
            "type": ["string", "null"],
            "maxLength": MAX_DESCRIPTION_LENGTH,
            "pattern": _NO_CONTROL_BUT_LINE_BREAKS,
        },
        "ProjectGroupIds": _entries(MAX_ENTRIES),
        "ProjectIds": _entries(MAX_ENTRIES),
        "TenantIds": _entries(MAX_ENTRIES),
        "TenantTags": _entries(MAX_ENTRIES),
        "TenantMode": {"type": ["string", "null"], "enum": [*_TENANT_MODES, None]},
        "EnvironmentGroups": {
            "type": ["array", "null"],
            "items": ref("EnvironmentGroupBody"),
            "maxItems": MAX_ENVIRONMENT_GROUPS,
        },
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
            "required": ["SpaceId", "Name"],
            "example": samples["CreateReportRequest"],
        },
        "UpdateReport": {
            "type": "object",
            "properties": {"Id": _REPORT_ID, **body_properties},
            "required": ["SpaceId", "Id", "Name"],
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
