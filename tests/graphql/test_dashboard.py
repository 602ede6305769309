"""A dashboard's reads on the small store (see conftest), computed by hand: the summary with its
levels and trends, series keys and their order, the drill-down, nodes, paged deployments."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.app import GatewayApp
from gateway.insights.ticks import TICKS_PER_DAY
from gateway.store import models
from gateway.store.facts import refresh_facts
from gateway.store.generation import bump_generation
from tests.graphql.conftest import T0, data, deployment, graphql
from tests.graphql.test_mutations import create

HOUR = 3600.0
REPORT = 'report(spaceId: "Spaces-1", id: "InsightsReports-1")'

SUMMARY = f"""
query Summary($benchmark: Benchmark!) {{
  {REPORT} {{
    summary(timeRange: LAST_MONTH) {{
      name
      totals {{
        from to days successfulDeployments deploymentsPerDay deploymentsPerWeek
        leadTime {{ count median }} failureRate {{ failed total rate }}
        timeToRecovery {{ count median }}
      }}
      level(benchmark: $benchmark) {{
        benchmark deploymentFrequency leadTime changeFailureRate recoveryTime overall
      }}
      trend {{
        end
        deploymentFrequency {{ direction improving previous current previousCount currentCount }}
        leadTime {{ direction previousCount currentCount }}
      }}
    }}
  }}
}}
"""


async def test_the_summary_by_hand(client: httpx.AsyncClient) -> None:
    # LAST_MONTH, weekly: from Sunday 2026-10-11 (the week of 12 October) to now, 12 November:
    # 32 days. Successful: Deployments-1, -3, -4 (lead times 2 h, 3 h, 5 h); failed:
    # Deployments-2; Deployments-3 recovered from it in 2 hours.
    await create(client, name="All")
    summary = (await data(client, SUMMARY, {"benchmark": "DORA_2024"}))["report"]["summary"]
    assert summary["name"] == "All"
    assert summary["totals"] == {
        "from": "2026-10-11T00:00:00.0000000Z",
        "to": "2026-11-12T00:00:00.0000000Z",
        "days": pytest.approx(32),
        "successfulDeployments": 3,
        "deploymentsPerDay": pytest.approx(3 / 32),
        "deploymentsPerWeek": pytest.approx(21 / 32),
        "leadTime": {"count": 3, "median": 3 * HOUR},
        "failureRate": {"failed": 1, "total": 4, "rate": 0.25},
        "timeToRecovery": {"count": 1, "median": 2 * HOUR},
    }
    # 2024: 3/32 a day is weekly to monthly (MEDIUM); 3 hours under a day (ELITE); 25% over
    # 20% (LOW); 2 hours under a day (HIGH). Overall the lowest: LOW.
    assert summary["level"] == {
        "benchmark": "DORA_2024",
        "deploymentFrequency": "MEDIUM",
        "leadTime": "ELITE",
        "changeFailureRate": "LOW",
        "recoveryTime": "HIGH",
        "overall": "LOW",
    }
    # 2021: monthly or more (HIGH), an hour to a week (HIGH), 16-30% (HIGH), under a day.
    older = (await data(client, SUMMARY, {"benchmark": "DORA_2021"}))["report"]["summary"]
    assert older["level"] == {
        "benchmark": "DORA_2021",
        "deploymentFrequency": "HIGH",
        "leadTime": "HIGH",
        "changeFailureRate": "HIGH",
        "recoveryTime": "HIGH",
        "overall": "HIGH",
    }
    # Three successful deployments in the last 28 days, none before: too few for a trend.
    assert summary["trend"] == {
        "end": "2026-11-12T00:00:00.0000000Z",
        "deploymentFrequency": {
            "direction": "NONE",
            "improving": None,
            "previous": 0.0,
            "current": 0.75,
            "previousCount": 0,
            "currentCount": 3,
        },
        "leadTime": {"direction": "NONE", "previousCount": 0, "currentCount": 3},
    }


SERIES = f"""
query Series($split: Split!, $tagSet: ID, $order: SeriesOrder!) {{
  {REPORT} {{
    metrics(split: $split, tenantTagSetId: $tagSet, timeRange: LAST_MONTH, orderBy: $order) {{
      name key {{ kind id ids }}
      totals {{ successfulDeployments failureRate {{ rate }} }}
      level {{ deploymentFrequency leadTime changeFailureRate recoveryTime overall }}
    }}
  }}
}}
"""


async def _series(client: httpx.AsyncClient, split: str, **extra: Any) -> list[dict[str, Any]]:
    variables = {"split": split, "order": "NAME", **extra}
    listed: list[dict[str, Any]] = (await data(client, SERIES, variables))["report"]["metrics"]
    return listed


async def test_series_keys_levels_and_lifecycle_order(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    by_name = await _series(client, "ENVIRONMENT")
    assert [s["name"] for s in by_name] == ["Production", "Test"]
    production, test = by_name
    assert production["key"] == {
        "kind": "ENVIRONMENT",
        "id": "Environments-2",
        "ids": ["Environments-2"],
    }
    # Production: 2 successful in 32 days (MEDIUM), lead 2.5 h (ELITE), 1 in 3 failed (LOW),
    # recovery 2 h (HIGH). Test: 1 successful (under monthly: LOW), none failed (ELITE).
    assert production["totals"] == {"successfulDeployments": 2, "failureRate": {"rate": 0.33333}}
    assert production["level"] == {
        "deploymentFrequency": "MEDIUM",
        "leadTime": "ELITE",
        "changeFailureRate": "LOW",
        "recoveryTime": "HIGH",
        "overall": "LOW",
    }
    assert test["level"] == {
        "deploymentFrequency": "LOW",
        "leadTime": "ELITE",
        "changeFailureRate": "ELITE",
        "recoveryTime": None,
        "overall": "LOW",
    }
    # Test's sort order is 1, Production's 2.
    lifecycle = await _series(client, "ENVIRONMENT", order="LIFECYCLE")
    assert [s["name"] for s in lifecycle] == ["Test", "Production"]
    assert [s["key"] for s in await _series(client, "PROJECT", order="LIFECYCLE")] == [
        {"kind": "PROJECT", "id": "Projects-2", "ids": ["Projects-2"]},
        {"kind": "PROJECT", "id": "Projects-1", "ids": ["Projects-1"]},
    ]
    assert [(s["name"], s["key"]) for s in await _series(client, "TENANT")] == [
        ("Acme", {"kind": "TENANT", "id": "Tenants-1", "ids": ["Tenants-1"]}),
        ("Untenanted", {"kind": "UNTENANTED", "id": None, "ids": []}),
    ]
    tags = await _series(client, "TENANT_TAG_SET", tagSet="TagSets-1")
    assert [(s["name"], s["key"]["kind"], s["key"]["id"]) for s in tags] == [
        ("Europe", "TAG", "Location/Europe"),
        ("Untenanted", "UNTENANTED", None),
    ]
    (everything,) = await _series(client, "NONE")
    assert everything["key"] == {"kind": "ALL", "id": None, "ids": []}


async def test_environment_groups_in_lifecycle_order(client: httpx.AsyncClient) -> None:
    await create(
        client,
        name="Grouped",
        environmentGroups=[
            {"name": "Live", "environmentIds": ["Environments-2"]},
            {"name": "Checks", "environmentIds": ["Environments-1"]},
        ],
    )
    names = await _series(client, "ENVIRONMENT_GROUP")
    assert [(s["name"], s["key"]["id"]) for s in names] == [("Live", "Live"), ("Checks", "Checks")]
    lifecycle = await _series(client, "ENVIRONMENT_GROUP", order="LIFECYCLE")
    assert [s["name"] for s in lifecycle] == ["Checks", "Live"]


DRILL = """
query Drill($key: SeriesKeyInput, $outcome: [Outcome!], $from: Timestamp, $to: Timestamp,
            $first: Int!, $after: String) {
  deployments(spaceId: "Spaces-1", reportId: "InsightsReports-1", seriesKey: $key,
              outcome: $outcome, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id outcome project { name } environment { name } tenant { name } }
  }
}
"""


async def _drill(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await data(client, DRILL, {"first": 30, **variables}))["deployments"]
    return found


@pytest.mark.parametrize(
    ("key", "outcome", "ids"),
    [
        pytest.param(None, None, [1, 4, 2, 3], id="all-by-completion"),
        pytest.param({"kind": "PROJECT", "id": "Projects-1"}, None, [1, 2, 3], id="project"),
        pytest.param({"kind": "PROJECT", "id": "Projects-1"}, "FAILED", [2], id="its-failures"),
        pytest.param({"kind": "ENVIRONMENT", "id": "Environments-1"}, None, [4], id="test"),
        pytest.param({"kind": "TAG", "id": "Location/Europe"}, None, [4], id="tag"),
        pytest.param({"kind": "UNTAGGED", "id": "TagSets-1"}, None, [], id="untagged"),
        pytest.param({"kind": "UNTENANTED"}, ["SUCCESSFUL"], [1, 3], id="untenanted"),
        pytest.param({"kind": "PROJECT_GROUP", "id": "ProjectGroups-2"}, None, [4], id="group"),
        pytest.param(None, "NOT_COUNTED", [], id="none-canceled"),
    ],
)
async def test_the_drill_down_by_hand(
    client: httpx.AsyncClient, key: dict[str, str] | None, outcome: Any, ids: list[int]
) -> None:
    await create(client, name="All")
    found = await _drill(client, key=key, outcome=outcome)
    assert [node["id"] for node in found["nodes"]] == [f"Deployments-{n}" for n in ids]
    assert found["totalCount"] == len(ids)


async def test_the_drill_down_pages_and_its_window(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    page = await _drill(client, first=3)
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await _drill(client, first=3, after=page["pageInfo"]["endCursor"])
    assert [n["id"] for n in rest["nodes"]] == ["Deployments-3"]
    assert rest["nodes"][0]["project"] == {"name": "Shop"}
    assert rest["nodes"][0]["tenant"] is None
    # The day of T0 only: Deployments-1 at 02:00 and -4 at 05:00.
    day = await _drill(client, **{"from": "2026-11-02T00:00:00Z", "to": "2026-11-02T23:59:59Z"})
    assert [n["id"] for n in day["nodes"]] == ["Deployments-1", "Deployments-4"]
    assert day["nodes"][1]["environment"] == {"name": "Test"}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param({"kind": "PROJECT"}, "The id is required for PROJECT series.", id="no-id"),
        pytest.param(
            {"kind": "PROJECT", "id": "Projects-9"},
            "The id 'Projects-9' is not a project in Spaces-1.",
            id="no-such-project",
        ),
        pytest.param(
            {"kind": "ENVIRONMENT", "id": "Projects-1"},
            "The id 'Projects-1' is not an environment id (like 'Environments-1').",
            id="wrong-kind",
        ),
        pytest.param(
            {"kind": "ALL", "id": "x"},
            "The id 'x' names nothing: ALL series have no id.",
            id="id-for-all",
        ),
        pytest.param(
            {"kind": "ENVIRONMENT_GROUP", "id": "Live"},
            "The id 'Live' is not an environment group of the report.",
            id="no-such-group",
        ),
        pytest.param(
            {"kind": "TAG", "id": "Location/Mars"},
            "The id 'Location/Mars' is not a tag in Spaces-1 (tags are written 'Tag Set/Tag').",
            id="no-such-tag",
        ),
    ],
)
async def test_a_key_that_names_nothing_is_a_problem(
    client: httpx.AsyncClient, key: dict[str, str], message: str
) -> None:
    await create(client, name="All")
    body = await graphql(client, DRILL, {"first": 10, "key": key})
    (error,) = body["errors"]
    problem = {"field": "seriesKey.id", "message": message}
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "problems": [problem]}
    assert body["data"] == {"deployments": None}


NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Deployment { releaseVersion timeToRecovery environment { name } channel { name } }
    ... on Report { name }
  }
}
"""


