"""Intervals in the report's time zone across daylight-saving changes, IANA and Windows names."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.insights.aggregation import DeploymentColumns, compute_metrics
from gateway.insights.metrics import Granularity, MetricsQuery, TimeRange
from gateway.insights.report import Report
from gateway.insights.ticks import parse_timestamp
from tests.insights.sample import CATALOGUE, SHOP, TEST, S, row

# London springs forward at 01:00 UTC on 31 March 2024 (a 23-hour day).
LONDON = ["2024-03-30T23:30:00Z", "2024-03-31T22:30:00Z", "2024-03-31T23:30:00Z"]
# New York falls back at 06:00 UTC on 3 November 2024 (a 25-hour day); weeks start on Sunday.
NEW_YORK = [
    "2024-11-03T03:30:00Z",  # 23:30 EDT Saturday 2 November: week of 27 October
    "2024-11-03T04:30:00Z",  # 00:30 EDT Sunday 3 November: week of 3 November
    "2024-11-10T04:30:00Z",  # 23:30 EST Saturday 9 November: still week of 3 November
    "2024-11-10T05:30:00Z",  # 00:30 EST Sunday 10 November: week of 10 November
]

CASES = [
    pytest.param("Europe/London", LONDON, "2024-04-01T12:00:00Z", Granularity.Daily,
        {date(2024, 3, 30): 1, date(2024, 3, 31): 1, date(2024, 4, 1): 1}, id="london-daily"),
    pytest.param("GMT Standard Time", LONDON, "2024-04-01T12:00:00Z", Granularity.Daily,
        {date(2024, 3, 30): 1, date(2024, 3, 31): 1, date(2024, 4, 1): 1},
        id="london-by-windows-name"),
    pytest.param("UTC", LONDON, "2024-04-01T12:00:00Z", Granularity.Daily,
        {date(2024, 3, 30): 1, date(2024, 3, 31): 2}, id="same-deployments-in-utc"),
    pytest.param("America/New_York", NEW_YORK, "2024-11-20T12:00:00Z", Granularity.Weekly,
        {date(2024, 10, 27): 1, date(2024, 11, 3): 2, date(2024, 11, 10): 1},
        id="new-york-weekly"),
    pytest.param("Eastern Standard Time", NEW_YORK, "2024-11-20T12:00:00Z", Granularity.Weekly,
        {date(2024, 10, 27): 1, date(2024, 11, 3): 2, date(2024, 11, 10): 1},
        id="new-york-by-windows-name"),
    pytest.param("UTC", NEW_YORK, "2024-11-20T12:00:00Z", Granularity.Weekly,
        {date(2024, 11, 3): 2, date(2024, 11, 10): 2}, id="same-deployments-in-utc-weekly"),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "completed", "now", "granularity", "expected"), CASES)
def test_deployments_land_on_local_intervals(
    zone: str, completed: list[str], now: str, granularity: Granularity, expected: dict[date, int]
) -> None:
    report = Report(id="InsightsReports-1", space_id="Spaces-1", name="r", time_zone=zone)
    data = DeploymentColumns.from_rows(row(when, S, SHOP, TEST, lead=1) for when in completed)
    query = MetricsQuery(time_range=TimeRange.LastMonth, granularity=granularity)
    metrics = compute_metrics(
        data, report=report, catalogue=CATALOGUE, query=query, now=parse_timestamp(now)
    )
    intervals = metrics.series[0].intervals
    found = {i.start: i.successful_deployments for i in intervals if i.successful_deployments}
    assert found == expected
    # Every interval of the window is listed, consecutive and oldest first.
    starts = [i.start for i in intervals]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
