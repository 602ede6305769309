"""Reads: spaces, the reports connection, referenced entities, streams and metric series, checked
against values computed by hand from the small store (see conftest)."""

from __future__ import annotations

import httpx

from tests.graphql.conftest import data, graphql
from tests.graphql.test_mutations import create

HOUR = 3600.0


async def test_reports_connection_pages_with_cursors(client: httpx.AsyncClient) -> None:
    for name in ("charlie", "Alpha", "bravo"):
        await create(client, name=name)
    query = """
    query Page($after: String) {
      reports(spaceId: "Spaces-1", first: 2, after: $after) {
        totalCount
        edges { cursor node { name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }"""
    first = (await data(client, query))["reports"]
    assert first["totalCount"] == 3
    assert [edge["node"]["name"] for edge in first["edges"]] == ["Alpha", "bravo"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    second = (await data(client, query, {"after": first["pageInfo"]["endCursor"]}))["reports"]
    assert [edge["node"]["name"] for edge in second["edges"]] == ["charlie"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True


async def test_report_resolves_its_references(client: httpx.AsyncClient) -> None:
    await create(
        client,
        name="Everything",
        projectGroupIds=["ProjectGroups-2"],
        projectIds=["Projects-1"],
        tenantIds=["Tenants-1"],
        tenantTags=["Location/Europe"],
        environmentGroups=[{"name": "All", "environmentIds": ["Environments-1", "Environments-2"]}],
    )
    result = await data(
        client,
        """{ report(spaceId: "Spaces-1", id: "InsightsReports-1") {
              name space { name } projectGroupIds projectGroups { name projects { name } }
              projects { id name projectGroup { id } channels { name isDefault } }
              tenants { name tags } tenantTags
              environmentGroups { name environmentIds environments { name sortOrder } }
        } }""",
    )
    assert result["report"] == {
        "name": "Everything",
        "space": {"name": "Default"},
        "projectGroupIds": ["ProjectGroups-2"],
        "projectGroups": [{"name": "Back office", "projects": [{"name": "Billing"}]}],
        "projects": [
            {
                "id": "Projects-1",
                "name": "Shop",
                "projectGroup": {"id": "ProjectGroups-1"},
                "channels": [{"name": "Default", "isDefault": True}],
            }
        ],
        "tenants": [{"name": "Acme", "tags": ["Location/Europe"]}],
        "tenantTags": ["Location/Europe"],
        "environmentGroups": [
            {
                "name": "All",
                "environmentIds": ["Environments-1", "Environments-2"],
                "environments": [
                    {"name": "Test", "sortOrder": 1},
                    {"name": "Production", "sortOrder": 2},
                ],
            }
        ],
    }


async def test_missing_things_are_null_everywhere(client: httpx.AsyncClient) -> None:
    await create(client, name="Web")
    result = await data(
        client,
        """{ a: report(spaceId: "Spaces-1", id: "InsightsReports-9") { id }
             b: report(spaceId: "Spaces-2", id: "InsightsReports-1") { id }
             c: report(spaceId: "Spaces-1", id: "junk") { id }
             d: space(id: "Spaces-9") { id }
             e: space(id: "Spaces-1") { report(id: "InsightsReports-1") { name } }
             f: reports(spaceId: "Spaces-9") { totalCount }
             g: reports(spaceId: "junk") { totalCount }
             h: deployments(spaceId: "Spaces-1", reportId: "InsightsReports-9") { totalCount }
             i: deployments(spaceId: "Spaces-2", reportId: "InsightsReports-1") { totalCount }
             j: node(id: "Projects-99") { id }
             k: node(id: "junk") { id }
             l: space(id: "Spaces-1") { report(id: "InsightsReports-2") { name } } }""",
    )
    assert result == {
        "a": None,
        "b": None,
        "c": None,
        "d": None,
        "e": {"report": {"name": "Web"}},
        "f": None,
        "g": None,
        "h": None,
        "i": None,
        "j": None,
        "k": None,
        "l": {"report": None},
    }


STREAMS = """
query Streams($first: Int!, $after: String, $environments: [ID!], $tenants: [ID!]) {
  report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    streams(first: $first, after: $after, environmentIds: $environments, tenantIds: $tenants) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        projectId projectName channelName environmentName tenantId tenantName
        project { name } environment { name } tenant { name }
        deployments {
          id releaseVersion release { id created } taskState outcome completedTime
          hadGuidedFailure leadTime leadTimeCalculatedFromVersion
          leadTimeCalculatedFromRelease { id }
          timeSincePreviousSuccessfulDeployment previousSuccessfulDeploymentId
          timeToRecovery deploymentsUntilRecovery
          recoveredFromFailedDeploymentId recoveredFromFailedReleaseVersion
          recoveredFromFailedRelease { version }
        }
      }
    }
  }
}
"""


async def test_streams_carry_every_fact(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    streams = (await data(client, STREAMS, {"first": 10}))["report"]["streams"]
    assert streams["totalCount"] == 2
    # Ordered by project name: Billing (tenant Acme, Test) before Shop.
    billing, shop = streams["nodes"]
    assert billing["projectName"] == "Billing"
    assert billing["tenantId"] == "Tenants-1"
    assert billing["tenant"] == {"name": "Acme"}
    assert shop["projectId"] == "Projects-1"
    assert shop["tenantId"] is None
    assert shop["tenant"] is None
    assert (shop["project"], shop["environment"]) == ({"name": "Shop"}, {"name": "Production"})
    first, failed, recovered = shop["deployments"]
    assert first == {
        "id": "Deployments-1",
        "releaseVersion": "1.0.0",
        "release": {"id": "Releases-1", "created": "2026-11-02T00:00:00.0000000Z"},
        "taskState": "SUCCESS",
        "outcome": "SUCCESSFUL",
        "completedTime": "2026-11-02T02:00:00.0000000Z",
        "hadGuidedFailure": False,
        "leadTime": 2 * HOUR,
        "leadTimeCalculatedFromVersion": "1.0.0",
        "leadTimeCalculatedFromRelease": {"id": "Releases-1"},
        "timeSincePreviousSuccessfulDeployment": None,
        "previousSuccessfulDeploymentId": None,
        "timeToRecovery": None,
        "deploymentsUntilRecovery": None,
        "recoveredFromFailedDeploymentId": None,
        "recoveredFromFailedReleaseVersion": None,
        "recoveredFromFailedRelease": None,
    }
    assert (failed["taskState"], failed["outcome"], failed["leadTime"]) == (
        "FAILED",
        "FAILED",
        None,
    )
    assert recovered["leadTime"] == 3 * HOUR
    assert recovered["leadTimeCalculatedFromVersion"] == "1.1.0"
    assert recovered["timeSincePreviousSuccessfulDeployment"] == 25 * HOUR
    assert recovered["previousSuccessfulDeploymentId"] == "Deployments-1"
    assert recovered["timeToRecovery"] == 2 * HOUR
    assert recovered["deploymentsUntilRecovery"] == 1
    assert recovered["recoveredFromFailedDeploymentId"] == "Deployments-2"
    assert recovered["recoveredFromFailedReleaseVersion"] == "1.1.0"
    assert recovered["recoveredFromFailedRelease"] == {"version": "1.1.0"}


async def test_streams_page_and_filter(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    page = (await data(client, STREAMS, {"first": 1}))["report"]["streams"]
    assert [node["projectName"] for node in page["nodes"]] == ["Billing"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await data(client, STREAMS, {"first": 1, "after": page["pageInfo"]["endCursor"]})
    assert [node["projectName"] for node in rest["report"]["streams"]["nodes"]] == ["Shop"]
    production = await data(client, STREAMS, {"first": 10, "environments": ["Environments-2"]})
    assert [n["environmentName"] for n in production["report"]["streams"]["nodes"]] == [
        "Production"
    ]
    acme = await data(client, STREAMS, {"first": 10, "tenants": ["Tenants-1"]})
    assert [n["tenantName"] for n in acme["report"]["streams"]["nodes"]] == ["Acme"]


async def test_bad_filter_ids_are_listed_with_their_field_paths(
    client: httpx.AsyncClient,
) -> None:
    await create(client, name="All")
    variables = {
        "first": 10,
        "environments": ["Tenants-1", "Environments-2", "x", "Environments-99"],
        "tenants": ["Tenants-1", "Tenants-2"],
    }
    body = await graphql(client, STREAMS, variables)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["problems"] == [
        {
            "field": "environmentIds[0]",
            "message": "The environmentIds value 'Tenants-1' is not an id like 'Environments-1'.",
        },
        {
            "field": "environmentIds[2]",
            "message": "The environmentIds value 'x' is not an id like 'Environments-1'.",
        },
        {
            # Well-formed, but the space has no such environment: a problem, not ignored.
            "field": "environmentIds[3]",
            "message": "The environmentIds entry 'Environments-99' is not an environment in "
            "Spaces-1.",
        },
        {
            "field": "tenantIds[1]",
            "message": "The tenantIds entry 'Tenants-2' is not a tenant in Spaces-1.",
        },
    ]
    assert error["message"] == " ".join(p["message"] for p in error["extensions"]["problems"])


METRICS = """
query Metrics($split: Split!, $tagSet: ID, $granularity: Granularity!, $from: Timestamp,
              $to: Timestamp, $range: TimeRange!) {
  report(spaceId: "Spaces-1", id: "InsightsReports-1") {
    metrics(split: $split, tenantTagSetId: $tagSet, granularity: $granularity,
            timeRange: $range, from: $from, to: $to) {
      name
      intervals {
        start successfulDeployments
        leadTime { count mean median min max ninetyFifth }
        failureRate { successful deploymentFailure successfulButHadGuidedFailure failed total rate }
        timeSincePreviousDeployment { count mean }
        timeToRecovery { count mean }
        deploymentsUntilRecovery { count mean }
      }
    }
  }
}
"""


async def test_metrics_in_numbers(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    variables = {"split": "PROJECT", "granularity": "WEEKLY", "range": "LAST_MONTH"}
    series = (await data(client, METRICS, variables))["report"]["metrics"]
    assert [entry["name"] for entry in series] == ["Billing", "Shop"]
    shop = series[1]
    # 2026-11-02 is a Monday: its week starts on Sunday 2026-11-01.
    week = next(interval for interval in shop["intervals"] if interval["start"] == "2026-11-01")
    assert week["successfulDeployments"] == 2
    assert week["leadTime"] == {
        "count": 2,
        "mean": 2.5 * HOUR,
        "median": 2.5 * HOUR,
        "min": 2 * HOUR,
        "max": 3 * HOUR,
        "ninetyFifth": 2.95 * HOUR,
    }
    assert week["failureRate"] == {
        "successful": 2,
        "deploymentFailure": 1,
        "successfulButHadGuidedFailure": 0,
        "failed": 1,
        "total": 3,
        "rate": 0.33333,
    }
    assert week["timeSincePreviousDeployment"] == {"count": 1, "mean": 25 * HOUR}
    assert week["timeToRecovery"] == {"count": 1, "mean": 2 * HOUR}
    assert week["deploymentsUntilRecovery"] == {"count": 1, "mean": 1.0}
    assert sum(interval["successfulDeployments"] for interval in shop["intervals"]) == 2


async def test_metrics_explicit_window_and_daily(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    variables = {
        "split": "NONE",
        "granularity": "DAILY",
        "range": "LAST_YEAR",
        "from": "2026-11-02T00:00:00Z",
        "to": "2026-11-03T23:59:59Z",
    }
    (only,) = (await data(client, METRICS, variables))["report"]["metrics"]
    assert only["name"] == "All"
    assert [(i["start"], i["successfulDeployments"]) for i in only["intervals"]] == [
        ("2026-11-02", 2),
        ("2026-11-03", 1),
    ]


async def test_metrics_bad_input(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    missing = {"split": "TENANT_TAG_SET", "granularity": "WEEKLY", "range": "LAST_MONTH"}
    body = await graphql(client, METRICS, missing)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "tenantTagSetId" in body["errors"][0]["message"]
    wrong = {**missing, "tagSet": "Tenants-1"}
    body = await graphql(client, METRICS, wrong)
    assert "'Tenants-1'" in body["errors"][0]["message"]
    enum = {**missing, "split": "Project"}
    body = await graphql(client, METRICS, enum)
    assert body["data"] is None
    assert "Split" in body["errors"][0]["message"]
    timestamp = {**missing, "split": "NONE", "from": "yesterday"}
    body = await graphql(client, METRICS, timestamp)
    assert body["data"] is None
    assert "yesterday" in body["errors"][0]["message"]


async def test_tag_set_split(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    variables = {
        "split": "TENANT_TAG_SET",
        "tagSet": "TagSets-1",
        "granularity": "MONTHLY",
        "range": "LAST_MONTH",
    }
    series = (await data(client, METRICS, variables))["report"]["metrics"]
    assert [entry["name"] for entry in series] == ["Europe", "Untenanted"]
