"""Parity of the gateway with the mock Octopus server on the seeded demo.

For every report, the streams paged through GraphQL equal the mock server's `/deployments`,
and the metric series equal `/metrics` for every split (TenantTagSet once per tag set of the
space), time range and granularity. Values are compared across the two shapes: Octopus
durations (`[-]H:mm:ss.f`) parsed to ticks against GraphQL seconds, exact to the tick for a
deployment's facts and whole seconds for statistics; timestamps and dates as text.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app as create_gateway
from gateway.insights.metrics import MetricsQuery, Split, TimeRange
from gateway.insights.ticks import TICKS_PER_SECOND
from gateway.settings import Settings
from mock_server.app import create_app as create_mock_server
from tests.seeded import NOW, SeededDemo, SeededReport, metrics_queries, seeded_demo

KEY = "API-PARITYTESTKEY00000000000000"
STREAMS_PAGE = 7

_DURATION = re.compile(r"(-?)(\d+):([0-5]\d):([0-5]\d)\.(\d{1,7})")


def ticks_of(duration: str | None) -> int | None:
    """Ticks of an Octopus duration like `-426:53:44.0` or `1:12:39.41517`."""
    if duration is None:
        return None
    match = _DURATION.fullmatch(duration)
    assert match, f"{duration!r} is not an Octopus duration"
    sign, hours, minutes, seconds, fraction = match.groups()
    whole = (int(hours) * 60 + int(minutes)) * 60 + int(seconds)
    ticks = whole * TICKS_PER_SECOND + int(fraction.ljust(7, "0"))
    return -ticks if sign else ticks


def upper_snake(value: str) -> str:
    """A value's GraphQL enum name: `ProjectGroup` -> `PROJECT_GROUP`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", value).upper()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SeededDemo:
    return seeded_demo(Path(tmp_path_factory.mktemp("parity")))


@dataclass(frozen=True)
class Servers:
    rest: httpx.AsyncClient
    graphql: httpx.AsyncClient

    async def get(self, path: str, **params: str) -> Any:
        response = await self.rest.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def query(self, query: str, **variables: Any) -> Any:
        response = await self.graphql.post(
            "/graphql", json={"query": query, "variables": variables}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
async def servers(demo: SeededDemo) -> AsyncIterator[Servers]:
    settings = Settings(database_url=demo.url, api_keys=(KEY,), api_keys_generated=False, now=NOW)
    mock = create_mock_server(settings)
    gateway = create_gateway(settings)
    headers = {"X-Octopus-ApiKey": KEY}
    async with mock.router.lifespan_context(mock):
        await gateway.store.open()
        try:
            async with (
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=mock),
                    base_url="http://octopus",
                    headers=headers,
                ) as rest,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=gateway),
                    base_url="http://gateway",
                    headers=headers,
                ) as graphql,
            ):
                yield Servers(rest, graphql)
        finally:
            await gateway.store.close()


def _path(seeded: SeededReport, tail: str) -> str:
    return f"/api/{seeded.report.space_id}/insights/reports/{seeded.report.id}/{tail}"


# Streams


STREAMS = """
query Streams($space: ID!, $id: ID!, $first: Int!, $after: String) {
  report(spaceId: $space, id: $id) {
    streams(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          projectId projectName channelId channelName environmentId environmentName
          tenantId tenantName
          deployments {
            id releaseVersion taskState outcome completedTime hadGuidedFailure
            leadTime leadTimeCalculatedFromVersion
            timeSincePreviousSuccessfulDeployment previousSuccessfulDeploymentId
            timeToRecovery deploymentsUntilRecovery
            recoveredFromFailedDeploymentId recoveredFromFailedReleaseVersion
          }
        }
      }
    }
  }
}
"""

STREAM_FIELDS = {
    "ProjectId": "projectId",
    "ProjectName": "projectName",
    "ChannelId": "channelId",
    "ChannelName": "channelName",
    "EnvironmentId": "environmentId",
    "EnvironmentName": "environmentName",
    "TenantId": "tenantId",
    "TenantName": "tenantName",
}
DEPLOYMENT_FIELDS = {
    "Id": "id",
    "ReleaseVersion": "releaseVersion",
    "CompletedTime": "completedTime",
    "HadGuidedFailure": "hadGuidedFailure",
    "LeadTimeCalculatedFromVersion": "leadTimeCalculatedFromVersion",
    "PreviousSuccessfulDeploymentId": "previousSuccessfulDeploymentId",
    "DeploymentsUntilRecovery": "deploymentsUntilRecovery",
    "RecoveredFromFailedDeploymentId": "recoveredFromFailedDeploymentId",
    "RecoveredFromFailedReleaseVersion": "recoveredFromFailedReleaseVersion",
}
DEPLOYMENT_DURATIONS = {
    "LeadTime": "leadTime",
    "TimeSincePreviouslySuccessfulDeployment": "timeSincePreviousSuccessfulDeployment",
    "TimeToRecovery": "timeToRecovery",
}


