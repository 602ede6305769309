"""Windows and intervals in the report's zone, with hand-computed dates and instants."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from gateway.insights.errors import Invalid
from gateway.insights.metrics import Granularity, MetricsQuery, TimeRange
from gateway.insights.ticks import parse_timestamp
from gateway.insights.timezones import resolve_time_zone
from gateway.insights.windows import (
    intervals_between,
    local_midnight,
    metrics_window,
    minus_months,
    streams_window,
)

D, W, M = Granularity.Daily, Granularity.Weekly, Granularity.Monthly


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2024, 3, 31), 1, date(2024, 2, 29), id="clamped-to-leap-february"),
        pytest.param(date(2023, 3, 31), 1, date(2023, 2, 28), id="clamped-to-february"),
        pytest.param(date(2024, 5, 31), 3, date(2024, 2, 29), id="quarter-clamped"),
        pytest.param(date(2024, 2, 29), 12, date(2023, 2, 28), id="year-from-leap-day"),
        pytest.param(date(2024, 1, 15), 1, date(2023, 12, 15), id="across-new-year"),
    ],
)
def test_minus_months(day: date, months: int, expected: date) -> None:
    assert minus_months(day, months) == expected


@pytest.mark.parametrize(
    ("now", "zone", "time_range", "granularity", "first", "last", "count", "start"),
    [
        pytest.param(
            "2024-03-13T12:00:00Z", "UTC", TimeRange.LastMonth, W,
            date(2024, 2, 11), date(2024, 3, 10), 5, "2024-02-11T00:00:00Z",
            id="last-month-weekly-starts-on-sunday",
        ),
        pytest.param(
            "2024-05-31T12:00:00Z", "UTC", TimeRange.LastQuarter, M,
            date(2024, 2, 1), date(2024, 5, 1), 4, "2024-02-01T00:00:00Z",
            id="last-quarter-monthly-from-clamped-day",
        ),
        pytest.param(
            "2024-03-31T12:00:00Z", "UTC", TimeRange.LastMonth, D,
            date(2024, 2, 29), date(2024, 3, 31), 32, "2024-02-29T00:00:00Z",
            id="last-month-daily-from-leap-day",
        ),
        pytest.param(
            "2024-02-29T12:00:00Z", "UTC", TimeRange.LastYear, W,
            date(2023, 2, 26), date(2024, 2, 25), 53, "2023-02-26T00:00:00Z",
            id="last-year-weekly",
        ),
        pytest.param(
            # 22:00 on 29 February in New York; minus one month is 29 January, local midnight.
            "2024-03-01T03:00:00Z", "America/New_York", TimeRange.LastMonth, D,
            date(2024, 1, 29), date(2024, 2, 29), 32, "2024-01-29T05:00:00Z",
            id="local-date-of-now-decides",
        ),
        pytest.param(
            "2024-03-01T03:00:00Z", "Eastern Standard Time", TimeRange.LastMonth, D,
            date(2024, 1, 29), date(2024, 2, 29), 32, "2024-01-29T05:00:00Z",
            id="windows-zone-name",
        ),
    ],
)  # fmt: skip
def test_metrics_window(
    now: str,
    zone: str,
    time_range: TimeRange,
    granularity: Granularity,
    first: date,
    last: date,
    count: int,
    start: str,
) -> None:
    query = MetricsQuery(time_range=time_range, granularity=granularity)
    window = metrics_window(query, resolve_time_zone(zone), parse_timestamp(now))
    assert (window.starts[0], window.starts[-1], len(window.starts)) == (first, last, count)
    assert window.start == parse_timestamp(start)
    assert window.end == parse_timestamp(now)


@pytest.mark.parametrize(
    ("zone", "days", "edges"),
    [
        pytest.param(
            "Europe/London",
            [date(2024, 3, 30), date(2024, 3, 31), date(2024, 4, 1)],
            ["2024-03-30T00:00:00Z", "2024-03-31T00:00:00Z", "2024-03-31T23:00:00Z"],
            id="london-23-hour-day",
        ),
        pytest.param(
            "America/New_York",
            [date(2024, 11, 2), date(2024, 11, 3), date(2024, 11, 4)],
            ["2024-11-02T04:00:00Z", "2024-11-03T04:00:00Z", "2024-11-04T05:00:00Z"],
            id="new-york-25-hour-day",
        ),
        pytest.param(
            # Chile skips from 00:00 to 01:00: 8 September starts at the jump.
            "America/Santiago",
            [date(2024, 9, 7), date(2024, 9, 8), date(2024, 9, 9)],
            ["2024-09-07T04:00:00Z", "2024-09-08T04:00:00Z", "2024-09-09T03:00:00Z"],
            id="midnight-in-a-gap",
        ),
    ],
)
def test_local_midnights_across_daylight_saving(
    zone: str, days: list[date], edges: list[str]
) -> None:
    tz = resolve_time_zone(zone)
    assert [local_midnight(day, tz) for day in days] == [parse_timestamp(e) for e in edges]


def test_deployments_land_on_local_dates_across_a_23_hour_day() -> None:
    zone = resolve_time_zone("GMT Standard Time")
    window = intervals_between(
        parse_timestamp("2024-03-30T00:00:00Z"), parse_timestamp("2024-04-01T12:00:00Z"), D, zone
    )
    completed = np.array(
        [
            parse_timestamp("2024-03-30T23:30:00Z"),  # 23:30 GMT, 30 March
            parse_timestamp("2024-03-31T22:30:00Z"),  # 23:30 BST, 31 March
            parse_timestamp("2024-03-31T23:30:00Z"),  # 00:30 BST, 1 April
        ]
    )
    assert window.starts == (date(2024, 3, 30), date(2024, 3, 31), date(2024, 4, 1))
    assert window.interval_of(completed).tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("now", "zone", "start"),
    [
        pytest.param("2024-03-15T12:00:00Z", "UTC", "2023-03-01T00:00:00Z", id="utc"),
        pytest.param(
            # 01:00 on 1 February in Auckland (+13): the window starts 1 February 2023, local.
            "2024-01-31T12:00:00Z", "Pacific/Auckland", "2023-01-31T11:00:00Z",
            id="local-month-of-now-decides",
        ),
        pytest.param(
            # 01:30 BST on 1 July; 1 July 2023 began at 23:00 UTC the day before.
            "2024-07-01T00:30:00Z", "Europe/London", "2023-06-30T23:00:00Z",
            id="summer-time-midnight",
        ),
    ],
)  # fmt: skip
def test_streams_window(now: str, zone: str, start: str) -> None:
    assert streams_window(parse_timestamp(now), resolve_time_zone(zone)) == (
        parse_timestamp(start),
        parse_timestamp(now),
    )


def test_explicit_window_start_after_end_is_invalid() -> None:
    query = MetricsQuery(
        start=parse_timestamp("2024-03-02T00:00:00Z"), end=parse_timestamp("2024-03-01T00:00:00Z")
    )
    with pytest.raises(Invalid, match="after its end"):
        metrics_window(query, resolve_time_zone("UTC"), parse_timestamp("2024-03-05T00:00:00Z"))


def test_explicit_window_lists_intervals_from_start_to_end() -> None:
    query = MetricsQuery(
        granularity=M,
        start=parse_timestamp("2023-11-15T00:00:00Z"),
        end=parse_timestamp("2024-01-10T00:00:00Z"),
    )
    window = metrics_window(
        query, resolve_time_zone("UTC"), parse_timestamp("2025-01-01T00:00:00Z")
    )
    assert window.starts == (date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1))
    assert (window.start, window.end) == (query.start, query.end)


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("0001-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z"),
        ("2024-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "9999-12-31T00:00:00.0000000Z"),
        (None, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z"),
    ],
)
def test_a_window_beyond_the_clock_range_is_invalid(
    start: str | None, end: str, shown: str
) -> None:
    query = MetricsQuery(
        granularity=M,
        start=None if start is None else parse_timestamp(start),
        end=parse_timestamp(end),
    )
    with pytest.raises(Invalid) as raised:
        metrics_window(query, resolve_time_zone("Pacific/Auckland"), parse_timestamp(end))
    assert raised.value.problems == (
        f"The window must lie from 1900-01-01 to 9000-01-01 (UTC); {shown} does not.",
    )
