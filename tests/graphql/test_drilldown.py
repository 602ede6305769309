"""On the seeded demo: the drill-down from every chart point returns exactly the deployments its
interval counts, and a report's summary agrees with its deployments counted by hand."""

from __future__ import annotations

import json
import statistics
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.graphql.ide import DASHBOARD_QUERY, EXAMPLES
from gateway.insights.ticks import TICKS_PER_DAY, format_timestamp, parse_timestamp
from gateway.settings import Settings
from tests.seeded import NOW, SeededDemo, SeededReport, seeded_demo

KEY = "API-DRILLDOWNTESTKEY0000000000"
DAY = TICKS_PER_DAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SeededDemo:
    return seeded_demo(Path(tmp_path_factory.mktemp("drilldown")))


@pytest.fixture
async def client(demo: SeededDemo) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=demo.url, api_keys=(KEY,), api_keys_generated=False, now=NOW)
    gateway = create_app(settings)
    await gateway.store.open()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway),
            base_url="http://gateway",
            headers={"X-Octopus-ApiKey": KEY},
        ) as client:
            yield client
    finally:
        await gateway.store.close()


async def query(client: httpx.AsyncClient, text: str, **variables: Any) -> Any:
    response = await client.post("/graphql", json={"query": text, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


METRICS = """
query Chart($space: ID!, $id: ID!, $split: Split!, $tagSet: ID) {
  report(spaceId: $space, id: $id) {
    metrics(split: $split, tenantTagSetId: $tagSet, timeRange: LAST_MONTH, granularity: WEEKLY) {
      name key { kind id }
      intervals { from to successfulDeployments failureRate { failed total } }
    }
  }
}
"""

DRILL = """
  {alias}_all: deployments(spaceId: $space, reportId: $id, seriesKey: $key,
                           from: "{start}", to: "{end}", first: 100) {{
    totalCount nodes {{ id outcome completedTime }}
  }}
  {alias}_ok: deployments(spaceId: $space, reportId: $id, seriesKey: $key,
                          from: "{start}", to: "{end}", outcome: SUCCESSFUL, first: 0) {{
    totalCount
  }}
  {alias}_bad: deployments(spaceId: $space, reportId: $id, seriesKey: $key, from: "{start}",
                           to: "{end}", outcome: [FAILED, SUCCESS_WITH_GUIDED_FAILURE],
                           first: 0) {{
    totalCount
  }}
"""


def _splits(seeded: SeededReport) -> list[tuple[str, str | None]]:
    tag_sets = [f"TagSets-{number}" for number in seeded.tag_set_ids]
    return [
        ("NONE", None),
        ("PROJECT", None),
        ("PROJECT_GROUP", None),
        ("ENVIRONMENT", None),
        ("ENVIRONMENT_GROUP", None),
        ("TENANT", None),
        *(("TENANT_TAG_SET", tag_set) for tag_set in tag_sets),
    ]


async def test_the_drill_down_returns_exactly_what_each_interval_counts(
    demo: SeededDemo, client: httpx.AsyncClient
) -> None:
    checked = 0
    for seeded in demo.reports[:3]:
        space, id = seeded.report.space_id, seeded.report.id
        for split, tag_set in _splits(seeded):
            chart = await query(client, METRICS, space=space, id=id, split=split, tagSet=tag_set)
            for series in chart["report"]["metrics"]:
                intervals = series["intervals"]
                fields = "".join(
                    DRILL.format(alias=f"i{n}", start=i["from"], end=i["to"])
                    for n, i in enumerate(intervals)
                )
                drilled = await query(
                    client,
                    f"query Drill($space: ID!, $id: ID!, $key: SeriesKeyInput) {{ {fields} }}",
                    space=space,
                    id=id,
                    key=series["key"],
                )
                for n, interval in enumerate(intervals):
                    where = (id, split, tag_set, series["name"], interval["from"])
                    every = drilled[f"i{n}_all"]
                    rate = interval["failureRate"]
                    assert every["totalCount"] == rate["total"], where
                    assert drilled[f"i{n}_ok"]["totalCount"] == interval["successfulDeployments"]
                    assert drilled[f"i{n}_bad"]["totalCount"] == rate["failed"], where
                    for node in every["nodes"]:
                        completed = parse_timestamp(node["completedTime"])
                        assert parse_timestamp(interval["from"]) <= completed, where
                        assert completed <= parse_timestamp(interval["to"]), where
                        assert node["outcome"] != "NOT_COUNTED"
                    checked += rate["total"]
    assert checked > 1000, "the demo's reports hold enough deployments to make this count"


SUMMARY = """
query Summary($space: ID!, $id: ID!) {
  report(spaceId: $space, id: $id) {
    summary(timeRange: LAST_QUARTER) {
      name
      totals {
        from to days successfulDeployments deploymentsPerDay deploymentsPerWeek
        leadTime { count median } failureRate { failed total rate }
        timeToRecovery { count median }
      }
      level { deploymentFrequency leadTime changeFailureRate recoveryTime overall }
      trend {
        end
        deploymentFrequency { direction improving previous current previousCount currentCount }
        leadTime { direction improving previous current previousCount currentCount change }
        changeFailureRate { direction previous current previousCount currentCount }
        recoveryTime { direction previousCount currentCount }
      }
    }
  }
}
"""

STREAMS = """
query Streams($space: ID!, $id: ID!, $from: Timestamp!, $to: Timestamp!, $after: String) {
  report(spaceId: $space, id: $id) {
    streams(from: $from, to: $to, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { deployments { outcome completedTime leadTime timeToRecovery } }
    }
  }
}
"""


async def _deployments(
    client: httpx.AsyncClient, seeded: SeededReport, start: int, end: int
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        data = await query(
            client,
            STREAMS,
            space=seeded.report.space_id,
            id=seeded.report.id,
            **{"from": format_timestamp(start), "to": format_timestamp(end)},
            after=after,
        )
        page = data["report"]["streams"]
        found += [d for stream in page["nodes"] for d in stream["deployments"]]
        if not page["pageInfo"]["hasNextPage"]:
            return [d for d in found if d["outcome"] != "NOT_COUNTED"]
        after = page["pageInfo"]["endCursor"]


def _level_2024_lead_time(median: float) -> str:
    """The README's 2024 table: under a day, a day to a week, a week to 30 days, longer."""
    days = median / 86_400
    return "ELITE" if days < 1 else "HIGH" if days <= 7 else "MEDIUM" if days <= 30 else "LOW"


def _level_2024_rate(failed: int, total: int) -> str:
    """The README's 2024 table: up to 5%, up to 10% (MEDIUM), up to 20% (HIGH), more."""
    percent = 100 * failed / total
    return (
        "ELITE"
        if percent <= 5
        else "MEDIUM"
        if percent <= 10
        else "HIGH"
        if percent <= 20
        else "LOW"
    )


def _level_2024_frequency(per_day: float) -> str:
    """More than daily, at least weekly, at least every 30 days, less."""
    return (
        "ELITE"
        if per_day > 1
        else "HIGH"
        if per_day >= 1 / 7
        else "MEDIUM"
        if per_day >= 1 / 30
        else "LOW"
    )


async def test_the_summary_agrees_with_its_deployments_counted_by_hand(
    demo: SeededDemo, client: httpx.AsyncClient
) -> None:
    seeded = max(demo.reports, key=lambda r: r.report.name == "High Volume Report")
    space, id = seeded.report.space_id, seeded.report.id
    summary = (await query(client, SUMMARY, space=space, id=id))["report"]["summary"]
    totals = summary["totals"]
    start, end = parse_timestamp(totals["from"]), parse_timestamp(totals["to"])
    assert end == NOW
    window = await _deployments(client, seeded, start, end)
    good = [d for d in window if d["outcome"] == "SUCCESSFUL"]
    failed = len(window) - len(good)
    leads = [d["leadTime"] for d in good if d["leadTime"] is not None]
    assert totals["successfulDeployments"] == len(good)
    assert totals["failureRate"]["total"] == len(window)
    assert totals["failureRate"]["failed"] == failed
    assert totals["leadTime"]["count"] == len(leads)
    assert totals["leadTime"]["median"] == round(statistics.median(leads))
    days = (end - start + 1) / DAY
    assert totals["days"] == pytest.approx(days)
    assert totals["deploymentsPerDay"] == pytest.approx(len(good) / days)
    assert totals["deploymentsPerWeek"] == pytest.approx(7 * len(good) / days)
    level = summary["level"]
    assert level["leadTime"] == _level_2024_lead_time(totals["leadTime"]["median"])
    assert level["changeFailureRate"] == _level_2024_rate(failed, len(window))
    assert level["deploymentFrequency"] == _level_2024_frequency(len(good) / days)
    placed = [level[key] for key in ("deploymentFrequency", "leadTime", "changeFailureRate")]
    if level["recoveryTime"] is not None:
        placed.append(level["recoveryTime"])
    order = ["ELITE", "HIGH", "MEDIUM", "LOW"]
    assert level["overall"] == max(placed, key=order.index)

    # Trends: (end - 28 days, end] against the 28 days before.
    trend = summary["trend"]
    assert parse_timestamp(trend["end"]) == end
    both = await _deployments(client, seeded, end - 56 * DAY + 1, end)
    current = [d for d in both if parse_timestamp(d["completedTime"]) > end - 28 * DAY]
    previous = [d for d in both if parse_timestamp(d["completedTime"]) <= end - 28 * DAY]
    frequency = trend["deploymentFrequency"]
    ok_before = sum(d["outcome"] == "SUCCESSFUL" for d in previous)
    ok_now = sum(d["outcome"] == "SUCCESSFUL" for d in current)
    assert (frequency["previousCount"], frequency["currentCount"]) == (ok_before, ok_now)
    assert (frequency["previous"], frequency["current"]) == (ok_before / 4, ok_now / 4)
    lead_before = [d["leadTime"] for d in previous if d["leadTime"] is not None]
    lead_now = [d["leadTime"] for d in current if d["leadTime"] is not None]
    lead = trend["leadTime"]
    assert (lead["previousCount"], lead["currentCount"]) == (len(lead_before), len(lead_now))
    assert lead["previous"] == pytest.approx(statistics.mean(lead_before))
    assert lead["current"] == pytest.approx(statistics.mean(lead_now))
    change = (statistics.mean(lead_now) - statistics.mean(lead_before)) / abs(
        statistics.mean(lead_before)
    )
    assert lead["change"] == pytest.approx(change)
    expected = "STEADY" if abs(change) < 0.05 else "UP" if change > 0 else "DOWN"
    assert lead["direction"] == expected
    assert lead["improving"] == (None if expected == "STEADY" else expected == "DOWN")
    rate = trend["changeFailureRate"]
    assert (rate["previousCount"], rate["currentCount"]) == (len(previous), len(current))
    failed_now = sum(d["outcome"] != "SUCCESSFUL" for d in current)
    assert rate["current"] == pytest.approx(failed_now / len(current))
    recoveries = sum(d["timeToRecovery"] is not None for d in current)
    assert trend["recoveryTime"]["currentCount"] == recoveries
    if recoveries < 10:
        assert trend["recoveryTime"]["direction"] == "NONE"


async def test_the_graphiql_examples_answer_on_the_demo(client: httpx.AsyncClient) -> None:
    for example in EXAMPLES:
        if "\nmutation " in example["query"]:
            continue  # the example's mutation writes nothing, but is not run here
        response = await client.post(
            "/graphql",
            json={"query": example["query"], "variables": json.loads(example["variables"])},
        )
        body = response.json()
        assert "errors" not in body, (example["query"], body["errors"])
    dashboard = await query(
        client, DASHBOARD_QUERY, spaceId="Spaces-1", reportId="InsightsReports-1"
    )
    report = dashboard["report"]
    assert report["summary"]["level"]["overall"] in {"ELITE", "HIGH", "MEDIUM", "LOW"}
    assert set(report["summary"]["trend"]) == {
        "deploymentFrequency",
        "leadTime",
        "changeFailureRate",
        "recoveryTime",
    }
    assert len(report["metrics"]) > 1
    for series in report["metrics"]:
        assert series["key"]["kind"] == "ENVIRONMENT"
        assert series["level"]["overall"] in {"ELITE", "HIGH", "MEDIUM", "LOW"}
        assert series["trend"]["leadTime"]["direction"] in {"NONE", "STEADY", "UP", "DOWN"}