async def graphql_streams(servers: Servers, seeded: SeededReport) -> list[dict[str, Any]]:
    """Every stream of the report, page after page."""
    streams: list[dict[str, Any]] = []
    after = None
    while True:
        data = await servers.query(
            STREAMS,
            space=seeded.report.space_id,
            id=seeded.report.id,
            first=STREAMS_PAGE,
            after=after,
        )
        page = data["report"]["streams"]
        streams.extend(edge["node"] for edge in page["edges"])
        assert page["totalCount"] >= len(streams)
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(streams)
            return streams
        after = page["pageInfo"]["endCursor"]


def seconds_for(ticks: int | None) -> float | None:
    """The GraphQL number for a duration of `ticks`: the float nearest the exact seconds."""
    return None if ticks is None else ticks / TICKS_PER_SECOND


def deployment_differences(rest: dict[str, Any], graphql: dict[str, Any]) -> list[str]:
    where = rest["Id"]
    wrong = [
        f"{where} {name}: {rest[name]!r} != {graphql[field]!r}"
        for name, field in DEPLOYMENT_FIELDS.items()
        if rest[name] != graphql[field]
    ]
    if upper_snake(rest["TaskState"]) != graphql["taskState"]:
        wrong.append(f"{where} TaskState: {rest['TaskState']} != {graphql['taskState']}")
    for name, field in DEPLOYMENT_DURATIONS.items():
        expected = seconds_for(ticks_of(rest[name]))
        if graphql[field] != expected:
            wrong.append(f"{where} {name}: {rest[name]} is {expected} s, not {graphql[field]}")
    return wrong


async def test_every_report_streams_match_the_rest_deployments(
    demo: SeededDemo, servers: Servers
) -> None:
    wrong: list[str] = []
    deployments = 0
    for seeded in demo.reports:
        rest = (await servers.get(_path(seeded, "deployments")))["Streams"]
        graphql = await graphql_streams(servers, seeded)
        name = seeded.report.name
        keys = [[s[k] for k in STREAM_FIELDS] for s in rest]
        graphql_keys = [[s[f] for f in STREAM_FIELDS.values()] for s in graphql]
        if keys != graphql_keys:
            wrong.append(f"{name!r}: streams {keys} != {graphql_keys}")
            continue
        for stream, node in zip(rest, graphql, strict=True):
            ids = [d["Id"] for d in stream["Deployments"]]
            if ids != [d["id"] for d in node["deployments"]]:
                wrong.append(f"{name!r} {stream['ProjectName']}: deployments differ")
                continue
            for one, other in zip(stream["Deployments"], node["deployments"], strict=True):
                wrong.extend(f"{name!r} {line}" for line in deployment_differences(one, other))
            deployments += len(ids)
    assert not wrong, "\n".join(wrong[:20])
    # Enough of the demo to mean something: several pages, every kind of fact.
    assert deployments > 1_000


# Metrics


METRICS = """
query Metrics(
  $space: ID!, $id: ID!, $split: Split!, $tagSet: ID, $range: TimeRange!,
  $granularity: Granularity!
) {
  report(spaceId: $space, id: $id) {
    metrics(split: $split, tenantTagSetId: $tagSet, timeRange: $range, granularity: $granularity) {
      name
      intervals {
        start
        successfulDeployments
        leadTime { ...durations }
        failureRate {
          successful deploymentFailure successfulButHadGuidedFailure failed total rate
        }
        timeSincePreviousDeployment { ...durations }
        timeToRecovery { ...durations }
        deploymentsUntilRecovery { count mean median min max ninetyFifth }
      }
    }
  }
}

fragment durations on DurationStats { count mean median min max ninetyFifth }
"""