@pytest.mark.parametrize(
    ("id", "typename"),
    [
        ("Spaces-1", "Space"),
        ("ProjectGroups-2", "ProjectGroup"),
        ("Projects-1", "Project"),
        ("Channels-2", "Channel"),
        ("Environments-2", "Environment"),
        ("Tenants-1", "Tenant"),
        ("TagSets-1", "TagSet"),
        ("Releases-3", "Release"),
        ("Deployments-3", "Deployment"),
        ("InsightsReports-1", "Report"),
    ],
)
async def test_node_finds_every_kind_by_id(
    client: httpx.AsyncClient, id: str, typename: str
) -> None:
    await create(client, name="All")
    node = (await data(client, NODE, {"id": id}))["node"]
    assert (node["__typename"], node["id"]) == (typename, id)
    if typename == "Deployment":
        assert node["releaseVersion"] == "1.1.0"
        assert node["timeToRecovery"] == 2 * HOUR
        assert (node["environment"], node["channel"]) == (
            {"name": "Production"},
            {"name": "Default"},
        )
    if typename == "Report":
        assert node["name"] == "All"


async def test_nodes_keep_the_order_asked(client: httpx.AsyncClient) -> None:
    result = await data(
        client, '{ nodes(ids: ["Tenants-1", "Tenants-9", "Spaces-2"]) { __typename id } }'
    )
    assert result["nodes"] == [
        {"__typename": "Tenant", "id": "Tenants-1"},
        None,
        {"__typename": "Space", "id": "Spaces-2"},
    ]


