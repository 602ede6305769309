"""The OpenAPI schemas of Octopus's core resources, as this server writes them."""

from __future__ import annotations

from typing import Any

from gateway.insights.deployments import TaskState
from mock_server.derivation import CATEGORIES
from mock_server.openapi_schemas import COLLECTION_LINKS, ref

_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_TEXTS = {"type": "array", "items": _TEXT}
_FLAG = {"type": "boolean"}
_COUNT = {"type": "integer", "minimum": 0}
_OFFSET_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?\+00:00"
_TIME = {
    "type": "string",
    "pattern": f"^{_OFFSET_TIME}$",
    "description": "DateTimeOffset: up to seven fraction digits, trailing zeros trimmed",
}
_TIME_OR_NULL = {**_TIME, "type": ["string", "null"]}
_STATES = [state.value for state in TaskState]
_LINKS = {"type": "object", "additionalProperties": _TEXT}


def _record(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _collection(item: str) -> dict[str, Any]:
    return _record(
        {
            "ItemType": {"const": item},
            "TotalResults": _COUNT,
            "ItemsPerPage": _COUNT,
            "NumberOfPages": _COUNT,
            "LastPageNumber": _COUNT,
            "Items": {"type": "array", "items": ref(f"{item}Resource")},
            "Links": {
                "type": "object",
                "properties": dict.fromkeys(COLLECTION_LINKS, _TEXT),
                "required": ["Self", "Template", "Page.All", "Page.Current", "Page.Last"],
                "additionalProperties": False,
            },
        }
    )


def core_schemas() -> dict[str, Any]:
    """`XResource` and `XResourceCollection` for each resource X (`Deployment` alone is the
    Insights `/deployments` entry)."""
    tag = _record(
        {
            "Id": _TEXT,
            "Name": _TEXT,
            "CanonicalTagName": _TEXT,
            "Color": _TEXT,
            "Description": _TEXT,
            "SortOrder": _COUNT,
        }
    )
    items: dict[str, Any] = {
        "Space": _record(
            {
                "Id": _TEXT,
                "Name": _TEXT,
                "Slug": _TEXT,
                "Description": _TEXT_OR_NULL,
                "IsDefault": _FLAG,
                "TaskQueueStopped": _FLAG,
                "SpaceManagersTeams": _TEXTS,
                "SpaceManagersTeamMembers": _TEXTS,
                "Icon": _TEXT_OR_NULL,
                "ExtensionSettings": {"type": "array"},
                "Links": _LINKS,
            }
        ),
        "ProjectGroup": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "Slug": _TEXT,
                "Description": _TEXT_OR_NULL,
                "EnvironmentIds": _TEXTS,
                "RetentionPolicyId": _TEXT_OR_NULL,
                "Links": _LINKS,
            }
        ),
        "Project": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "Slug": _TEXT,
                "Description": _TEXT_OR_NULL,
                "ProjectGroupId": _TEXT,
                "LifecycleId": _TEXT,
                "IsDisabled": _FLAG,
                "TenantedDeploymentMode": {
                    "enum": ["Untenanted", "TenantedOrUntenanted", "Tenanted"]
                },
                "VariableSetId": _TEXT,
                "DeploymentProcessId": _TEXT,
                "DiscreteChannelRelease": _FLAG,
                "IncludedLibraryVariableSetIds": _TEXTS,
                "DefaultGuidedFailureMode": _TEXT,
                "AutoCreateRelease": _FLAG,
                "ClonedFromProjectId": _TEXT_OR_NULL,
                "Links": _LINKS,
            }
        ),
        "Channel": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "ProjectId": _TEXT,
                "Name": _TEXT,
                "Slug": _TEXT,
                "Description": _TEXT_OR_NULL,
                "IsDefault": _FLAG,
                "LifecycleId": _TEXT_OR_NULL,
                "Rules": {"type": "array"},
                "TenantTags": _TEXTS,
                "Links": _LINKS,
            }
        ),
        "Environment": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "Slug": _TEXT,
                "Description": _TEXT_OR_NULL,
                "SortOrder": {"type": "integer"},
                "UseGuidedFailure": _FLAG,
                "AllowDynamicInfrastructure": _FLAG,
                "ExtensionSettings": {"type": "array"},
                "Links": _LINKS,
            }
        ),
        "TagSet": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "Description": _TEXT_OR_NULL,
                "SortOrder": _COUNT,
                "Type": _TEXT,
                "Scopes": _TEXTS,
                "Tags": {"type": "array", "items": tag},
                "Links": _LINKS,
            }
        ),
        "Tenant": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "Slug": _TEXT,
                "Description": _TEXT_OR_NULL,
                "TenantTags": _TEXTS,
                "ProjectEnvironments": {"type": "object", "additionalProperties": _TEXTS},
                "IsDisabled": _FLAG,
                "ClonedFromTenantId": _TEXT_OR_NULL,
                "Links": _LINKS,
            }
        ),
        "Release": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "ProjectId": _TEXT,
                "ChannelId": _TEXT,
                "Version": _TEXT,
                "Assembled": _TIME,
                "ReleaseNotes": _TEXT_OR_NULL,
                "ProjectDeploymentProcessSnapshotId": _TEXT,
                "ProjectVariableSetSnapshotId": _TEXT,
                "LibraryVariableSetSnapshotIds": _TEXTS,
                "SelectedPackages": {"type": "array"},
                "BuildInformation": {"type": "array"},
                "IgnoreChannelRules": _FLAG,
                "Links": _LINKS,
            }
        ),
        "Deployment": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "ProjectId": _TEXT,
                "ReleaseId": _TEXT,
                "ChannelId": _TEXT,
                "EnvironmentId": _TEXT,
                "TenantId": _TEXT_OR_NULL,
                "TaskId": _TEXT,
                "Created": _TIME,
                "QueueTime": _TIME_OR_NULL,
                "QueueTimeExpiry": _TIME_OR_NULL,
                "FailureEncountered": _FLAG,
                "UseGuidedFailure": _FLAG,
                "DeploymentProcessId": _TEXT,
                "ManifestVariableSetId": _TEXT,
                "DeployedBy": _TEXT,
                "DeployedById": _TEXT,
                "Comments": _TEXT_OR_NULL,
                "Links": _LINKS,
            }
        ),
        "Task": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Name": _TEXT,
                "Description": _TEXT,
                "Arguments": {"type": "object", "additionalProperties": _TEXT},
                "State": {"enum": _STATES},
                "QueueTime": _TIME,
                "QueueTimeExpiry": _TIME_OR_NULL,
                "StartTime": _TIME_OR_NULL,
                "LastUpdatedTime": _TIME,
                "CompletedTime": _TIME_OR_NULL,
                "ServerNode": _TEXT_OR_NULL,
                "Duration": _TEXT,
                "ErrorMessage": _TEXT,
                "HasBeenPickedUpByProcessor": _FLAG,
                "IsCompleted": _FLAG,
                "FinishedSuccessfully": _FLAG,
                "HasPendingInterruptions": _FLAG,
                "CanRerun": _FLAG,
                "HasWarningsOrErrors": _FLAG,
                "ProjectId": _TEXT,
                "Links": _LINKS,
            }
        ),
        "Interruption": _record(
            {
                "Id": _TEXT,
                "SpaceId": _TEXT,
                "Title": _TEXT,
                "Type": _TEXT,
                "Created": _TIME,
                "IsPending": _FLAG,
                "Form": {"type": "object"},
                "RelatedDocumentIds": _TEXTS,
                "ResponsibleTeamIds": _TEXTS,
                "ResponsibleUserId": _TEXT_OR_NULL,
                "CanTakeResponsibility": _FLAG,
                "HasResponsibility": _FLAG,
                "TaskId": _TEXT,
                "CorrelationId": _TEXT,
                "IsLinkedToOtherInterruption": _FLAG,
                "Links": _LINKS,
            }
        ),
        "Event": _record(
            {
                "Id": _TEXT,
                "RelatedDocumentIds": _TEXTS,
                "Category": {"enum": list(CATEGORIES.values())},
                "UserId": _TEXT,
                "Username": _TEXT,
                "IsService": _FLAG,
                "IdentityEstablishedWith": _TEXT,
                "UserAgent": _TEXT,
                "Occurred": _TIME,
                "Message": _TEXT,
                "MessageHtml": _TEXT,
                "MessageReferences": {
                    "type": "array",
                    "items": _record(
                        {"ReferencedDocumentId": _TEXT, "StartIndex": _COUNT, "Length": _COUNT}
                    ),
                },
                "Comments": _TEXT_OR_NULL,
                "Details": _TEXT_OR_NULL,
                "ChangeDetails": {"type": "object"},
                "IpAddress": _TEXT_OR_NULL,
                "SpaceId": _TEXT,
                "Links": _LINKS,
            }
        ),
    }
    collections = {f"{name}ResourceCollection": _collection(name) for name in items}
    return {**{f"{name}Resource": schema for name, schema in items.items()}, **collections}