STATISTICS = {
    "Count": "count",
    "Mean": "mean",
    "Median": "median",
    "Min": "min",
    "Max": "max",
    "NinetyFifth": "ninetyFifth",
}
FAILURE_RATE = {
    "Successful": "successful",
    "DeploymentFailure": "deploymentFailure",
    "SuccessfulButHadGuidedFailure": "successfulButHadGuidedFailure",
    "Total": "total",
    "Failed": "failed",
    "Rate": "rate",
}
DURATION_STATISTICS = {
    "LeadTime": "leadTime",
    "TimeSincePreviousDeployment": "timeSincePreviousDeployment",
    "MeanTimeToRecovery": "timeToRecovery",
}


def whole_seconds(duration: str | None) -> float | None:
    """A statistic's duration in seconds; statistics are rounded to whole seconds."""
    ticks = ticks_of(duration)
    if ticks is None:
        return None
    assert ticks % TICKS_PER_SECOND == 0, f"{duration} is not whole seconds"
    return ticks // TICKS_PER_SECOND


def interval_differences(rest: dict[str, Any], graphql: dict[str, Any]) -> list[str]:
    """Every value of one interval that differs between the two answers."""
    pairs: list[tuple[str, Any, Any]] = [
        ("StartOfInterval", rest["StartOfInterval"], graphql["start"]),
        (
            "NumberOfSuccessfulDeployments",
            rest["NumberOfSuccessfulDeployments"],
            graphql["successfulDeployments"],
        ),
    ]
    for name, field in FAILURE_RATE.items():
        pairs.append((name, rest["DeploymentFailureRate"][name], graphql["failureRate"][field]))
    for group, field in DURATION_STATISTICS.items():
        for name, statistic in STATISTICS.items():
            value = rest[group][name]
            expected = value if name == "Count" else whole_seconds(value)
            pairs.append((f"{group}.{name}", expected, graphql[field][statistic]))
    for name, statistic in STATISTICS.items():
        pairs.append(
            (
                f"DeploymentsUntilRecovery.{name}",
                rest["DeploymentsUntilRecovery"][name],
                graphql["deploymentsUntilRecovery"][statistic],
            )
        )
    return [
        f"{rest['StartOfInterval']} {name}: {one!r} != {other!r}"
        for name, one, other in pairs
        if one != other
    ]


def series_differences(rest: list[dict[str, Any]], graphql: list[dict[str, Any]]) -> list[str]:
    names = [s["Name"] for s in rest]
    if names != [s["name"] for s in graphql]:
        return [f"series {names} != {[s['name'] for s in graphql]}"]
    wrong: list[str] = []
    for one, other in zip(rest, graphql, strict=True):
        if len(one["Intervals"]) != len(other["intervals"]):
            wrong.append(f"{one['Name']}: {len(one['Intervals'])} != {len(other['intervals'])}")
            continue
        for a, b in zip(one["Intervals"], other["intervals"], strict=True):
            wrong.extend(f"{one['Name']} {line}" for line in interval_differences(a, b))
    return wrong


def rest_parameters(query: MetricsQuery) -> dict[str, str]:
    parameters = {
        "split": query.split.value,
        "timeRange": query.time_range.value,
        "granularity": query.granularity.value,
    }
    if query.tenant_tag_set_id is not None:
        parameters["tenantTagSetId"] = f"TagSets-{query.tenant_tag_set_id}"
    return parameters


@pytest.mark.parametrize("time_range", list(TimeRange), ids=str)
@pytest.mark.parametrize("split", list(Split), ids=str)
async def test_every_report_metrics_match_the_rest_metrics(
    demo: SeededDemo, servers: Servers, split: Split, time_range: TimeRange
) -> None:
    wrong: list[str] = []
    counted = 0
    for seeded in demo.reports:
        for query in metrics_queries(seeded, split, time_range):
            parameters = rest_parameters(query)
            rest = (await servers.get(_path(seeded, "metrics"), **parameters))["Series"]
            data = await servers.query(
                METRICS,
                space=seeded.report.space_id,
                id=seeded.report.id,
                split=upper_snake(query.split.value),
                tagSet=parameters.get("tenantTagSetId"),
                range=upper_snake(query.time_range.value),
                granularity=upper_snake(query.granularity.value),
            )
            lines = series_differences(rest, data["report"]["metrics"])
            wrong.extend(f"{seeded.report.name!r} {parameters}: {line}" for line in lines[:5])
            counted += sum(
                i["DeploymentFailureRate"]["Total"] for s in rest for i in s["Intervals"]
            )
    assert not wrong, "\n".join(wrong[:30])
    assert counted > 0
