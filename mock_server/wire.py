"""The Octopus wire format: the core's results as the reference's JSON, property by property.

Names and their order follow `octopus-insights-api.md`; nulls are written out; timestamps are
UTC with seven fraction digits and `Z`; durations are `[-]H:mm:ss.f`; ids are Octopus texts;
`TimeZone` is returned in Windows form (SPEC.md, Formats).
"""

from __future__ import annotations

from typing import Any

from gateway.insights.ids import Kind, format_id
from gateway.insights.metrics import CountStats, DurationStats, FailureRate, Interval, Metrics
from gateway.insights.report import Report
from gateway.insights.streams import DeploymentView, StreamView
from gateway.insights.ticks import format_duration, format_timestamp
from gateway.insights.timezones import windows_name
from mock_server.links import root_links, space_links

API_VERSION = "3.0.0"
APPLICATION = "Octopus Deploy"
SERVER_VERSION = "2022.3.0"


def reports_path(space_id: str) -> str:
    return f"/api/{space_id}/insights/reports"


def report_path(space_id: str, report_id: str) -> str:
    return f"{reports_path(space_id)}/{report_id}"


def root_document() -> dict[str, Any]:
    """`GET /api`: the server and the links this server serves (URI templates, RFC 6570)."""
    return {
        "Application": APPLICATION,
        "Version": SERVER_VERSION,
        "ApiVersion": API_VERSION,
        "Links": {
            "Self": "/api",
            "SpaceHome": "/api/{spaceId}",
            "InsightsReports": "/api/{spaceId}/insights/reports{/id}{?skip,take}",
            **root_links(),
        },
    }


def space_document(space_id: str, name: str) -> dict[str, Any]:
    """`GET /api/Spaces-1`: the space's own links."""
    return {
        "Id": space_id,
        "Name": name,
        "Links": {
            "Self": f"/api/{space_id}",
            "InsightsReports": f"{reports_path(space_id)}{{/id}}{{?skip,take}}",
            **space_links(space_id),
        },
    }


def report_resource(report: Report) -> dict[str, Any]:
    """An insights report, as `GET .../reports/{reportId}` returns it."""
    path = report_path(report.space_id, report.id)
    return {
        "Id": report.id,
        "SpaceId": report.space_id,
        "Name": report.name,
        "Description": report.description,
        "ProjectGroupIds": list(report.project_group_ids),
        "ProjectIds": list(report.project_ids),
        "TenantIds": list(report.tenant_ids),
        "TenantTags": list(report.tenant_tags),
        "TenantMode": report.tenant_mode.value,
        "EnvironmentGroups": [
            {"Name": group.name, "Environments": list(group.environments)}
            for group in report.environment_groups
        ],
        "TimeZone": windows_name(report.time_zone),
        "IconId": report.icon_id,
        "IconColor": report.icon_color,
        "Links": {"Self": path, "Logo": f"{path}/logo"},
    }


def _duration(ticks: int | None) -> str | None:
    return None if ticks is None else format_duration(ticks)


def _id(kind: Kind, number: int | None) -> str | None:
    return None if number is None else format_id(kind, number)


def deployment_resource(deployment: DeploymentView) -> dict[str, Any]:
    return {
        "Id": format_id(Kind.DEPLOYMENT, deployment.id),
        "ReleaseVersion": deployment.release_version,
        "TaskState": deployment.task_state.value,
        "CompletedTime": format_timestamp(deployment.completed),
        "HadGuidedFailure": deployment.had_guided_failure,
        "LeadTime": _duration(deployment.lead_time),
        "LeadTimeCalculatedFromVersion": deployment.lead_time_from_version,
        "TimeSincePreviouslySuccessfulDeployment": _duration(
            deployment.time_since_previous_success
        ),
        "PreviousSuccessfulDeploymentId": _id(
            Kind.DEPLOYMENT, deployment.previous_successful_deployment_id
        ),
        "TimeToRecovery": _duration(deployment.time_to_recovery),
        "DeploymentsUntilRecovery": deployment.deployments_until_recovery,
        "RecoveredFromFailedDeploymentId": _id(
            Kind.DEPLOYMENT, deployment.recovered_from_deployment_id
        ),
        "RecoveredFromFailedReleaseVersion": deployment.recovered_from_release_version,
    }


def stream_resource(stream: StreamView) -> dict[str, Any]:
    return {
        "ProjectId": format_id(Kind.PROJECT, stream.project_id),
        "ProjectName": stream.project_name,
        "ChannelId": format_id(Kind.CHANNEL, stream.channel_id),
        "ChannelName": stream.channel_name,
        "EnvironmentId": format_id(Kind.ENVIRONMENT, stream.environment_id),
        "EnvironmentName": stream.environment_name,
        "TenantId": _id(Kind.TENANT, stream.tenant_id),
        "TenantName": stream.tenant_name,
        "Deployments": [deployment_resource(d) for d in stream.deployments],
    }


def deployments_document(report: Report, streams: list[StreamView]) -> dict[str, Any]:
    """`GET .../{reportId}/deployments`."""
    return {"ReportName": report.name, "Streams": [stream_resource(s) for s in streams]}


def _duration_stats(stats: DurationStats) -> dict[str, Any]:
    return {
        "Count": stats.count,
        "Mean": _duration(stats.mean),
        "Median": _duration(stats.median),
        "Min": _duration(stats.min),
        "Max": _duration(stats.max),
        "NinetyFifth": _duration(stats.ninety_fifth),
    }


def _float(value: float | None) -> float | None:
    # Always a JSON number with a fraction (`1.0`), as the reference writes counts' statistics.
    return None if value is None else float(value)


def _count_stats(stats: CountStats) -> dict[str, Any]:
    return {
        "Count": stats.count,
        "Mean": _float(stats.mean),
        "Median": _float(stats.median),
        "Min": _float(stats.min),
        "Max": _float(stats.max),
        "NinetyFifth": _float(stats.ninety_fifth),
    }


def _failure_rate(rate: FailureRate) -> dict[str, Any]:
    return {
        "Successful": rate.successful,
        "DeploymentFailure": rate.deployment_failure,
        "SuccessfulButHadGuidedFailure": rate.successful_but_had_guided_failure,
        "Total": rate.total,
        "Failed": rate.failed,
        "Rate": float(rate.rate),
    }


def interval_resource(interval: Interval) -> dict[str, Any]:
    return {
        "StartOfInterval": interval.start.isoformat(),
        "NumberOfSuccessfulDeployments": interval.successful_deployments,
        "LeadTime": _duration_stats(interval.lead_time),
        "DeploymentFailureRate": _failure_rate(interval.failure_rate),
        "TimeSincePreviousDeployment": _duration_stats(interval.time_since_previous_deployment),
        "MeanTimeToRecovery": _duration_stats(interval.time_to_recovery),
        "DeploymentsUntilRecovery": _count_stats(interval.deployments_until_recovery),
    }


def metrics_document(metrics: Metrics) -> dict[str, Any]:
    """`GET .../{reportId}/metrics`."""
    return {
        "Series": [
            {"Name": series.name, "Intervals": [interval_resource(i) for i in series.intervals]}
            for series in metrics.series
        ]
    }