PAGED = f"""
query Paged($after: String, $range: TimeRange) {{
  {REPORT} {{
    streams(first: 10, timeRange: $range) {{
      nodes {{ projectName deploymentsPage(first: 2, after: $after) {{
        totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}
    }}
  }}
}}
"""


async def test_deployments_of_a_stream_come_in_pages(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    streams = (await data(client, PAGED))["report"]["streams"]["nodes"]
    shop = next(s for s in streams if s["projectName"] == "Shop")["deploymentsPage"]
    assert [n["id"] for n in shop["nodes"]] == ["Deployments-1", "Deployments-2"]
    assert (shop["totalCount"], shop["pageInfo"]["hasNextPage"]) == (3, True)
    after = shop["pageInfo"]["endCursor"]
    streams = (await data(client, PAGED, {"after": after}))["report"]["streams"]["nodes"]
    rest = next(s for s in streams if s["projectName"] == "Shop")["deploymentsPage"]
    assert [n["id"] for n in rest["nodes"]] == ["Deployments-3"]


async def test_streams_over_a_time_range_match_the_metrics_window(
    app: GatewayApp, client: httpx.AsyncClient
) -> None:
    # A Shop deployment 60 days before T0: in the default window (twelve months), not in the
    # window LAST_MONTH gives metrics.
    assert app.store.engine is not None
    async with app.store.engine.begin() as connection:
        release = models.Release(
            id=1, space_id=1, project_id=1, channel_id=1, version="1.0.0", assembled=T0
        )
        row = deployment(5, release, 2, "Success", T0 - 60 * TICKS_PER_DAY)
        await connection.execute(models.Deployment.__table__.insert().values(**row.model_dump()))  # type: ignore[attr-defined]
        await refresh_facts(connection)
        await bump_generation(connection)
    await create(client, name="All")

    def shop(result: dict[str, Any]) -> int:
        streams = result["report"]["streams"]["nodes"]
        page = next(s for s in streams if s["projectName"] == "Shop")["deploymentsPage"]
        total: int = page["totalCount"]
        return total

    assert shop(await data(client, PAGED)) == 4
    assert shop(await data(client, PAGED, {"range": "LAST_MONTH"})) == 3
    intervals = "intervals { failureRate { total } }"
    metrics = await data(
        client, f"{{ {REPORT} {{ metrics(timeRange: LAST_MONTH) {{ {intervals} }} }} }}"
    )
    counted = sum(i["failureRate"]["total"] for i in metrics["report"]["metrics"][0]["intervals"])
    assert counted == 4  # Shop's 3 and Billing's 1, as streams(timeRange: LAST_MONTH) lists
